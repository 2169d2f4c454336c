// srvgg.h - SRVGGNetCompact, the compact VGG-style network of Real-ESRGAN (Wang,
// Xie, Dong and Shan, "Real-ESRGAN: Training Real-World Blind Super-Resolution
// with Pure Synthetic Data", ICCVW 2021; realesr-animevideov3 and
// realesr-general-x4v3 use it), as in BasicSR/Real-ESRGAN's srvgg_arch.py.
//
// Everything runs at low resolution; the only upsampling is the final shuffle:
//   body.0            conv 3x3, c -> nf
//   body.1            activation (PReLU with nf slopes by default; ReLU; LeakyReLU 0.1)
//   body.2, body.3    conv 3x3 nf -> nf, activation        } num_conv times
//   ...
//   body.{2K+2}       conv 3x3, nf -> c * s^2              (K = num_conv)
//   PixelShuffle(s), + the input enlarged by nearest-neighbour
// The body's numbering counts the activations (a ModuleList), so the last conv
// is body.{2 num_conv + 2}; only PReLU has weights ("body.1.weight", [nf]).
// Napkin math (nf = 64, K = 16, x4): 16 * 36.9k + 1.8k + 27.7k + 17 * 64 ~ 0.62M
// parameters; per LR pixel 16 * 73.7k + 3.5k + 55k ~ 1.24 MFLOP (x4), so 81 GFLOP
// for a 256x256 input: the cheapest of BasicSR's networks by far.
// Faithful to the released code (keys, order, slopes, nearest base). From
// names and shapes alone ReLU and LeakyReLU look the same (no weights): a
// weightless file is taken as ReLU unless act_type is given.
#pragma once

#include <memory>
#include <string>

#include "engine/nn/layers.h"
#include "models/network.h"

namespace upres::models {

struct SrvggConfig {
  int64_t scale = 4, channels = 3, num_feat = 64, num_conv = 16;
  std::string act_type = "prelu";  // prelu | relu | lrelu
};

class Srvgg : public SRNetwork {
 public:
  Srvgg(const SrvggConfig& cfg, Rng& rng);
  // x: [N, channels, h, w] -> [N, channels, scale*h, scale*w].
  Tensor forward(const Tensor& x) override;
  std::string arch() const override { return "srvgg"; }
  Hyper hyper() const override;
  int64_t scale() const override { return cfg_.scale; }
  int64_t channels() const override { return cfg_.channels; }

  std::shared_ptr<nn::Sequential> body;

 private:
  SrvggConfig cfg_;
};

}  // namespace upres::models
