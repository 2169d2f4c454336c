// model_file.cpp - from a safetensors checkpoint to a ready network, and where
// the shipped models live.
//
// A checkpoint names its architecture in the metadata ("arch") with the
// hyperparameters beside it, so `upres upscale -m file` needs nothing else;
// models/load.h does the work for every architecture of models/registry.h.
#include <cstdlib>
#include <filesystem>

#include "apps/upres/cli.h"
#include "engine/error.h"
#include "engine/rng.h"
#include "models/load.h"

namespace upres::cli {

LoadedModel load_model(const std::string& path, const std::string& arch) {
  models::LoadOptions opt;
  opt.arch = arch;
  models::LoadedNetwork n = models::load_network(path, opt);
  LoadedModel m;
  m.net = n.net;
  m.arch = n.net->arch();
  m.scale = n.net->scale();
  m.channels = n.net->channels();
  m.metadata = n.metadata;
  return m;
}

std::string default_model_path(int64_t scale) {
  namespace fs = std::filesystem;
  const std::string name = "espcn_x" + std::to_string(scale) + ".safetensors";
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
  std::string looked;
  for (auto& d : dirs) {
    fs::path p = d / name;
    if (fs::is_regular_file(p, ec)) return p.string();
    looked += "\n  " + p.string();
  }
  throw UsageError("no shipped model for scale " + std::to_string(scale) + " (looked for:" + looked +
                   "); pass one with -m FILE.safetensors");
}

}  // namespace upres::cli
