#include "engine/nn/layers.h"

#include <cmath>
#include <string>

#include "engine/error.h"
#include "engine/nn/init.h"

namespace upres::nn {

Conv2d::Conv2d(int64_t in, int64_t out, int64_t kernel, Rng& rng, ConvParams p, bool with_bias)
    : params(p) {
  UPRES_CHECK(in > 0 && out > 0 && kernel > 0 && p.groups > 0 && in % p.groups == 0 && out % p.groups == 0,
              "Conv2d(", in, ", ", out, ", ", kernel, ", groups=", p.groups,
              "): channels must be positive multiples of groups");
  weight = register_parameter("weight", Tensor::empty({out, in / p.groups, kernel, kernel}));
  init::kaiming_uniform_(weight, std::sqrt(5.0f), rng);
  if (with_bias) {
    bias = register_parameter("bias", Tensor::empty({out}));
    float b = 1.0f / std::sqrt(static_cast<float>(init::fan_in(weight.shape())));
    init::uniform_(bias, -b, b, rng);
  }
}

std::shared_ptr<Conv2d> Conv2d::same(int64_t in, int64_t out, int64_t kernel, Rng& rng,
                                     int64_t dilation, bool with_bias) {
  return std::make_shared<Conv2d>(in, out, kernel, rng, ConvParams::same(kernel, dilation), with_bias);
}

Tensor Conv2d::forward(const Tensor& x) { return conv2d(x, weight, bias, params); }

ConvTranspose2d::ConvTranspose2d(int64_t in, int64_t out, int64_t kernel, Rng& rng, ConvParams p,
                                 bool with_bias)
    : params(p) {
  UPRES_CHECK(in > 0 && out > 0 && kernel > 0 && p.groups > 0 && in % p.groups == 0 && out % p.groups == 0,
              "ConvTranspose2d(", in, ", ", out, ", ", kernel, ", groups=", p.groups,
              "): channels must be positive multiples of groups");
  weight = register_parameter("weight", Tensor::empty({in, out / p.groups, kernel, kernel}));
  init::kaiming_uniform_(weight, std::sqrt(5.0f), rng);
  if (with_bias) {
    bias = register_parameter("bias", Tensor::empty({out}));
    float b = 1.0f / std::sqrt(static_cast<float>(init::fan_in(weight.shape())));
    init::uniform_(bias, -b, b, rng);
  }
}

Tensor ConvTranspose2d::forward(const Tensor& x) { return conv_transpose2d(x, weight, bias, params); }

PReLU::PReLU(int64_t n, float init_value) {
  weight = register_parameter("weight", Tensor::full({n}, init_value));
}

Tensor PReLU::forward(const Tensor& x) { return prelu(x, weight); }

BatchNorm2d::BatchNorm2d(int64_t c, float eps_, float momentum_) : eps(eps_), momentum(momentum_) {
  weight = register_parameter("weight", Tensor::ones({c}));
  bias = register_parameter("bias", Tensor::zeros({c}));
  running_mean = register_buffer("running_mean", Tensor::zeros({c}));
  running_var = register_buffer("running_var", Tensor::ones({c}));
  // PyTorch stores an int64 counter; upres keeps it as a float (exact to 2^24 steps).
  num_batches_tracked = register_buffer("num_batches_tracked", Tensor::zeros({}));
}

Tensor BatchNorm2d::forward(const Tensor& x) {
  if (is_training()) num_batches_tracked.fill_(num_batches_tracked.item() + 1.0f);
  return batch_norm(x, weight, bias, running_mean, running_var, is_training(), momentum, eps);
}

std::shared_ptr<Module> ReLU() { return std::make_shared<Lambda>([](const Tensor& x) { return relu(x); }); }
std::shared_ptr<Module> LeakyReLU(float s) {
  return std::make_shared<Lambda>([s](const Tensor& x) { return leaky_relu(x, s); });
}
std::shared_ptr<Module> Sigmoid() { return std::make_shared<Lambda>([](const Tensor& x) { return sigmoid(x); }); }
std::shared_ptr<Module> Tanh() { return std::make_shared<Lambda>([](const Tensor& x) { return tanh(x); }); }
std::shared_ptr<Module> PixelShuffle(int64_t r) {
  return std::make_shared<Lambda>([r](const Tensor& x) { return pixel_shuffle(x, r); });
}

Sequential::Sequential(std::vector<std::shared_ptr<Module>> mods) {
  for (auto& m : mods) push_back(std::move(m));
}

void Sequential::push_back(std::shared_ptr<Module> m) {
  register_module(std::to_string(mods_.size()), m);
  mods_.push_back(std::move(m));
}

Tensor Sequential::forward(const Tensor& x) {
  Tensor y = x;
  for (auto& m : mods_) y = m->forward(y);
  return y;
}

}  // namespace upres::nn
