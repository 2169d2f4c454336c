// checkpoint.h - saving and loading a Module's state as a safetensors file.
//
// The file holds the module's state_dict() - parameters and buffers under their
// dotted PyTorch-style names ("body.0.conv1.weight") - plus string metadata
// (architecture, hyperparameters, scale), so a model file is self-describing.
// Loading matches tensors by name through load_state_dict() (engine/module.h):
// with strict, any missing, unexpected or mis-shaped tensor throws and nothing
// is loaded; without, the matching tensors are loaded and the report lists the
// rest. Every error names the file.
#pragma once

#include <string>

#include "engine/module.h"
#include "engine/safetensors.h"

namespace upres {

struct ModuleLoadResult {
  LoadReport report;  // what did not fit, by name (empty when strict succeeded)
  Metadata metadata;  // the file's "__metadata__"
};

// Writes m.state_dict() and `metadata` to `path` atomically.
void save_module(const std::string& path, const Module& m, const Metadata& metadata = {},
                 StoreDType dtype = StoreDType::f32);

// Reads `path` and copies its tensors into m's parameters and buffers.
ModuleLoadResult load_module(const std::string& path, Module& m, bool strict = true);

}  // namespace upres
