// cmd_degrade.cpp - `upres degrade -i HR -o LR -s SCALE [--pipeline SPEC] [--seed N]`.
//
// Makes a low-resolution image from a high-resolution one with a degradation
// pipeline (data/degrade.h; default "resize:bicubic", MATLAB imresize by 1/SCALE,
// output size ceil(size / SCALE)). The pipeline is parsed before anything is
// read, and a malformed one is a usage error (exit 2) naming the bad token and
// its position. OUT is written atomically as PNG: on any error it is not created.
#include <algorithm>
#include <cctype>
#include <iostream>

#include "apps/upres/cli.h"
#include "data/degrade.h"
#include "engine/dispatch.h"
#include "engine/error.h"

namespace upres::cli {

namespace {
const std::vector<OptionSpec> kSpecs = {
    {"input", "i", true, "high-resolution image (PNG, JPEG, BMP)"},
    {"output", "o", true, "where to write the degraded image (PNG)"},
    {"scale", "s", true, "downscaling factor of the resize step, 1..16 (default 4)"},
    {"pipeline", "p", true, "degradation steps, e.g. \"blur:sigma=1.2,resize:bicubic,noise:gauss:5,jpeg:q=40\""},
    {"seed", "", true, "seed of the noise (default 0)"},
    {"threads", "t", true, "CPU threads (default: all)"},
    {"help", "h", false, "show this help"},
};

const char* kGrammar =
    "\npipeline steps (comma-separated; arguments after ':'):\n"
    "  blur:sigma=S | blur:sigma_x=A:sigma_y=B:theta=DEG [:size=K]   Gaussian blur\n"
    "  resize[:bicubic|bilinear|nearest]                             downscale by -s (MATLAB imresize)\n"
    "  noise:gauss:SIGMA (8-bit units) | noise:poisson[:peak=P]      noise, clipped to [0, 1]\n"
    "  jpeg:q=Q                                                      JPEG re-compression, Q in 1..100\n"
    "  quantize:bits=B                                               round to 2^B - 1 levels\n"
    "default: resize:bicubic\n";

bool ends_with_png(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s.size() > 4 && s.compare(s.size() - 4, 4, ".png") == 0;
}
}  // namespace

int cmd_degrade(int argc, char** argv) {
  Args a(kSpecs, argc, argv, 1);
  if (a.has("help")) {
    std::cout << "usage: upres degrade -i HR -o LR [-s SCALE] [--pipeline SPEC] [--seed N]\n\n"
              << describe_options(kSpecs) << kGrammar;
    return 0;
  }
  const std::string in = a.require("input"), out = a.require("output");
  if (!ends_with_png(out)) throw UsageError("output '" + out + "' must be a .png file (upres writes PNG)");
  const long long scale = a.get_int("scale", 4, 1, 16);
  const long long seed = a.get_int("seed", 0, 0, 9223372036854775807LL);
  set_cpu_threads(static_cast<int>(a.get_int("threads", 0, 0, 1024)));
  data::DegradePipeline pipeline;
  try {
    pipeline = data::parse_degrade_pipeline(a.get("pipeline", data::default_degrade_pipeline()));
  } catch (const Error& e) {
    throw UsageError(std::string("--pipeline: ") + e.what());
  }
  data::Image hr = data::load_image(in);
  data::Image lr = data::degrade(hr, pipeline, static_cast<double>(scale), static_cast<uint64_t>(seed));
  data::save_png(lr, out);
  return 0;
}

}  // namespace upres::cli
