// model_file.cpp - from a safetensors checkpoint to a ready network (where the
// shipped models live is inference/zoo.h, wrapped in model_zoo.cpp).
//
// A checkpoint names its architecture in the metadata ("arch") with the
// hyperparameters beside it, so `upres upscale -m file` needs nothing else;
// models/load.h does the work for every architecture of models/registry.h.
#include "apps/upres/cli.h"
#include "engine/error.h"
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

}  // namespace upres::cli
