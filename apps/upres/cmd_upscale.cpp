// cmd_upscale.cpp - `upres upscale -i IN -o OUT [-m MODEL] [-s SCALE] [--device D]`.
//
// Reads IN (PNG, JPEG, BMP), enlarges it with the model (super_resolve in
// pipeline.cpp) and writes OUT as PNG, atomically: on any error OUT is left as it
// was (absent, or the old file), never half written.
#include <algorithm>
#include <cctype>
#include <iostream>

#include "apps/upres/cli.h"
#include "engine/dispatch.h"

namespace upres::cli {

namespace {
const std::vector<OptionSpec> kSpecs = {
    {"input", "i", true, "image to enlarge (PNG, JPEG, BMP)"},
    {"output", "o", true, "where to write the result (PNG)"},
    {"model", "m", true, "model file (.safetensors); default: the shipped ESPCN for the scale"},
    {"scale", "s", true, "upscaling factor; must match the model (default: the model's, or 2)"},
    {"threads", "t", true, "CPU threads (default: all)"},
    {"device", "", true, "where the network runs: cpu (default), cuda (needs a GPU) or simt (CUDA kernels emulated, slow)"},
    {"help", "h", false, "show this help"},
};

bool ends_with_png(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s.size() > 4 && s.compare(s.size() - 4, 4, ".png") == 0;
}
}  // namespace

int cmd_upscale(int argc, char** argv) {
  Args a(kSpecs, argc, argv, 1);
  if (a.has("help")) {
    std::cout << "usage: upres upscale -i IN -o OUT [-m MODEL.safetensors] [-s SCALE] [--device cpu|cuda|simt]\n\n"
              << describe_options(kSpecs);
    return 0;
  }
  const std::string in = a.require("input"), out = a.require("output");
  if (!ends_with_png(out)) throw UsageError("output '" + out + "' must be a .png file (upres writes PNG)");
  const long long scale = a.get_int("scale", 0, 1, 16);
  set_cpu_threads(static_cast<int>(a.get_int("threads", 0, 0, 1024)));
  const Device device = device_option(a);  // fails here, before anything is read or written

  const std::string model_path = a.has("model") ? a.get("model") : default_model_path(scale ? scale : 2);
  LoadedModel m = load_model(model_path);
  if (scale && scale != m.scale)
    throw UsageError("the model '" + model_path + "' enlarges by " + std::to_string(m.scale) + ", but -s asks for " +
                     std::to_string(scale));

  move_model(m, device);

  data::Image img = data::load_image(in);
  data::Image result = super_resolve(m, img);
  data::save_png(result, out);
  return 0;
}

}  // namespace upres::cli
