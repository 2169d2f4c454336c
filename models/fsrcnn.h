// fsrcnn.h - FSRCNN, Fast Super-Resolution CNN
// (Dong, Loy, Tang, "Accelerating the Super-Resolution Convolutional Neural
// Network", ECCV 2016).
//
// SRCNN moved to low resolution: every convolution runs on the LR image, a
// thin "hourglass" (shrink to s channels, map, expand back to d) keeps the
// mapping cheap, and a learned deconvolution enlarges at the very end:
//
//   first_part: conv 5x5, c -> d, PReLU(d)          feature extraction
//   mid_part:   conv 1x1, d -> s, PReLU(s)          shrinking
//               m x [conv 3x3, s -> s, PReLU(s)]    mapping
//               conv 1x1, s -> d, PReLU(d)          expanding
//   last_part:  deconv 9x9, d -> c, stride r, padding 4, output_padding r - 1
//               (output r*H x r*W exactly)
//
// Defaults FSRCNN(d = 56, s = 12, m = 4), c = 1. Parameters: 25*56 + 56*12 +
// 4*9*144 + 12*56 + 81*56 (weights) ~ 12.5k. FLOPs per LR pixel ~ 2 * (1400 +
// 672 + 5184 + 672) + 2 * 81*56 (the deconv; per LR pixel, since each LR pixel
// scatters one 9x9 kernel per output channel) ~ 25k: ~6.6 GFLOP for a 512x512
// LR input - about 40x cheaper than SRCNN at x3.
//
// Names as the common PyTorch port (yjn870/FSRCNN-pytorch): first_part.0
// (conv), first_part.1 (PReLU weight [d]), mid_part.{2i} conv / {2i+1} PReLU
// (i = 0 .. m+1), last_part (ConvTranspose2d weight [d, c, 9, 9], bias [c]).
// Faithful: the layer sequence, per-channel PReLU, the paper's initialisation
// (convs He-normal N(0, 2 / (k*k*out)), the deconv N(0, 0.001^2), biases 0,
// PReLU slopes 0.25). Differs: nothing structural; the paper's x2/x3/x4
// fine-tuning of the deconv alone is a training recipe. Scales 2, 3, 4.
// The scale appears in no tensor shape, so a bare state dict needs --scale.
#pragma once

#include <memory>

#include "engine/nn/layers.h"
#include "models/network.h"
#include "models/registry.h"

namespace upres::models {

class Fsrcnn : public SRNetwork {
 public:
  // h: scale, channels, d, s, m (see fsrcnn_arch()).
  Fsrcnn(const Hyper& h, Rng& rng);
  // x: [N, c, H, W] -> [N, c, r*H, r*W].
  Tensor forward(const Tensor& x) override;
  std::string arch() const override { return "fsrcnn"; }
  Hyper hyper() const override { return h_; }
  int64_t scale() const override { return scale_; }
  int64_t channels() const override { return channels_; }

  std::shared_ptr<nn::Sequential> first_part, mid_part;
  std::shared_ptr<nn::ConvTranspose2d> last_part;

 private:
  Hyper h_;
  int64_t scale_, channels_;
};

}  // namespace upres::models
