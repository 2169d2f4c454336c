// ema.h - an exponential moving average of a network's weights.
//
// After each optimizer step, shadow = decay * shadow + (1 - decay) * weight for
// every parameter (buffers, like batch norm's running statistics, are copied).
// The average of the recent weights generalises better than the last iterate
// (Polyak averaging; ESRGAN/BasicSR evaluate and ship the EMA weights, decay
// 0.999). The trainer validates and saves the shadow weights.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/module.h"

namespace upres {

class WeightAverage {
 public:
  // Starts as a copy of m's parameters and buffers. decay in [0, 1).
  WeightAverage(const Module& m, double decay);
  // Folds m's current weights in (m must have the same state_dict names/shapes).
  void update(const Module& m);
  // Copies the averaged weights into m (e.g. a second instance used for validation).
  void copy_to(Module& m) const;
  double decay() const { return decay_; }
  // The shadow weights by state_dict name, for checkpoints.
  const std::vector<std::pair<std::string, Tensor>>& shadow() const { return shadow_; }
  // Replaces the shadow weights by name (a resumed run); throws on a missing name or shape mismatch.
  void load(const std::vector<std::pair<std::string, Tensor>>& named);

 private:
  double decay_;
  std::vector<std::pair<std::string, Tensor>> shadow_;
  std::vector<bool> is_param_;
};

}  // namespace upres
