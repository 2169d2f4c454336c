// registry.cpp - the fixed table of architectures and the checked merge of
// hyperparameters.
#include "models/registry.h"

#include <algorithm>

#include "engine/error.h"

namespace upres::models {

const std::vector<ArchSpec>& architectures() {
  static const std::vector<ArchSpec> table = {
      srcnn_arch(),     vdsr_arch(),  fsrcnn_arch(),  espcn_arch(),  edsr_arch(),   edsr_baseline_arch(),
      msrresnet_arch(), srvgg_arch(), rrdbnet_arch(), dspnet_arch(), lapsrn_arch(), dbpn_arch(),
  };
  return table;
}

namespace {
std::string known_names() {
  std::string s;
  for (const auto& a : architectures()) s += (s.empty() ? "" : ", ") + a.name;
  return s;
}
}  // namespace

const ArchSpec& find_arch(const std::string& name) {
  for (const auto& a : architectures())
    if (a.name == name) return a;
  UPRES_FAIL("unknown architecture '", name, "'; known: ", known_names());
}

Hyper merge_hyper(const ArchSpec& spec, const Hyper& overrides) {
  Hyper h = spec.defaults;
  for (const auto& [k, v] : overrides) {
    if (k == "arch") continue;
    UPRES_CHECK(h.count(k) > 0, spec.name, ": unknown hyperparameter '", k, "' (= '", v, "')");
    h[k] = v;
  }
  const int64_t scale = hyper_int(h, spec.name, "scale", 1, 16);
  if (!spec.scales.empty()) {
    bool ok = std::find(spec.scales.begin(), spec.scales.end(), scale) != spec.scales.end();
    std::string allowed;
    for (int64_t s : spec.scales) allowed += (allowed.empty() ? "" : ", ") + std::to_string(s);
    UPRES_CHECK(ok, spec.name, ": scale ", scale, " is not supported; expected one of ", allowed);
  }
  return h;
}

std::shared_ptr<SRNetwork> build_network(const std::string& arch, const Hyper& overrides, Rng& rng) {
  const ArchSpec& spec = find_arch(arch);
  UPRES_CHECK(spec.build != nullptr, arch, ": this architecture has no builder yet");
  return spec.build(merge_hyper(spec, overrides), rng);
}

}  // namespace upres::models
