// cmd_upscale.cpp - `upres upscale -i IN -o OUT [-m MODEL] [--arch NAME] [-s SCALE]
//                   [--device D] [--tile N] [--overlap P] [--ensemble]`.
//
// MODEL is one of
//   a shipped model's name ("espcn": <name>_x<scale>.safetensors in the model
//     folders, model_zoo.cpp; -s picks the scale, default 2 when shipped),
//   a .safetensors file (its metadata names the architecture; --arch NAME for
//     files without, such as BasicSR's converted weights; -s must match its scale),
//   "bicubic" (MATLAB-style bicubic of every plane, -s or 2; no network).
// Without -m: the best shipped model for -s (default 2).
//
// The work is inference::upscale (inference/upscale.h): colour handling,
// --tile N (LR pixels per tile side; 0 = automatic by a 1 GiB budget; must be
// at least 2 x --overlap), --overlap P (LR pixels of context, default 16;
// tiled == untiled when P >= 2 x the network's receptive radius) and
// --ensemble (x8 flips and rotations, 8 times slower). A 16-bit PNG gives a
// 16-bit PNG.
//
// IN a file: OUT is written in the format its extension names (.png, .jpg,
// .jpeg, .bmp). IN a folder: OUT is a folder (created), and every image file of
// IN (.png, .jpg, .jpeg, .bmp, .tga; not recursive; other files are skipped)
// gives OUT/<same name> in the same format. A file that fails (corrupt, too
// large, ...) is reported on stderr with its name and the others are still
// processed; the exit code is then 1. Options, the model and the output folder
// are checked before any image is read.
//
// Every output is written atomically (temporary file + rename): a failed run
// leaves no half-written file and the old file, if any, as it was. Ctrl-C or
// SIGTERM stops between bands of a streamed PNG (and between files of a
// folder), removes the temporary file and exits 130 (interrupt.h).
//
// A PNG output is streamed (inference/upscale_file.h): the image goes through in
// horizontal bands and each finished row is compressed into the file at once, so
// the enlarged image is never in memory whole. JPEG and BMP outputs are encoded
// from the whole image (stb_image_write).
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <optional>

#include "apps/upres/cli.h"
#include "apps/upres/interrupt.h"
#include "data/image.h"
#include "engine/dispatch.h"
#include "engine/error.h"
#include "inference/upscale.h"
#include "inference/upscale_file.h"

