// cmd_metrics.cpp - `upres metrics REF TEST [--y] [--crop N] [--json]`: the
// full-reference metrics of one image pair (metrics/metrics.h names each variant).
//
// REF is the reference (ground truth), TEST the image judged. --y compares the
// BT.601 luma (else the colour planes; alpha is ignored); --crop N removes N
// pixels at each border first (the SR protocol uses N = scale). Images of
// different sizes are an error naming both files and sizes (exit code 1, like
// any unusable input); a bad command line exits with 2 (cli.h).
//
// Output: one "name value" line per metric, or with --json one object
//   {"psnr": ..., "ssim": ..., "ms_ssim": ..., "vif": ..., "ifc": ...}
// with every value printed to 17 significant digits (reads back to the same
// double). PSNR of identical images is +infinity, which JSON cannot express:
// it is written as null (and as "inf" in the text output).
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

#include "apps/upres/cli.h"
#include "engine/dispatch.h"
#include "engine/error.h"
#include "engine/json.h"
#include "metrics/metrics.h"

namespace upres::cli {

namespace {

const std::vector<OptionSpec> kSpecs = {
    {"y", "", false, "compare the Y (BT.601 luma) channel instead of the colour planes"},
    {"crop", "", true, "pixels removed at each border before measuring (default 0)"},
    {"json", "", false, "print one JSON object instead of text lines"},
    {"threads", "t", true, "CPU threads (default: all)"},
    {"help", "h", false, "show this help"},
};

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

json::Value json_number(double v) { return std::isfinite(v) ? json::Value(v) : json::Value(nullptr); }

}  // namespace

int cmd_metrics(int argc, char** argv) {
  // Positional REF and TEST may stand anywhere among the options.
  std::vector<char*> rest{argv[0]};
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.size() > 1 && a[0] == '-') {
      rest.push_back(argv[i]);
      if ((a == "--crop" || a == "-t" || a == "--threads") && i + 1 < argc) rest.push_back(argv[++i]);
    } else {
      files.push_back(a);
    }
  }
  Args a(kSpecs, static_cast<int>(rest.size()), rest.data(), 1);
  if (a.has("help")) {
    std::cout << "usage: upres metrics REF TEST [--y] [--crop N] [--json]\n\n"
                 "PSNR, SSIM, MS-SSIM, VIF (pixel domain) and IFC (pixel domain) of TEST against REF.\n\n"
              << describe_options(kSpecs);
    return 0;
  }
  if (files.size() != 2)
    throw UsageError("metrics needs two images, REF and TEST; got " + std::to_string(files.size()) + " (see --help)");
  set_cpu_threads(static_cast<int>(a.get_int("threads", 0, 0, 1024)));
  metrics::Protocol p;
  p.y = a.has("y");
  p.border = static_cast<int>(a.get_int("crop", 0, 0, 1 << 20));

  const data::Image ref = data::load_image(files[0]), test = data::load_image(files[1]);
  UPRES_CHECK(ref.width == test.width && ref.height == test.height, "metrics: '", files[0], "' is ", ref.width, "x",
              ref.height, " but '", files[1], "' is ", test.width, "x", test.height,
              "; the images must have the same size (no crop is made)");
  UPRES_CHECK(p.y || (ref.channels >= 3) == (test.channels >= 3), "metrics: '", files[0], "' has ", ref.channels,
              " channels but '", files[1], "' has ", test.channels, "; use --y to compare luma");
  const metrics::Scores s = metrics::evaluate(ref, test, p);

  if (a.has("json")) {
    json::Value o = json::Value::object();
    o.set("psnr", json_number(s.psnr));
    o.set("ssim", json_number(s.ssim));
    o.set("ms_ssim", json_number(s.ms_ssim));
    o.set("vif", json_number(s.vif));
    o.set("ifc", json_number(s.ifc));
    std::cout << json::dump(o) << "\n";
  } else {
    std::cout << "psnr " << number(s.psnr) << "\nssim " << number(s.ssim) << "\nms_ssim " << number(s.ms_ssim)
              << "\nvif " << number(s.vif) << "\nifc " << number(s.ifc) << "\n";
  }
  return 0;
}

}  // namespace upres::cli
