// cmd_eval.cpp - `upres eval -m MODEL -s SCALE -d DIR [--protocol NAME] [--json]`:
// PSNR and SSIM on Y of a model (or of bicubic) over a folder of HR images, the
// way super-resolution tables are computed.
//
// For each image file in DIR (sorted by name): the protocol (metrics/protocol.h)
// crops HR to a multiple of the scale and makes the LR with MATLAB-style
// bicubic; the model enlarges the LR; the result is clamped to [0, 1] and
// rounded to 8 bits (as the published evaluation code saves it), and PSNR and
// SSIM are computed on Y with `scale` pixels removed at each border.
//   standard  (default) LR from the 8-bit RGB HR, as the published LR sets are made;
//   legacy-y  the Y-only pipeline behind the classic tables' bicubic rows.
// MODEL: 'bicubic' (the protocol's own MATLAB imresize), a shipped model's name
// (its file for the scale), or a .safetensors file (--arch for files without
// upres metadata). Pre-upsampling networks get the bicubic-enlarged LR
// (inference/upscale.h does that).
//
// Output: one progress line per image on stderr ("[3/5] bird.png 36.12 dB
// 0.9512", rewritten in place on a terminal); a table on stdout, or with --json
// only one object: {"dataset", "scale", "model", "protocol", "psnr_y", "ssim_y",
// "images": [{"name", "psnr_y", "ssim_y"}, ...]} (an infinite PSNR is null).
// --report DIR also writes DIR/index.html (apps/upres/report.h): the table with
// bicubic beside the model, crops of the worst window, and the training curves
// of --training-log FILE, or of the model file's X.log.csv when it exists.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "apps/upres/cli.h"
#include "apps/upres/report.h"
#include "data/image.h"
#include "engine/dispatch.h"
#include "engine/error.h"
#include "engine/json.h"
#include "metrics/protocol.h"

