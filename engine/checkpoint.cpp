// checkpoint.cpp - see checkpoint.h.
#include "engine/checkpoint.h"

#include "engine/error.h"

namespace upres {

void save_module(const std::string& path, const Module& m, const Metadata& metadata, StoreDType dtype) {
  write_safetensors(path, m.state_dict(), metadata, dtype);
}

ModuleLoadResult load_module(const std::string& path, Module& m, bool strict) {
  SafetensorsData data = read_safetensors(path);
  ModuleLoadResult result;
  try {
    result.report = load_state_dict(m, data.tensor_map(), strict);
  } catch (const Error& err) {
    UPRES_FAIL("load_module('", path, "'): ", err.what());
  }
  result.metadata = std::move(data.metadata);
  return result;
}

}  // namespace upres
