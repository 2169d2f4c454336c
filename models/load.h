// load.h - from a safetensors file to a ready network.
//
// Which architecture: LoadOptions::arch if given (the tool's --arch), else the
// file's metadata "arch". Which hyperparameters, lowest priority first:
//   the architecture's defaults
//   <- what its infer() reads off the tensors' names and shapes
//   <- the file's metadata (keys the architecture knows)
//   <- LoadOptions::overrides.
// So an upres checkpoint needs nothing else, and BasicSR's published weights,
// converted to safetensors (no metadata), need only --arch. Tensor names may
// carry one of the prefixes that PyTorch training code wraps a state dict in
// ("params.", "params_ema.", "module."); it is removed when every name has it.
// The weights load strictly: every problem (missing, unexpected, mis-shaped
// tensor) is listed in one upres::Error that names the file and architecture.
#pragma once

#include <memory>
#include <string>

#include "models/network.h"
#include "models/registry.h"

namespace upres::models {

struct LoadOptions {
  std::string arch;  // empty: from the metadata
  Hyper overrides;   // applied last
};

struct LoadedNetwork {
  std::shared_ptr<SRNetwork> net;  // in eval mode, on the cpu
  Metadata metadata;               // the file's metadata as read
  Hyper hyper;                     // the hyperparameters it was built with
};

LoadedNetwork load_network(const std::string& path, const LoadOptions& opt = {});

// Hyperparameters from defaults, inference and metadata as described above,
// without building (exposed for tests and `upres info`).
Hyper resolve_hyper(const ArchSpec& spec, const ShapeMap& shapes, const Metadata& metadata, const Hyper& overrides);

}  // namespace upres::models
