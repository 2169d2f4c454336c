// blocks.h - two reusable building blocks for SR networks that enlarge the
// receptive field without paying for it in convolutions at full width.
//
// DilatedResBlock: a residual block whose 3x3 convolutions use growing
// dilations (default 1, 2, 4; Yu & Koltun, "Multi-Scale Context Aggregation by
// Dilated Convolutions", ICLR 2016):
//
//   x --conv3x3 d1--ReLU--conv3x3 d2--ReLU--conv3x3 d4--(+)--> y
//   |____________________________________________________|
//
// Each conv costs the same 9*F*F MACs per pixel whatever its dilation, but the
// field of view of the three grows as 1 + 2*(1+2+4) = 15 pixels instead of 7.
// Padding = dilation keeps the size. Parameters: 3 * (9*F*F + F); FLOPs per
// pixel ~ 2 * 27 * F^2 (F = 32: ~55k). Names: conv1, conv2, conv3 (conv weight
// [F, F, 3, 3], bias [F]).
//
// SppBlock: spatial pyramid pooling (He et al., SPP-net, ECCV 2014; as a
// dense-prediction context module in Zhao et al., PSPNet, CVPR 2017):
//
//   x [N,F,H,W] -+-> adaptive_avg_pool to b x b -> conv1x1 F->B -> LReLU -> bilinear to HxW -+
//                |   (one branch per bin b, default 1, 2, 4)                                    |
//                +---------------------------------- concat [x, branch_1 .. branch_k] <--------+
//                                                      -> conv1x1 (F + k*B) -> F = y
//
// Every output pixel sees a summary of the whole image (the 1x1 bin) and of
// its quadrant/sixteenth, at the cost of a 1x1 conv on F + k*B channels:
// ~2*F*(F + k*B) FLOPs per pixel (F = 32, B = 8, k = 3: ~3.6k), the pooled
// branches themselves are negligible. The branch activation is LeakyReLU(0.2)
// (PSPNet: BN + ReLU): a 1x1 or 2x2 branch sees so few values that a plain
// ReLU can be dead for the whole batch, and then it never learns. Names: stages.i (conv 1x1 [B, F, 1, 1]
// + bias), fuse (conv 1x1 [F, F + k*B, 1, 1] + bias). The bilinear upsampling
// is PyTorch's F.interpolate(mode="bilinear", align_corners=False).
#pragma once

#include <memory>
#include <vector>

#include "engine/module.h"
#include "engine/nn/layers.h"
#include "engine/rng.h"

namespace upres::models {

class DilatedResBlock : public Module {
 public:
  // One 3x3 conv (F -> F, "same" padded) per dilation, ReLU between them.
  DilatedResBlock(int64_t num_feat, Rng& rng, std::vector<int64_t> dilations = {1, 2, 4});
  Tensor forward(const Tensor& x) override;
  std::vector<std::shared_ptr<nn::Conv2d>> convs;  // registered as conv1, conv2, ...
};

class SppBlock : public Module {
 public:
  // bins: the pooled grid sizes; branch_feat: B, the channels of each branch.
  SppBlock(int64_t num_feat, int64_t branch_feat, Rng& rng, std::vector<int64_t> bins = {1, 2, 4});
  Tensor forward(const Tensor& x) override;
  std::vector<std::shared_ptr<nn::Conv2d>> stages;  // registered as stages.0, stages.1, ...
  std::shared_ptr<nn::Conv2d> fuse;
  std::vector<int64_t> bins;
};

}  // namespace upres::models
