// basicsr_blocks.cpp - residual block without batch norm, sub-pixel upsampler,
// and the name/shape helpers the BasicSR networks' infer() functions use.
#include "models/basicsr_blocks.h"

#include <cctype>

#include "engine/error.h"
#include "engine/ops.h"

namespace upres::models {

ResidualBlockNoBN::ResidualBlockNoBN(int64_t num_feat, float scale, Rng& rng) : res_scale(scale) {
  conv1 = register_module("conv1", nn::Conv2d::same(num_feat, num_feat, 3, rng));
  conv2 = register_module("conv2", nn::Conv2d::same(num_feat, num_feat, 3, rng));
}

Tensor ResidualBlockNoBN::forward(const Tensor& x) {
  Tensor res = conv2->forward(relu(conv1->forward(x)));
  // res * 1 is exact, so skipping it changes no bit; it saves a pass over memory.
  return res_scale == 1.0f ? x + res : x + res * res_scale;
}

std::shared_ptr<nn::Sequential> make_upsample(int64_t scale, int64_t num_feat, Rng& rng) {
  auto up = std::make_shared<nn::Sequential>();
  if (scale == 3) {
    up->push_back(nn::Conv2d::same(num_feat, 9 * num_feat, 3, rng));
    up->push_back(nn::PixelShuffle(3));
    return up;
  }
  UPRES_CHECK(scale >= 2 && (scale & (scale - 1)) == 0, "Upsample: scale ", scale,
              " is not supported; expected a power of two or 3");
  for (int64_t s = scale; s > 1; s /= 2) {
    up->push_back(nn::Conv2d::same(num_feat, 4 * num_feat, 3, rng));
    up->push_back(nn::PixelShuffle(2));
  }
  return up;
}

std::shared_ptr<nn::Sequential> make_residual_body(int64_t num_block, int64_t num_feat, float res_scale, Rng& rng) {
  auto body = std::make_shared<nn::Sequential>();
  for (int64_t i = 0; i < num_block; ++i) body->push_back(std::make_shared<ResidualBlockNoBN>(num_feat, res_scale, rng));
  return body;
}

namespace infer {

const std::vector<int64_t>* shape(const ShapeMap& s, const std::string& name, size_t rank) {
  auto it = s.find(name);
  return it != s.end() && it->second.size() == rank ? &it->second : nullptr;
}

std::set<int64_t> indices(const ShapeMap& s, const std::string& prefix) {
  std::set<int64_t> out;
  for (const auto& [name, shp] : s) {
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    size_t i = prefix.size(), j = i;
    while (j < name.size() && std::isdigit(static_cast<unsigned char>(name[j]))) ++j;
    if (j > i && j < name.size() && name[j] == '.' && j - i < 10) out.insert(std::stoll(name.substr(i, j - i)));
  }
  return out;
}

int64_t int_sqrt(int64_t v) {
  for (int64_t r = 1; r * r <= v; ++r)
    if (r * r == v) return r;
  return 0;
}

}  // namespace infer

}  // namespace upres::models
