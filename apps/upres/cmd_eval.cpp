// cmd_eval.cpp - `upres eval -m MODEL --data DIR`: PSNR of the model and of
// bicubic on a folder of HR images (e.g. Set5), on Y, border cropped.
//
// Protocol here: HR cropped to a multiple of the scale; LR = box downscale of
// the HR RGB (data/box_downscale.h: the degradation the shipped model was
// trained with; NOT the MATLAB-bicubic LR of published tables, so numbers are
// not comparable to papers). SR = super_resolve (what `upscale` writes, before
// 8-bit rounding), clamped to [0, 1]; bicubic = the engine's bicubic upsampling
// of the LR. PSNR on BT.601 Y in [0, 255], `border` pixels removed at each side
// (default: the scale), in double: 10 log10(255^2 / MSE).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "apps/upres/cli.h"
#include "data/box_downscale.h"
#include "data/color.h"
#include "engine/dispatch.h"

namespace upres::cli {

namespace {

const std::vector<OptionSpec> kSpecs = {
    {"model", "m", true, "model file (default: the shipped ESPCN x2)"},
    {"data", "d", true, "folder of HR images"},
    {"border", "", true, "pixels removed at each border before PSNR (default: the scale)"},
    {"threads", "t", true, "CPU threads (default: all)"},
    {"device", "", true, "where the network runs: cpu (default), cuda (needs a GPU) or simt (slow)"},
    {"help", "h", false, "show this help"},
};

data::Image clamp01(data::Image img) {
  for (float& v : img.pixels) v = std::min(std::max(v, 0.0f), 1.0f);
  return img;
}

double psnr_y(const data::Image& a, const data::Image& b, int border) {
  data::Image ya = data::rgb_to_y(clamp01(a)), yb = data::rgb_to_y(clamp01(b));
  double se = 0;
  int64_t n = 0;
  for (int y = border; y < ya.height - border; ++y)
    for (int x = border; x < ya.width - border; ++x) {
      double d = 255.0 * (static_cast<double>(ya.at(0, y, x)) - yb.at(0, y, x));
      se += d * d;
      ++n;
    }
  if (n == 0) throw UsageError("--border " + std::to_string(border) + " removes the whole image");
  return 10.0 * std::log10(255.0 * 255.0 / std::max(se / n, 1e-12));
}

}  // namespace

int cmd_eval(int argc, char** argv) {
  Args a(kSpecs, argc, argv, 1);
  if (a.has("help")) {
    std::cout << "usage: upres eval [-m MODEL.safetensors] --data DIR [--border N] [--device cpu|cuda|simt]\n\n" << describe_options(kSpecs);
    return 0;
  }
  const std::string dir = a.require("data");
  set_cpu_threads(static_cast<int>(a.get_int("threads", 0, 0, 1024)));
  const std::string model_path = a.has("model") ? a.get("model") : default_model_path(2);
  const Device device = device_option(a);
  LoadedModel m = load_model(model_path);
  move_model(m, device);
  const int s = static_cast<int>(m.scale);
  const int border = static_cast<int>(a.get_int("border", s, 0, 1000));

  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw UsageError("--data '" + dir + "' is not a folder");
  std::vector<std::string> files;
  for (auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());

  double sum_sr = 0, sum_bic = 0;
  int n = 0;
  std::cout << std::fixed << std::setprecision(2);
  for (auto& f : files) {
    data::Image hr = data::load_image(f);
    if (hr.channels == 2 || hr.channels == 4) hr = data::select_channels(hr, 0, hr.channels - 1);
    hr = data::modcrop(hr, s);
    data::Image lr = data::box_downscale(hr, s);
    double p_sr = psnr_y(super_resolve(m, lr), hr, border);
    double p_bic = psnr_y(bicubic_upscale(lr, s), hr, border);
    std::cout << fs::path(f).filename().string() << "  model " << p_sr << " dB  bicubic " << p_bic << " dB\n";
    sum_sr += p_sr;
    sum_bic += p_bic;
    ++n;
  }
  if (n == 0) throw UsageError("--data '" + dir + "' holds no files");
  std::cout << "mean over " << n << " images (Y, border " << border << ", box-downscaled LR): model " << sum_sr / n
            << " dB, bicubic " << sum_bic / n << " dB\n";
  return 0;
}

}  // namespace upres::cli
