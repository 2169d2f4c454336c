// model_file.cpp - from a safetensors checkpoint to a ready network, and where
// the shipped models live.
//
// A checkpoint names its architecture in the metadata ("arch") with the
// hyperparameters beside it, so `upres upscale -m file` needs nothing else.
// Architectures known here: espcn (models/espcn.h).
#include <cstdlib>
#include <filesystem>

#include "apps/upres/cli.h"
#include "engine/error.h"
#include "engine/rng.h"
#include "models/espcn.h"

namespace upres::cli {

LoadedModel load_model(const std::string& path) {
  SafetensorsData file = read_safetensors(path);
  auto arch = file.metadata.find("arch");
  UPRES_CHECK(arch != file.metadata.end(), "model file '", path,
              "' has no 'arch' in its metadata; expected a checkpoint written by upres (arch=espcn)");
  LoadedModel m;
  m.arch = arch->second;
  m.metadata = file.metadata;
  if (m.arch == "espcn") {
    models::EspcnConfig cfg;
    try {
      cfg = models::EspcnConfig::from_metadata(file.metadata);
    } catch (const Error& e) {
      UPRES_FAIL("model file '", path, "': ", e.what());
    }
    Rng rng(0);  // the weights are overwritten below
    auto net = std::make_shared<models::Espcn>(cfg, rng);
    try {
      load_state_dict(*net, file.tensor_map(), /*strict=*/true);
    } catch (const Error& e) {
      UPRES_FAIL("model file '", path, "' does not fit its architecture (espcn, features ", cfg.features, "/",
                 cfg.features2, "): ", e.what());
    }
    m.net = net;
    m.scale = cfg.scale;
    m.channels = cfg.channels;
  } else {
    UPRES_FAIL("model file '", path, "' names arch '", m.arch, "'; this upres knows: espcn");
  }
  m.net->eval();
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
