// test_nets.h - small networks whose outputs the inference tests can predict,
// written with plain loops over the tensor's values (no engine ops), and a
// random test image.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/image.h"
#include "engine/error.h"
#include "engine/nn/layers.h"
#include "engine/ops.h"
#include "engine/rng.h"
#include "models/network.h"

namespace upres::testing {

// out[c](sY, sX) = gain[c] * in[c](Y / s, X / s): nearest-neighbour enlargement
// with a gain per channel. pre_upsampling: returns gain * input at the same size.
class NearestNet : public models::SRNetwork {
 public:
  NearestNet(int64_t channels, int64_t scale, std::vector<float> gains, bool pre = false)
      : c_(channels), s_(scale), gains_(std::move(gains)), pre_(pre) {}
  Tensor forward(const Tensor& x) override {
    const int64_t C = x.size(1), H = x.size(2), W = x.size(3), s = pre_ ? 1 : s_;
    std::vector<float> in = x.to_vector(), out(static_cast<size_t>(C * H * s * W * s));
    for (int64_t c = 0; c < C; ++c)
      for (int64_t Y = 0; Y < H * s; ++Y)
        for (int64_t X = 0; X < W * s; ++X)
          out[(c * H * s + Y) * W * s + X] = gains_[c] * in[(c * H + Y / s) * W + X / s];
    return Tensor::from_vector({1, C, H * s, W * s}, out);
  }
  std::string arch() const override { return "test-nearest"; }
  models::Hyper hyper() const override { return {}; }
  int64_t scale() const override { return s_; }
  int64_t channels() const override { return c_; }
  bool pre_upsampling() const override { return pre_; }

 private:
  int64_t c_, s_;
  std::vector<float> gains_;
  bool pre_;
};

// `depth` 3x3 "same" convolutions (tanh between them) and a pixel shuffle: a
// plain deep conv net with receptive-field radius R = depth.
class DeepConvNet : public models::SRNetwork {
 public:
  DeepConvNet(int64_t channels, int64_t scale, int64_t depth, int64_t width, Rng& rng) : c_(channels), s_(scale) {
    for (int64_t i = 0; i < depth; ++i) {
      const int64_t in = i == 0 ? channels : width, out = i + 1 == depth ? channels * scale * scale : width;
      convs_.push_back(std::make_shared<nn::Conv2d>(in, out, 3, rng, ConvParams::make(1, 1)));
      register_module("conv" + std::to_string(i), convs_.back());
    }
  }
  Tensor forward(const Tensor& x) override {
    Tensor h = x;
    for (size_t i = 0; i < convs_.size(); ++i) {
      h = convs_[i]->forward(h);
      if (i + 1 < convs_.size()) h = tanh(h);
    }
    return pixel_shuffle(h, s_);
  }
  std::string arch() const override { return "test-deep"; }
  models::Hyper hyper() const override { return {}; }
  int64_t scale() const override { return s_; }
  int64_t channels() const override { return c_; }

 private:
  int64_t c_, s_;
  std::vector<std::shared_ptr<nn::Conv2d>> convs_;
};

inline data::Image random_image(int w, int h, int c, uint64_t seed) {
  Rng rng(seed);
  Tensor t = Tensor::uniform({1, c, h, w}, 0.0f, 1.0f, rng);
  data::Image img(w, h, c);
  img.pixels = t.to_vector();
  return img;
}

inline float max_abs_diff(const data::Image& a, const data::Image& b) {
  if (a.width != b.width || a.height != b.height || a.channels != b.channels) return INFINITY;
  float m = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) m = std::max(m, std::fabs(a.pixels[i] - b.pixels[i]));
  return m;
}

}  // namespace upres::testing
