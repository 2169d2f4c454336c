// dbpn.h - D-DBPN, the dense Deep Back-Projection Network (Haris, Shakhnarovich
// and Ukita, "Deep Back-Projection Networks for Super-Resolution", CVPR 2018).
//
// Most SR networks upsample once, at the end. DBPN goes up and down again and
// again: an up-projection unit makes an HR estimate from LR features, maps it
// back down, and corrects the HR estimate with the error it sees at low
// resolution (classic iterative back-projection, learned). A down-projection
// unit does the mirror image. T up- and T-1 down-units alternate; in the dense
// variant each unit sees every earlier unit of the other kind.
//
//   LR image [c, h, w]
//     feat0: conv 3x3 c -> n0, PReLU                 (n0 = 256)
//     feat1: conv 1x1 n0 -> nr, PReLU                (nr = 64)   = L0
//     up1(L0) = H1, down1(H1) = L1, up2(L1) = H2,
//     down_t(cat(H_t, ..., H_1)),  up_t(cat(L_{t-1}, ..., L_1))   (newest first)
//     ... up_T                                       (T = 7 stages)
//     output_conv: conv 3x3 over cat(H_T, ..., H_1), T*nr -> c   (no activation)
//   HR image [c, s*h, s*w]
//
// Up-projection unit (input L, nr channels at LR; "deconv" = transposed conv):
//   H0 = PReLU(deconv(L));  L0 = PReLU(conv(H0));  H1 = PReLU(deconv(L0 - L));
//   return H0 + H1
// Down-projection unit (input H at HR):
//   L0 = PReLU(conv(H));  H0 = PReLU(deconv(L0));  L1 = PReLU(conv(H0 - H));
//   return L0 + L1
// A unit whose input is a concatenation of k > 1 earlier outputs first reduces
// it with a 1x1 conv (k*nr -> nr, PReLU); the error term uses that reduced input.
// Projection kernel / stride / padding by scale: x2 (6, 2, 2), x4 (8, 4, 2),
// x8 (12, 8, 2), so conv and deconv map h <-> s*h exactly.
//
// Parameter names follow the authors' PyTorch code (its ConvBlock/DeconvBlock
// wrap "conv"/"deconv" and a one-parameter PReLU "act"), so their published
// D-DBPN weights load after a plain conversion to safetensors:
//   feat0.conv.{weight,bias}  feat0.act.weight      feat1.conv.*  feat1.act.weight
//   up<t>.conv.conv.*   up<t>.conv.act.weight       (1x1 reduction, t >= 3)
//   up<t>.up_conv1.deconv.*  up<t>.up_conv1.act.weight   (H0)
//   up<t>.up_conv2.conv.*    up<t>.up_conv2.act.weight   (L0)
//   up<t>.up_conv3.deconv.*  up<t>.up_conv3.act.weight   (H1)
//   down<t>.conv.conv.* ... (1x1 reduction, t >= 2)
//   down<t>.down_conv1.conv.*  down<t>.down_conv2.deconv.*  down<t>.down_conv3.conv.*  (+ .act.weight)
//   output_conv.conv.{weight,bias}
// conv weight [out, in, k, k], deconv weight [in, out, k, k] as PyTorch.
//
// Cost (c 3, n0 256, nr 64, T 7). Each projection unit is three k x k
// (de)convolutions between nr-channel maps, each 2*k^2*nr^2 FLOPs per LR pixel
// (a stride-s conv computes one LR pixel from k^2 HR taps; a stride-s deconv
// spreads one LR pixel over k^2 HR taps), so 6*k^2*nr^2 per unit, 13 units:
//   x2 (k 6):  6.0 M parameters, 12.5 MFLOP per LR pixel
//   x4 (k 8): 10.4 M parameters, 23.7 MFLOP per LR pixel  (paper: ~10 M)
//   x8 (k 12): 23.2 M parameters, 58.3 MFLOP per LR pixel
// so a 256x256 LR input costs ~1.5 TFLOP at x4: it is a heavy network.
//
// Faithful: the layer graph, kernel sizes, PReLU everywhere but the output,
// the concatenation order and the key names of the authors' code. Differs:
// weights are drawn with PyTorch's default Conv2d/ConvTranspose2d
// initialisation (the authors use Kaiming normal with zero biases), and input
// and output are images in [0, 1] with no mean shift, as their code does.
// Hyperparameters: channels, scale, n0, nr, stages (T).
#pragma once

