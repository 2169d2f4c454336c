// srcnn.h - SRCNN, the first convolutional SR network
// (Dong, Loy, He, Tang, "Learning a Deep Convolutional Network for Image
// Super-Resolution", ECCV 2014; "Image Super-Resolution Using Deep
// Convolutional Networks", TPAMI 2016).
//
// Pre-upsampling: the caller enlarges the LR image to the output size with
// bicubic interpolation; SRCNN then sharpens it with three convolutions, read
// by the paper as patch extraction, non-linear mapping and reconstruction:
//
//   conv1: k1 x k1, c  -> f1, ReLU     (9x9, 64 in the 9-5-5 model)
//   conv2: k2 x k2, f1 -> f2, ReLU     (5x5, 32)
//   conv3: k3 x k3, f2 -> c            (5x5)
//
// Parameters (c = 1, 9-5-5): 81*64 + 25*64*32 + 25*32 + biases = 57,281.
// FLOPs per *output* pixel (it runs at HR): 2 * 57,184 ~ 114k, so a 512x512
// output costs ~30 GFLOP - the price of working at high resolution.
//
// Faithful: layer sizes, ReLUs, the 9-5-5 default, luma-only default (c = 1).
// Differs: the paper used 'valid' convolutions and trained on 33x33 patches
// (the output shrinks by k1 + k2 + k3 - 3 = 16 pixels); upres pads every conv
// to "same" so the output has the input's size, as most PyTorch ports do.
// Initialisation is PyTorch's default, not the paper's N(0, 0.001^2).
// The scale only decides the caller's bicubic: any of 2..8.
// Names: conv1.weight [f1, c, k1, k1], conv1.bias, conv2.*, conv3.* as the
// common PyTorch ports.
#pragma once

#include <memory>

#include "engine/nn/layers.h"
#include "models/network.h"
#include "models/registry.h"

namespace upres::models {

class Srcnn : public SRNetwork {
 public:
  // h: scale, channels, f1, f2, k1, k2, k3 (all present; see srcnn_arch()).
  Srcnn(const Hyper& h, Rng& rng);
  // x: [N, c, H, W], already bicubic-enlarged -> [N, c, H, W].
  Tensor forward(const Tensor& x) override;
  std::string arch() const override { return "srcnn"; }
  Hyper hyper() const override { return h_; }
  int64_t scale() const override { return scale_; }
  int64_t channels() const override { return channels_; }
  bool pre_upsampling() const override { return true; }

  std::shared_ptr<nn::Conv2d> conv1, conv2, conv3;

 private:
  Hyper h_;
  int64_t scale_, channels_;
};

}  // namespace upres::models