namespace upres::cli {

namespace {

namespace fs = std::filesystem;
using metrics::EvalProtocol;

const std::vector<OptionSpec> kSpecs = {
    {"model", "m", true, "'bicubic', a shipped model's name (e.g. espcn), or a .safetensors file"},
    {"scale", "s", true, "the enlargement, 2 to 8 (default: the model file's; required for bicubic and names)"},
    {"data", "d", true, "folder of HR images (e.g. ../shared/data/Set5)"},
    {"protocol", "", true, "standard (default) or legacy-y; see the README, 'Evaluation protocols'"},
    {"arch", "", true, "architecture of a .safetensors file without upres metadata"},
    {"json", "", false, "print one JSON object on stdout instead of the table"},
    {"report", "", true, "also write an HTML report (table, crops, training curves) to DIR/index.html"},
    {"training-log", "", true, "the trainer's X.log.csv for the report's curves (default: beside the model file)"},
    {"threads", "t", true, "CPU threads (default: all)"},
    {"device", "", true, "where the network runs: cpu (default), cuda (needs a GPU) or simt (slow)"},
    {"help", "h", false, "show this help"},
};

bool is_image_file(const fs::path& p) {
  std::string e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  return e == ".png" || e == ".jpg" || e == ".jpeg" || e == ".bmp" || e == ".tga";
}

std::vector<fs::path> image_files(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw UsageError("-d '" + dir + "' does not exist");
  if (!fs::is_directory(dir, ec)) throw UsageError("-d '" + dir + "' is not a folder");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && is_image_file(e.path())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) UPRES_FAIL("no image files (.png, .jpg, .jpeg, .bmp, .tga) in the folder '", dir, "'");
  return files;
}

// "Set5" for "../shared/data/Set5/" (a trailing slash leaves an empty file name).
std::string dataset_name(const std::string& dir) {
  fs::path p = fs::path(dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p.filename().string();
}

// What enlarges the LR: a network, or the protocol's bicubic.
struct Model {
  std::string label;               // as given with -m
  std::optional<LoadedModel> net;  // empty: bicubic
  int scale = 0;
};

Model make_model(const Args& a, EvalProtocol protocol) {
  Model m;
  m.label = a.require("model");
  const int scale = static_cast<int>(a.get_int("scale", 0, 2, 8));
  if (m.label == "bicubic") {
    if (a.has("arch")) throw UsageError("--arch names the architecture of a model file; -m bicubic has none");
    if (!scale) throw UsageError("-m bicubic needs -s SCALE (2 to 8)");
    m.scale = scale;
    return m;
  }
  const bool is_file = m.label.size() > 12 && m.label.substr(m.label.size() - 12) == ".safetensors";
  const bool file = is_file || m.label.find('/') != std::string::npos || fs::is_regular_file(m.label);
  if (a.has("arch") && !file)
    throw UsageError("--arch is for a .safetensors file given with -m; '" + m.label + "' is a shipped model");
  if (!file && !scale) throw UsageError("-m " + m.label + " needs -s SCALE (2 to 8) to pick the shipped file");
  const std::string path = file ? m.label : shipped_model(m.label, scale).path;
  LoadedModel net = load_model(path, a.get("arch", ""));
  if (scale && scale != net.scale)
    throw UsageError("the model '" + path + "' enlarges by " + std::to_string(net.scale) + ", but -s asks for " +
                     std::to_string(scale));
  if (net.scale < 2 || net.scale > 8)
    throw UsageError("the model '" + path + "' enlarges by " + std::to_string(net.scale) + "; eval needs 2 to 8");
  if (protocol == EvalProtocol::legacy_y && net.channels != 1)
    throw UsageError("--protocol legacy-y scores the Y plane alone and feeds it to the network, but '" + path +
                     "' takes " + std::to_string(net.channels) + " channels; use --protocol standard");
  move_model(net, device_option(a));
  m.scale = static_cast<int>(net.scale);
  m.net = std::move(net);
  return m;
}

json::Value json_number(double v) { return std::isfinite(v) ? json::Value(v) : json::Value(nullptr); }

std::string fixed(double v, int digits) {
  if (!std::isfinite(v)) return v > 0 ? "inf" : "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

struct ImageScore {
  std::string name;
  metrics::YScores s;
};

}  // namespace

int cmd_eval(int argc, char** argv) {
  Args a(kSpecs, argc, argv, 1);
  if (a.has("help")) {
    std::cout << "usage: upres eval -m bicubic|NAME|FILE.safetensors -s SCALE -d DIR [--protocol standard|legacy-y]\n"
                 "                  [--json] [--arch NAME] [--device cpu|cuda|simt]\n\n"
                 "PSNR and SSIM on Y (BT.601), `scale` pixels removed at each border, of the model's\n"
                 "output clamped to [0, 1] and rounded to 8 bits, against each HR image of DIR.\n\n"
              << describe_options(kSpecs);
    return 0;
  }
  EvalProtocol protocol = EvalProtocol::standard;
  if (a.has("protocol")) {
    try {
      protocol = metrics::eval_protocol_from_name(a.get("protocol"));
    } catch (const Error&) {
      throw UsageError("--protocol '" + a.get("protocol") + "' is unknown; expected standard or legacy-y");
    }
  }
  const std::string dir = a.require("data");
  set_cpu_threads(static_cast<int>(a.get_int("threads", 0, 0, 1024)));
  const Model model = make_model(a, protocol);  // option mistakes first, then the folder
  if (a.has("training-log") && !fs::is_regular_file(a.get("training-log")))
    throw UsageError("--training-log '" + a.get("training-log") + "' is not a file");
  const std::vector<fs::path> files = image_files(dir);
  const int s = model.scale;
  const bool json_out = a.has("json"), tty = isatty(STDERR_FILENO) == 1;

  std::vector<ImageScore> scores;
  report::ReportData rep;
  double sum_psnr = 0, sum_ssim = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string name = files[i].filename().string();
    data::Image hr = metrics::prepare_hr(data::load_image(files[i].string()), s, protocol);
    data::Image lr = metrics::make_lr(hr, s, protocol);
    data::Image sr = model.net ? super_resolve(*model.net, lr) : metrics::bicubic_sr(lr, s, protocol);
    ImageScore r{name, metrics::score_y(sr, hr, s, protocol)};
    if (a.has("report")) {
      const data::Image bic = model.net ? metrics::bicubic_sr(lr, s, protocol) : sr;
      const metrics::YScores b = model.net ? metrics::score_y(bic, hr, s, protocol) : r.s;
      rep.rows.push_back({name, b.psnr, b.ssim, r.s.psnr, r.s.ssim});
      rep.crops.push_back(report::make_crop(name, hr, metrics::quantize_8bit(bic), metrics::quantize_8bit(sr), 96));
    }
    sum_psnr += r.s.psnr;
    sum_ssim += r.s.ssim;
    scores.push_back(r);
    std::cerr << (tty ? "\r\033[K" : "") << "[" << i + 1 << "/" << files.size() << "] " << name << " "
              << fixed(r.s.psnr, 2) << " dB " << fixed(r.s.ssim, 4) << (tty ? "" : "\n") << std::flush;
  }
  if (tty) std::cerr << "\n";
  const double n = static_cast<double>(scores.size());
  const double mean_psnr = sum_psnr / n, mean_ssim = sum_ssim / n;
  if (a.has("report")) {
    rep.dataset = dataset_name(dir), rep.scale = s, rep.model = model.label;
    rep.protocol = metrics::eval_protocol_name(protocol);
    const std::string ext = ".safetensors", stem = model.label.substr(0, model.label.size() - std::min(model.label.size(), ext.size()));
    const bool beside = model.net && stem + ext == model.label && fs::is_regular_file(stem + ".log.csv");
    rep.training_log = a.get("training-log", beside ? stem + ".log.csv" : "");
    report::write_report(a.get("report"), rep);
    std::cerr << "report: " << (fs::path(a.get("report")) / "index.html").string() << "\n";
  }

  if (json_out) {
    json::Value o = json::Value::object();
    o.set("dataset", dataset_name(dir));
    o.set("scale", static_cast<int64_t>(s));
    o.set("model", model.label);
    o.set("protocol", metrics::eval_protocol_name(protocol));
    o.set("psnr_y", json_number(mean_psnr));
    o.set("ssim_y", json_number(mean_ssim));
    json::Value images = json::Value::array();
    for (const ImageScore& r : scores) {
      json::Value im = json::Value::object();
      im.set("name", r.name);
      im.set("psnr_y", json_number(r.s.psnr));
      im.set("ssim_y", json_number(r.s.ssim));
      images.push_back(std::move(im));
    }
    o.set("images", std::move(images));
    std::cout << json::dump(o) << "\n";
    return 0;
  }
  size_t width = 4;
  for (const ImageScore& r : scores) width = std::max(width, r.name.size());
  auto pad = [&](const std::string& t) { return t + std::string(width + 2 - t.size(), ' '); };
  std::cout << dataset_name(dir) << " x" << s << ", model " << model.label << ", protocol "
            << metrics::eval_protocol_name(protocol) << " (Y, " << s << " px border removed, SR rounded to 8 bits)\n"
            << pad("image") << "PSNR-Y (dB)  SSIM-Y\n";
  for (const ImageScore& r : scores)
    std::cout << pad(r.name) << fixed(r.s.psnr, 2) << std::string(13 - std::min<size_t>(12, fixed(r.s.psnr, 2).size()), ' ')
              << fixed(r.s.ssim, 4) << "\n";
  std::cout << pad("mean") << fixed(mean_psnr, 2) << std::string(13 - std::min<size_t>(12, fixed(mean_psnr, 2).size()), ' ')
            << fixed(mean_ssim, 4) << "  (" << scores.size() << " images)\n";
  return 0;
}

}  // namespace upres::cli
