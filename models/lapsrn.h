// lapsrn.h - LapSRN, the Laplacian Pyramid Super-Resolution Network
// (Lai, Huang, Ahuja, Yang, "Deep Laplacian Pyramid Networks for Fast and
// Accurate Super-Resolution", CVPR 2017).
//
// Progressive: a x8 network is three x2 levels, and every level emits an image
// (x2, x4, x8) that training supervises with its own Charbonnier loss. Each
// level has two branches:
//
//   feature extraction: depth x [conv 3x3, F -> F, LeakyReLU 0.2]
//                       deconv 4x4 stride 2 pad 1, F -> F, LeakyReLU 0.2   (features x2)
//                       conv 3x3, F -> c                                  (residual image, convt_R)
//   image reconstruction: deconv 4x4 stride 2 pad 1, c -> c of the previous
//                       level's image (convt_I), + the residual
//
// The first level's features start from conv_input (3x3, c -> F, LeakyReLU);
// each later level continues from the previous level's upsampled features.
//
//   x --conv_input--F1--------------F2-------------- ...
//   |               |R1             |R2
//   +--I1-----------(+)=y2x---I2----(+)=y4x--- ...
//
// Defaults F = 64, depth 10 (per level), c = 1. Parameters per level:
// 10*9*64*64 + 16*64*64 + 9*64 + 16 ~ 435k, plus 576 for conv_input. Cost:
// level k's convolutions run at 4^(k-1) times the LR area, so per LR pixel a
// x4 net does ~437k MACs in level 1 and 4 * 436k ~ 1.75M in level 2: ~4.4M
// FLOPs per LR pixel (~0.29 TFLOP for a 256x256 LR input). The deeper levels
// dominate; that is the price of progressive upsampling.
//
// Names follow the common PyTorch port (twtygqyy/pytorch-LapSRN), levels
// numbered from 1: "conv_input.weight", "convt_F1.cov_block.{2i}.weight"
// (i = 0 .. depth-1: the convs; index 2*depth: the deconv [F, F, 4, 4]),
// "convt_I1.weight" [c, c, 4, 4], "convt_R1.weight" [c, F, 3, 3]; all without
// bias, as the port. The scale is 2^(number of convt_I levels), so a bare
// state dict determines it.
// Faithful: structure, LeakyReLU 0.2, 4x4 stride-2 deconvs, shared-nothing
// levels (the CVPR version, not the recursive MS-LapSRN), He-normal convs and
// bilinear-initialised deconvs (each output channel from its own input
// channel). Differs: no biases (as the port). The per-level Charbonnier loss
// is the trainer's: it calls forward_levels().
#pragma once

#include <memory>
#include <vector>

#include "engine/nn/layers.h"
#include "models/network.h"
#include "models/registry.h"

namespace upres::models {

class Lapsrn : public SRNetwork {
 public:
  // h: scale (2, 4 or 8), channels, num_feat, depth (see lapsrn_arch()).
  Lapsrn(const Hyper& h, Rng& rng);
  // x: [N, c, H, W] -> [N, c, r*H, r*W], the last level's image.
  Tensor forward(const Tensor& x) override;
  // Every level's image: x2, x4, ... up to x scale (log2(scale) tensors), for
  // the multi-level loss.
  std::vector<Tensor> forward_levels(const Tensor& x);
  std::string arch() const override { return "lapsrn"; }
  Hyper hyper() const override { return h_; }
  int64_t scale() const override { return scale_; }
  int64_t channels() const override { return channels_; }

  std::shared_ptr<nn::Conv2d> conv_input;
  struct Level {
    std::shared_ptr<Module> features;              // convt_F<k>
    std::shared_ptr<nn::ConvTranspose2d> image_up;  // convt_I<k>
    std::shared_ptr<nn::Conv2d> residual;           // convt_R<k>
  };
  std::vector<Level> levels;

 private:
  Hyper h_;
  int64_t scale_, channels_;
};

}  // namespace upres::models
