// network.h - what every super-resolution network of models/ is: a Module that
// turns a low-resolution image into a high-resolution one, and knows its own
// architecture name and hyperparameters so a checkpoint can rebuild it.
//
// Hyperparameters travel as strings (the checkpoint's safetensors metadata is a
// string map): {"scale": "2", "channels": "3", "num_feat": "64", ...}. Every
// network reports all of them, "scale" and "channels" included, so
//   save_module(path, net, net.metadata())
// writes a file that load_network (models/load.h) turns back into the same
// network with nothing else given.
//
// Two kinds of input:
//   - post-upsampling, progressive and iterative networks (ESPCN, EDSR, LapSRN,
//     DBPN, ...) take the LR image [N, C, h, w] and return [N, C, s*h, s*w];
//   - pre-upsampling networks (SRCNN, VDSR) take the LR image already enlarged
//     to the output size by MATLAB-style bicubic (data/resize.h) and return an
//     image of the same size: pre_upsampling() is true and the caller enlarges.
// Images are float in [0, 1] (networks that expect another range, like EDSR's
// img_range 255, convert inside forward, as BasicSR does).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "engine/module.h"
#include "engine/safetensors.h"

namespace upres::models {

// Architecture hyperparameters by name, as strings (the metadata form).
using Hyper = std::map<std::string, std::string>;

// Reads an integer / real / boolean hyperparameter; throws upres::Error naming
// the architecture, the key, the value and the allowed range when it is missing
// or out of range. Booleans are "0"/"1"/"true"/"false".
int64_t hyper_int(const Hyper& h, const std::string& arch, const std::string& key, int64_t lo, int64_t hi);
double hyper_double(const Hyper& h, const std::string& arch, const std::string& key, double lo, double hi);
bool hyper_bool(const Hyper& h, const std::string& arch, const std::string& key);

class SRNetwork : public Module {
 public:
  virtual std::string arch() const = 0;  // the registry name: "edsr-baseline"
  virtual Hyper hyper() const = 0;       // every hyperparameter, "scale" and "channels" included
  virtual int64_t scale() const = 0;     // output size / input LR size
  virtual int64_t channels() const = 0;  // 1 (luma) or 3 (RGB)
  virtual bool pre_upsampling() const { return false; }
  // {"arch": arch()} plus hyper(): what a checkpoint stores.
  Metadata metadata() const;
};

}  // namespace upres::models
