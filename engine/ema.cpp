// ema.cpp - the shadow weights and their update, without autograd.
#include "engine/ema.h"

#include <map>

#include "engine/autograd.h"
#include "engine/error.h"
#include "engine/ops.h"

namespace upres {

WeightAverage::WeightAverage(const Module& m, double decay) : decay_(decay) {
  UPRES_CHECK(decay >= 0.0 && decay < 1.0, "WeightAverage: decay ", decay, " must be in [0, 1)");
  std::map<std::string, bool> params;
  for (const auto& [name, t] : m.named_parameters()) params[name] = true;
  for (const auto& [name, t] : m.state_dict()) {
    shadow_.emplace_back(name, t.detach().clone());
    is_param_.push_back(params.count(name) > 0);
  }
}

void WeightAverage::update(const Module& m) {
  NoGradGuard no_grad;
  auto current = m.state_dict();
  UPRES_CHECK(current.size() == shadow_.size(), "WeightAverage: the module has ", current.size(),
              " tensors, the average ", shadow_.size());
  const float keep = static_cast<float>(decay_), take = static_cast<float>(1.0 - decay_);
  for (size_t i = 0; i < shadow_.size(); ++i) {
    const Tensor w = current[i].second.detach();
    if (is_param_[i]) {
      shadow_[i].second.copy_(add(mul(shadow_[i].second, keep), mul(w, take)));
    } else {
      shadow_[i].second.copy_(w);
    }
  }
}

void WeightAverage::copy_to(Module& m) const {
  NoGradGuard no_grad;
  auto target = m.state_dict();
  UPRES_CHECK(target.size() == shadow_.size(), "WeightAverage: the module has ", target.size(),
              " tensors, the average ", shadow_.size());
  for (size_t i = 0; i < shadow_.size(); ++i) target[i].second.copy_(shadow_[i].second);
}

void WeightAverage::load(const std::vector<std::pair<std::string, Tensor>>& named) {
  std::map<std::string, Tensor> by_name(named.begin(), named.end());
  for (auto& [name, t] : shadow_) {
    auto it = by_name.find(name);
    UPRES_CHECK(it != by_name.end(), "WeightAverage: no '", name, "' to load");
    UPRES_CHECK(it->second.shape() == t.shape(), "WeightAverage: '", name, "' is ", it->second.describe(),
                ", expected ", t.describe());
    t.copy_(it->second);
  }
}

}  // namespace upres