namespace upres::cli {

namespace fs = std::filesystem;

namespace {
const std::vector<OptionSpec> kSpecs = {
    {"input", "i", true, "image to enlarge (PNG, JPEG, BMP, TGA), or a folder of them"},
    {"output", "o", true, "where to write it (.png, .jpg, .jpeg, .bmp), or a folder when -i is one"},
    {"model", "m", true, "a shipped model's name, a .safetensors file, or 'bicubic'; default: the best shipped for the scale"},
    {"arch", "", true, "architecture of a .safetensors file without upres metadata (e.g. edsr, rrdbnet)"},
    {"scale", "s", true, "upscaling factor; picks the shipped model, must match a file's (default: 2, or the file's)"},
    {"tile", "", true, "tile side in input pixels, 0 = automatic by memory (default 0); >= 2 x overlap"},
    {"overlap", "", true, "context around each tile in input pixels (default 16)"},
    {"ensemble", "", false, "x8 self-ensemble: average over flips and rotations (8 times slower)"},
    {"threads", "t", true, "CPU threads (default: all)"},
    {"device", "", true, "where the network runs: cpu (default), cuda (needs a GPU) or simt (CUDA kernels emulated, slow)"},
    {"help", "h", false, "show this help"},
};

std::string lower_extension(const fs::path& p) {
  std::string e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  return e;
}

bool is_image_file(const fs::path& p) {
  const std::string e = lower_extension(p);
  return e == ".png" || e == ".jpg" || e == ".jpeg" || e == ".bmp" || e == ".tga";
}

// What enlarges: a network, or MATLAB-style bicubic.
struct Enlarger {
  std::optional<LoadedModel> model;  // empty: bicubic
  int64_t scale = 2;
  inference::UpscaleOptions opt;
  data::Image operator()(const data::Image& img) const {
    data::Image out = model ? super_resolve(*model, img, opt) : inference::bicubic_upscale(img, scale);
    out.bit_depth = img.bit_depth;
    return out;
  }
};

Enlarger make_enlarger(const Args& a, Device device) {
  Enlarger e;
  const int64_t scale = a.get_int("scale", 0, 1, 16);
  const std::string name = a.get("model", "");
  if (name == "bicubic") {
    if (a.has("arch")) throw UsageError("--arch names the architecture of a model file; -m bicubic has none");
    e.scale = scale ? scale : 2;
    return e;
  }
  const bool is_file = !name.empty() && (lower_extension(name) == ".safetensors" ||
                                         name.find('/') != std::string::npos || fs::is_regular_file(name));
  if (a.has("arch") && !is_file)
    throw UsageError("--arch is for a .safetensors file given with -m; '" + (name.empty() ? std::string("(default)") : name) +
                     "' is a shipped model that knows its architecture");
  std::string path;
  if (is_file) {
    path = name;
  } else {
    path = (name.empty() ? best_shipped_model(scale ? scale : 2) : shipped_model(name, scale)).path;
  }
  LoadedModel m = load_model(path, a.get("arch", ""));
  if (scale && scale != m.scale)
    throw UsageError("the model '" + path + "' enlarges by " + std::to_string(m.scale) + ", but -s asks for " +
                     std::to_string(scale));
  move_model(m, device);
  e.scale = m.scale;
  e.model = std::move(m);
  return e;
}

void stop_if_interrupted(const fs::path& out) {
  if (interrupt_requested()) throw Interrupted("interrupted; '" + out.string() + "' was not written");
}

// One image file to another (a PNG streamed by bands, inference/upscale_file.h);
// throws on failure (nothing written then).
void upscale_file(const Enlarger& e, const fs::path& in, const fs::path& out) {
  inference::upscale_file([&](const data::Image& img) { return e(img); }, e.scale, e.opt.overlap, in.string(),
                          out.string(), [&] { stop_if_interrupted(out); });
}
}  // namespace

int cmd_upscale(int argc, char** argv) {
  Args a(kSpecs, argc, argv, 1);
  if (a.has("help")) {
    std::cout << "usage: upres upscale -i IN -o OUT [-m NAME|FILE.safetensors|bicubic] [--arch NAME] [-s SCALE]\n"
                 "                     [--device cpu|cuda|simt] [--tile N] [--overlap P] [--ensemble]\n\n"
              << describe_options(kSpecs);
    return 0;
  }
  const fs::path in = a.require("input"), out = a.require("output");
  InterruptScope interrupts;
  set_cpu_threads(static_cast<int>(a.get_int("threads", 0, 0, 1024)));
  const int64_t tile = a.get_int("tile", 0, 0, 1 << 20), overlap = a.get_int("overlap", 16, 0, 1 << 16);
  if (tile > 0 && tile < 2 * overlap)
    throw UsageError("--tile " + std::to_string(tile) + " is smaller than twice --overlap " + std::to_string(overlap) +
                     " (the blend bands of a tile's two sides would meet); use --tile >= " +
                     std::to_string(2 * overlap) + " or a smaller --overlap");
  const bool folder = fs::is_directory(in);
  if (folder) {
    if (fs::exists(out) && !fs::is_directory(out))
      throw UsageError("-i '" + in.string() + "' is a folder, so -o must be one too; '" + out.string() + "' is a file");
    if (fs::exists(out) && fs::equivalent(in, out))
      throw UsageError("-o '" + out.string() + "' is the input folder; the results would replace the inputs");
  } else {
    try {
      data::format_from_path(out.string());
    } catch (const Error& e) {
      throw UsageError(e.what());
    }
  }
  const Device device = device_option(a);  // fails here, before anything is read or written
  Enlarger e = make_enlarger(a, device);
  e.opt.tile = tile;
  e.opt.overlap = overlap;
  e.opt.ensemble = a.has("ensemble");

  if (!folder) {
    upscale_file(e, in, out);
    return 0;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(in))
    if (entry.is_regular_file() && is_image_file(entry.path())) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) UPRES_FAIL("no image files (.png, .jpg, .jpeg, .bmp, .tga) in the folder '", in.string(), "'");
  fs::create_directories(out);
  int failed = 0;
  for (const fs::path& f : files) {
    const fs::path target = out / f.filename();
    try {
      upscale_file(e, f, target);
      std::cout << f.string() << " -> " << target.string() << "\n";
    } catch (const Interrupted&) {
      throw;  // stop the folder, not just this file
    } catch (const std::exception& ex) {  // report, go on with the others
      ++failed;
      std::cerr << "upres: error: " << f.string() << ": " << ex.what() << "\n";
    }
  }
  if (failed) {
    std::cerr << "upres: " << failed << " of " << files.size() << " images failed\n";
    return 1;
  }
  return 0;
}

}  // namespace upres::cli
