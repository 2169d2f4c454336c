// rrdbnet.h - RRDBNet, the generator of ESRGAN (Wang et al., "ESRGAN: Enhanced
// Super-Resolution Generative Adversarial Networks", ECCVW 2018) and of
// Real-ESRGAN, as BasicSR ships it (basicsr/archs/rrdbnet_arch.py).
//
// ResidualDenseBlock (keys conv1..conv5; nf features in, growth gc per layer):
//   x1 = lrelu(conv1(x)); x2 = lrelu(conv2([x, x1])); ... x4 = lrelu(conv4([x, x1, x2, x3]))
//   x5 = conv5([x, x1, x2, x3, x4]) (nf + 4 gc -> nf);   out = x5 * 0.2 + x
// RRDB (keys rdb1..rdb3): out = rdb3(rdb2(rdb1(x))) * 0.2 + x   (residual-in-residual)
// RRDBNet:
//   [x2: pixel_unshuffle(2), x1: pixel_unshuffle(4): trade size for channels]
//   conv_first 3x3 -> nf;  body.0 .. body.{B-1}: RRDB;  conv_body; + conv_first's output
//   nearest x2, conv_up1, lrelu;  nearest x2, conv_up2, lrelu     (always x4 from here)
//   conv_hr, lrelu, conv_last -> c                                  (LeakyReLU slope 0.2)
// Napkin math (nf 64, gc 32, B 23): one RDB 9 * (64+96+128+160) * 32 + 9 * 192 * 64
// = 240k weights, one RRDB 719k, the body 16.5M: 16.7M parameters as published.
// Per LR pixel at x4: body 33 MFLOP + conv_up1 (4 px) 0.3M + conv_up2 and conv_hr
// (16 px) 2.4M ~ 36 MFLOP, 2.4 TFLOP for a 256x256 input.
// Faithful: keys, order, slopes, scalings, nearest upsampling; x2/x1 through
// pixel_unshuffle as BasicSR. Differs: an input whose size the unshuffle factor
// does not divide is padded (reflect, as Real-ESRGAN's inference does; replicate
// where the image is too small to reflect) and the output cropped back to
// scale * h x scale * w; BasicSR raises an error instead.
#pragma once

#include <memory>

#include "engine/nn/layers.h"
#include "models/network.h"

namespace upres::models {

class ResidualDenseBlock : public Module {
 public:
  ResidualDenseBlock(int64_t num_feat, int64_t num_grow_ch, Rng& rng);
  Tensor forward(const Tensor& x) override;
  std::shared_ptr<nn::Conv2d> conv1, conv2, conv3, conv4, conv5;
};

class RRDB : public Module {
 public:
  RRDB(int64_t num_feat, int64_t num_grow_ch, Rng& rng);
  Tensor forward(const Tensor& x) override;
  std::shared_ptr<ResidualDenseBlock> rdb1, rdb2, rdb3;
};

struct RrdbnetConfig {
  int64_t scale = 4, channels = 3, num_feat = 64, num_block = 23, num_grow_ch = 32;
};

class Rrdbnet : public SRNetwork {
 public:
  Rrdbnet(const RrdbnetConfig& cfg, Rng& rng);
  // x: [N, channels, h, w] -> [N, channels, scale*h, scale*w].
  Tensor forward(const Tensor& x) override;
  std::string arch() const override { return "rrdbnet"; }
  Hyper hyper() const override;
  int64_t scale() const override { return cfg_.scale; }
  int64_t channels() const override { return cfg_.channels; }

  std::shared_ptr<nn::Conv2d> conv_first, conv_body, conv_up1, conv_up2, conv_hr, conv_last;
  std::shared_ptr<nn::Sequential> body;

 private:
  RrdbnetConfig cfg_;
};

}  // namespace upres::models