#include <memory>
#include <vector>

#include "engine/module.h"
#include "engine/nn/layers.h"
#include "engine/rng.h"
#include "models/network.h"
#include "models/registry.h"

namespace upres::models {

// Kernel, stride and padding of the projection (de)convolutions for a scale.
struct DbpnProjection {
  int64_t kernel, stride, padding;
};
// Throws naming the scale unless it is 2, 4 or 8.
DbpnProjection dbpn_projection(int64_t scale);

// A convolution (or, with transposed, a transposed convolution) followed by a
// one-parameter PReLU, or by nothing: the authors' ConvBlock / DeconvBlock.
// Children are named "conv" (or "deconv") and "act".
class DbpnConvBlock : public Module {
 public:
  DbpnConvBlock(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding, Rng& rng,
                bool transposed = false, bool activation = true);
  Tensor forward(const Tensor& x) override;

  std::shared_ptr<nn::Conv2d> conv;             // set unless transposed
  std::shared_ptr<nn::ConvTranspose2d> deconv;  // set if transposed
  std::shared_ptr<nn::PReLU> act;               // null without activation
};

// Up-projection unit: [N, in_units*nr, h, w] -> [N, nr, s*h, s*w].
class DbpnUpProjection : public Module {
 public:
  DbpnUpProjection(int64_t nr, int64_t scale, int64_t in_units, Rng& rng);
  Tensor forward(const Tensor& x) override;
  std::shared_ptr<DbpnConvBlock> conv;  // the 1x1 reduction; null when in_units == 1
  std::shared_ptr<DbpnConvBlock> up_conv1, up_conv2, up_conv3;
};

// Down-projection unit: [N, in_units*nr, s*h, s*w] -> [N, nr, h, w].
class DbpnDownProjection : public Module {
 public:
  DbpnDownProjection(int64_t nr, int64_t scale, int64_t in_units, Rng& rng);
  Tensor forward(const Tensor& x) override;
  std::shared_ptr<DbpnConvBlock> conv;  // the 1x1 reduction; null when in_units == 1
  std::shared_ptr<DbpnConvBlock> down_conv1, down_conv2, down_conv3;
};

struct DbpnConfig {
  int64_t channels = 3;
  int64_t scale = 2;
  int64_t n0 = 256;    // width of the first 3x3 conv
  int64_t nr = 64;     // width of every projection unit
  int64_t stages = 7;  // T: T up- and T-1 down-projection units
};

class Dbpn : public SRNetwork {
 public:
  Dbpn(const DbpnConfig& cfg, Rng& rng);
  // x: [N, channels, h, w] -> [N, channels, scale*h, scale*w].
  Tensor forward(const Tensor& x) override;
  std::string arch() const override { return "dbpn"; }
  Hyper hyper() const override;
  int64_t scale() const override { return cfg_.scale; }
  int64_t channels() const override { return cfg_.channels; }
  const DbpnConfig& config() const { return cfg_; }

  std::shared_ptr<DbpnConvBlock> feat0, feat1, output_conv;
  std::vector<std::shared_ptr<DbpnUpProjection>> ups;      // up1 .. upT
  std::vector<std::shared_ptr<DbpnDownProjection>> downs;  // down1 .. down(T-1)

 private:
  DbpnConfig cfg_;
};

}  // namespace upres::models
