// registry.h - the table of architectures upres knows, by name.
//
// Each network file (models/<name>.cpp) provides one ArchSpec: its name, family,
// paper, default hyperparameters, a builder, and - for checkpoints that carry no
// upres metadata, such as BasicSR's published weights converted to safetensors -
// a function that reads hyperparameters off the tensors' names and shapes.
// The table is a fixed list (registry.cpp), not a mutable global.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/rng.h"
#include "models/network.h"

namespace upres::models {

// Tensor name -> shape, as in a state dict.
using ShapeMap = std::map<std::string, std::vector<int64_t>>;

struct ArchSpec {
  std::string name;       // "edsr-baseline"
  std::string family;     // "pre-upsampling" | "post-upsampling" | "progressive" | "iterative up-and-down"
  std::string reference;  // "Lim et al., Enhanced Deep Residual Networks for SISR, CVPRW 2017"
  std::string summary;    // one line for `upres --help`-style listings
  Hyper defaults;         // every hyperparameter with its default value ("scale", "channels" included)
  Hyper tiny;             // overrides making a small, fast instance (tests, demos); may be empty
  std::vector<int64_t> scales;  // the scales the architecture allows (e.g. {2, 3, 4}; LapSRN {2, 4, 8})
  // Builds the network from a complete hyperparameter set (defaults merged with
  // overrides by build_network); draws initial weights from rng (PyTorch's
  // default initialisation unless the paper prescribes another).
  std::function<std::shared_ptr<SRNetwork>(const Hyper& h, Rng& rng)> build;
  // Hyperparameters determined by a state dict's names and shapes (block counts,
  // widths, scale); what they do not determine is left out. May be empty.
  std::function<Hyper(const ShapeMap& shapes)> infer;
};

// Every architecture, in a fixed order.
const std::vector<ArchSpec>& architectures();
// The spec named `name`; throws upres::Error listing the known names.
const ArchSpec& find_arch(const std::string& name);
// defaults <- overrides, checked: an override key the architecture does not
// have, or a scale not in spec.scales, throws naming it.
Hyper merge_hyper(const ArchSpec& spec, const Hyper& overrides);
std::shared_ptr<SRNetwork> build_network(const std::string& arch, const Hyper& overrides, Rng& rng);

// One "arch function" per network file; registry.cpp lists them.
ArchSpec srcnn_arch();
ArchSpec vdsr_arch();
ArchSpec fsrcnn_arch();
ArchSpec espcn_arch();
ArchSpec edsr_arch();
ArchSpec edsr_baseline_arch();
ArchSpec msrresnet_arch();
ArchSpec srvgg_arch();
ArchSpec rrdbnet_arch();
ArchSpec dspnet_arch();
ArchSpec lapsrn_arch();
ArchSpec dbpn_arch();

}  // namespace upres::models
