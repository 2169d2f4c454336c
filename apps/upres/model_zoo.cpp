// model_zoo.cpp - the models upres ships, by name: `upres upscale -m espcn -s 2`
// finds espcn_x2.safetensors, and no -m at all takes the best one shipped for
// the scale (cli.h).
//
// A shipped model is a file <name>_x<scale>.safetensors in one of the model
// folders, searched in this order (the first file of a name and scale wins):
//   $UPRES_MODEL_DIR, <executable dir>/models/zoo, <executable dir>/../share/upres/models,
//   and the source tree's models/zoo (UPRES_ZOO_DIR, set by apps/CMakeLists.txt).
//
// "Best" follows the published x4 PSNR ranking of the architectures (Set5, Y):
// RRDBNet (ESRGAN's PSNR model) > EDSR > MSRResNet > DBPN > EDSR baseline >
// SRVGG > LapSRN > VDSR > DSPNet > FSRCNN > ESPCN > SRCNN.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>

#include "apps/upres/cli.h"

namespace upres::cli {

namespace fs = std::filesystem;

namespace {
const std::vector<std::string> kQualityOrder = {"rrdbnet",       "edsr",  "msrresnet", "dbpn", "edsr-baseline",
                                                "srvgg",         "lapsrn", "vdsr",     "dspnet", "fsrcnn",
                                                "espcn",         "srcnn"};

std::vector<fs::path> model_dirs() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("UPRES_MODEL_DIR")) dirs.emplace_back(env);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);  // Linux; elsewhere this is skipped
  if (!ec) {
    dirs.push_back(exe.parent_path() / "models" / "zoo");
    dirs.push_back(exe.parent_path().parent_path() / "share" / "upres" / "models");
  }
#ifdef UPRES_ZOO_DIR
  dirs.emplace_back(UPRES_ZOO_DIR);
#endif
  return dirs;
}

std::string listing(const std::vector<ShippedModel>& all) {
  std::string s;
  for (const auto& m : all) s += (s.empty() ? "" : ", ") + m.name + " x" + std::to_string(m.scale);
  return s.empty() ? std::string("none found") : s;
}
}  // namespace

std::vector<ShippedModel> shipped_models() {
  static const std::regex pattern(R"(([a-z0-9][a-z0-9_-]*)_x([0-9]+)\.safetensors)");
  std::vector<ShippedModel> found;
  for (const fs::path& d : model_dirs()) {
    std::error_code ec;
    if (!fs::is_directory(d, ec)) continue;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(d, ec)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      std::smatch m;
      const std::string base = f.filename().string();
      if (!std::regex_match(base, m, pattern) || !fs::is_regular_file(f, ec)) continue;
      ShippedModel s{m[1].str(), std::stoll(m[2].str()), f.string()};
      const bool seen = std::any_of(found.begin(), found.end(),
                                    [&](const ShippedModel& o) { return o.name == s.name && o.scale == s.scale; });
      if (!seen) found.push_back(s);
    }
  }
  return found;
}

ShippedModel shipped_model(const std::string& name, int64_t scale) {
  const std::vector<ShippedModel> all = shipped_models();
  std::vector<int64_t> scales;
  for (const auto& m : all)
    if (m.name == name) scales.push_back(m.scale);
  if (scales.empty())
    throw UsageError("unknown model '" + name + "'; shipped: " + listing(all) +
                     " (or give a .safetensors file, or 'bicubic')");
  if (scale == 0) scale = std::count(scales.begin(), scales.end(), 2) ? 2 : *std::min_element(scales.begin(), scales.end());
  for (const auto& m : all)
    if (m.name == name && m.scale == scale) return m;
  throw UsageError("no shipped model '" + name + "' for scale " + std::to_string(scale) + "; shipped: " + listing(all));
}

ShippedModel best_shipped_model(int64_t scale) {
  const std::vector<ShippedModel> all = shipped_models();
  for (const std::string& name : kQualityOrder)
    for (const auto& m : all)
      if (m.name == name && m.scale == scale) return m;
  for (const auto& m : all)  // a name outside the ranking
    if (m.scale == scale) return m;
  std::string looked;
  for (const fs::path& d : model_dirs()) looked += "\n  " + d.string();
  throw UsageError("no shipped model for scale " + std::to_string(scale) + " (shipped: " + listing(all) +
                   "; looked in:" + looked + "); pass one with -m FILE.safetensors, or -m bicubic");
}

}  // namespace upres::cli
