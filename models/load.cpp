// load.cpp - choose the architecture, settle the hyperparameters, build, load.
#include "models/load.h"

#include <cmath>

#include "engine/error.h"
#include "engine/safetensors.h"

namespace upres::models {

namespace {

// Removes a wrapper prefix that every tensor name shares.
std::map<std::string, Tensor> strip_wrapper(std::map<std::string, Tensor> tensors) {
  for (const char* prefix : {"params_ema.", "params.", "module."}) {
    const std::string p = prefix;
    bool all = !tensors.empty();
    for (const auto& [name, t] : tensors) all = all && name.compare(0, p.size(), p) == 0;
    if (!all) continue;
    std::map<std::string, Tensor> out;
    for (auto& [name, t] : tensors) out.emplace(name.substr(p.size()), t);
    return out;
  }
  return tensors;
}

}  // namespace

Hyper resolve_hyper(const ArchSpec& spec, const ShapeMap& shapes, const Metadata& metadata, const Hyper& overrides) {
  Hyper h;
  if (spec.infer) h = spec.infer(shapes);
  for (const auto& [k, v] : metadata)
    if (spec.defaults.count(k)) h[k] = v;
  for (const auto& [k, v] : overrides) h[k] = v;
  return merge_hyper(spec, h);
}

LoadedNetwork load_network(const std::string& path, const LoadOptions& opt) {
  SafetensorsData file = read_safetensors(path);
  // A NaN or infinite weight (a diverged or damaged checkpoint) would turn every output
  // pixel into garbage: refuse the file, naming the tensor, before building anything.
  for (const auto& [name, t] : file.tensors) {
    const float* p = t.data();
    for (int64_t i = 0; i < t.numel(); ++i)
      UPRES_CHECK(std::isfinite(p[i]), "model file '", path, "': tensor '", name, "' holds ",
                  std::isnan(p[i]) ? "NaN" : "Inf", " at element ", i,
                  " (a diverged or damaged checkpoint); refusing to load it");
  }
  std::string arch = opt.arch;
  if (arch.empty()) {
    auto it = file.metadata.find("arch");
    UPRES_CHECK(it != file.metadata.end(), "model file '", path,
                "' names no architecture (no 'arch' in its metadata); pass the network's name (--arch NAME)");
    arch = it->second;
  }
  const ArchSpec* spec = nullptr;
  try {
    spec = &find_arch(arch);
  } catch (const Error& e) {
    UPRES_FAIL("model file '", path, "': ", e.what());
  }
  std::map<std::string, Tensor> tensors = strip_wrapper(file.tensor_map());
  ShapeMap shapes;
  for (const auto& [name, t] : tensors) shapes[name] = t.shape();

  LoadedNetwork out;
  out.metadata = file.metadata;
  try {
    out.hyper = resolve_hyper(*spec, shapes, file.metadata, opt.overrides);
    Rng rng(0);  // initial weights are overwritten by the file's
    out.net = spec->build(out.hyper, rng);
    load_state_dict(*out.net, tensors, /*strict=*/true);
  } catch (const Error& e) {
    UPRES_FAIL("model file '", path, "' does not fit architecture '", arch, "': ", e.what());
  }
  out.net->eval();
  return out;
}

}  // namespace upres::models
