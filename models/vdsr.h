// vdsr.h - VDSR, Very Deep Super-Resolution
// (Kim, Lee, Lee, "Accurate Image Super-Resolution Using Very Deep
// Convolutional Networks", CVPR 2016).
//
// Pre-upsampling like SRCNN, but 20 layers deep and residual: the network
// predicts only the missing high frequencies, which it adds to its input (the
// bicubic-enlarged image):
//
//   input:           conv 3x3, c -> F, ReLU
//   residual_layer:  (depth - 2) x [conv 3x3, F -> F, ReLU]
//   output:          conv 3x3, F -> c
//   y = x + output(...)                       (global residual)
//
// Defaults: depth 20, F = 64, c = 1. Parameters: 9*64*(1 + 18*64 + 1) =
// 664,704 (no biases). FLOPs per output pixel: 2 * 664,704 ~ 1.33M: a 512x512
// output is ~350 GFLOP - VDSR is costly because every layer runs at HR.
//
// Names follow the widely used PyTorch port (twtygqyy/pytorch-vdsr), so its
// weights load after conversion to safetensors: "input.weight",
// "residual_layer.N.conv.weight" (N = 0 .. depth-3), "output.weight"; that port
// has no biases, and neither has upres's VDSR.
// Faithful: depth, width, 3x3 "same" convs (the paper pads with zeros too),
// global residual, He initialisation N(0, 2 / (9 * F_out)) as the paper.
// Differs: no biases (as the port; the paper's Caffe model had them); gradient
// clipping and the multi-scale (x2, x3, x4 in one model) training are the
// trainer's business - any scale 2..8 is accepted, it only decides the
// caller's bicubic.
#pragma once

#include <memory>
#include <vector>

#include "engine/nn/layers.h"
#include "models/network.h"
#include "models/registry.h"

namespace upres::models {

class Vdsr : public SRNetwork {
 public:
  // h: scale, channels, num_feat, depth (>= 2; see vdsr_arch()).
  Vdsr(const Hyper& h, Rng& rng);
  // x: [N, c, H, W], already bicubic-enlarged -> [N, c, H, W].
  Tensor forward(const Tensor& x) override;
  std::string arch() const override { return "vdsr"; }
  Hyper hyper() const override { return h_; }
  int64_t scale() const override { return scale_; }
  int64_t channels() const override { return channels_; }
  bool pre_upsampling() const override { return true; }

  std::shared_ptr<nn::Conv2d> input, output;
  std::shared_ptr<nn::Sequential> residual_layer;

 private:
  Hyper h_;
  int64_t scale_, channels_;
};

}  // namespace upres::models
