// zoo.cpp - finding the shipped models (zoo.h).
#include "inference/zoo.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>

#include "engine/error.h"

namespace upres::inference {

namespace fs = std::filesystem;

namespace {
const std::vector<std::string> kQualityOrder = {"rrdbnet", "edsr",   "msrresnet", "dbpn",   "edsr-baseline", "srvgg",
                                                "lapsrn",  "vdsr",   "dspnet",    "fsrcnn", "espcn",         "srcnn"};

// The file (shared library or executable) that holds this function.
fs::path this_binary() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&this_binary), &info) && info.dli_fname && *info.dli_fname) {
    std::error_code ec;
    fs::path p = fs::canonical(info.dli_fname, ec);
    if (!ec) return p;
  }
  return {};
}

// A model that is not there is the caller's mistake, not a failed check of the
// library's: the message carries no source location (the tool prints it as a
// usage error).
[[noreturn]] void not_found(const std::string& message) { throw Error(message); }

std::string listing(const std::vector<ShippedModel>& all) {
  std::string s;
  for (const auto& m : all) s += (s.empty() ? "" : ", ") + m.name + " x" + std::to_string(m.scale);
  return s.empty() ? std::string("none found") : s;
}
}  // namespace

std::vector<std::string> model_dirs() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("UPRES_MODEL_DIR")) dirs.emplace_back(env);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);  // Linux; elsewhere this is skipped
  if (!ec) {
    dirs.push_back(exe.parent_path() / "models" / "zoo");
    dirs.push_back(exe.parent_path().parent_path() / "share" / "upres" / "models");
  }
  const fs::path lib = this_binary();
  if (!lib.empty()) dirs.push_back(lib.parent_path().parent_path() / "share" / "upres" / "models");
#ifdef UPRES_INSTALL_ZOO_DIR
  dirs.emplace_back(UPRES_INSTALL_ZOO_DIR);
#endif
#ifdef UPRES_ZOO_DIR
  dirs.emplace_back(UPRES_ZOO_DIR);
#endif
  std::vector<std::string> out;
  for (const fs::path& d : dirs) {
    const std::string s = d.lexically_normal().string();
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

std::vector<ShippedModel> shipped_models() {
  static const std::regex pattern(R"(([a-z0-9][a-z0-9_-]*)_x([0-9]+)\.safetensors)");
  std::vector<ShippedModel> found;
  for (const std::string& dir : model_dirs()) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec)) files.push_back(e.path());
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
    not_found("unknown model '" + name + "'; shipped: " + listing(all) + " (or give a .safetensors file, or 'bicubic')");
  if (scale == 0) scale = std::count(scales.begin(), scales.end(), 2) ? 2 : *std::min_element(scales.begin(), scales.end());
  for (const auto& m : all)
    if (m.name == name && m.scale == scale) return m;
  not_found("no shipped model '" + name + "' for scale " + std::to_string(scale) + "; shipped: " + listing(all));
}

ShippedModel best_shipped_model(int64_t scale) {
  const std::vector<ShippedModel> all = shipped_models();
  for (const std::string& name : kQualityOrder)
    for (const auto& m : all)
      if (m.name == name && m.scale == scale) return m;
  for (const auto& m : all)  // a name outside the ranking
    if (m.scale == scale) return m;
  std::string looked;
  for (const std::string& d : model_dirs()) looked += "\n  " + d;
  not_found("no shipped model for scale " + std::to_string(scale) + " (shipped: " + listing(all) + "; looked in:" + looked +
            "); give a .safetensors file, or 'bicubic'");
}

}  // namespace upres::inference
