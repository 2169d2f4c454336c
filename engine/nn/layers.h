// layers.h - the standard layers as Modules, with PyTorch's parameter names,
// layouts and default initialisation (drawn from a seeded upres::Rng).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "engine/module.h"
#include "engine/ops.h"
#include "engine/rng.h"

namespace upres::nn {

// torch.nn.Conv2d: weight [out, in/groups, k, k], bias [out].
class Conv2d : public Module {
 public:
  Conv2d(int64_t in, int64_t out, int64_t kernel, Rng& rng, ConvParams p = {}, bool bias = true);
  // Kernel size k with stride 1 and "same" padding (dilation * (k - 1) / 2).
  static std::shared_ptr<Conv2d> same(int64_t in, int64_t out, int64_t kernel, Rng& rng,
                                      int64_t dilation = 1, bool bias = true);
  Tensor forward(const Tensor& x) override;
  Tensor weight, bias;  // handles to the registered parameters (bias may be undefined)
  ConvParams params;
};

// torch.nn.ConvTranspose2d: weight [in, out/groups, k, k], bias [out].
class ConvTranspose2d : public Module {
 public:
  ConvTranspose2d(int64_t in, int64_t out, int64_t kernel, Rng& rng, ConvParams p = {}, bool bias = true);
  Tensor forward(const Tensor& x) override;
  Tensor weight, bias;
  ConvParams params;
};

// torch.nn.PReLU(num_parameters, init=0.25): weight [num_parameters].
class PReLU : public Module {
 public:
  explicit PReLU(int64_t num_parameters = 1, float init = 0.25f);
  Tensor forward(const Tensor& x) override;
  Tensor weight;
};

// torch.nn.BatchNorm2d: weight, bias, running_mean, running_var, num_batches_tracked.
class BatchNorm2d : public Module {
 public:
  explicit BatchNorm2d(int64_t channels, float eps = 1e-5f, float momentum = 0.1f);
  Tensor forward(const Tensor& x) override;
  Tensor weight, bias, running_mean, running_var, num_batches_tracked;
  float eps, momentum;
};

// A parameter-free function as a module (ReLU, Tanh, PixelShuffle...), so it can
// sit in a Sequential and keep PyTorch's numbering.
class Lambda : public Module {
 public:
  explicit Lambda(std::function<Tensor(const Tensor&)> fn) : fn_(std::move(fn)) {}
  Tensor forward(const Tensor& x) override { return fn_(x); }

 private:
  std::function<Tensor(const Tensor&)> fn_;
};
std::shared_ptr<Module> ReLU();
std::shared_ptr<Module> LeakyReLU(float slope = 0.01f);
std::shared_ptr<Module> Sigmoid();
std::shared_ptr<Module> Tanh();
std::shared_ptr<Module> PixelShuffle(int64_t r);

// torch.nn.Sequential: children named "0", "1", ...
class Sequential : public Module {
 public:
  Sequential() = default;
  explicit Sequential(std::vector<std::shared_ptr<Module>> mods);
  void push_back(std::shared_ptr<Module> m);
  Tensor forward(const Tensor& x) override;
  size_t size() const { return mods_.size(); }
  Module& operator[](size_t i) { return *mods_.at(i); }

 private:
  std::vector<std::shared_ptr<Module>> mods_;
};

}  // namespace upres::nn
