// basicsr_blocks.h - the pieces BasicSR's networks share (basicsr/archs/arch_util.py),
// rebuilt with the same parameter names so its published weights load unchanged.
//
//   ResidualBlockNoBN   x -> conv1 (3x3) -> ReLU -> conv2 (3x3) -> * res_scale -> + x
//                       EDSR's residual block: SRResNet's without batch norm, whose
//                       statistics EDSR showed to hurt SR. Keys: conv1.*, conv2.*.
//                       Cost: 2 * 2 * 9 * nf^2 FLOPs per pixel (147k for nf = 64).
//   make_upsample       the sub-pixel upsampler as a Sequential: for scale 2^n,
//                       n x [conv nf -> 4 nf, PixelShuffle(2)]; for scale 3,
//                       [conv nf -> 9 nf, PixelShuffle(3)]. Keys upsample.0, .2, ...
//                       (the shuffles hold no weights but keep PyTorch's numbering).
//
// And small helpers for ArchSpec::infer, which reads hyperparameters off a
// state dict's names and shapes ("body.15.conv1.weight" -> at least 16 blocks).
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/module.h"
#include "engine/nn/layers.h"
#include "engine/rng.h"
#include "models/registry.h"

namespace upres::models {

class ResidualBlockNoBN : public Module {
 public:
  ResidualBlockNoBN(int64_t num_feat, float res_scale, Rng& rng);
  Tensor forward(const Tensor& x) override;
  std::shared_ptr<nn::Conv2d> conv1, conv2;
  float res_scale;
};

// BasicSR's Upsample for scale 2, 4, 8 (powers of two) or 3; throws otherwise.
std::shared_ptr<nn::Sequential> make_upsample(int64_t scale, int64_t num_feat, Rng& rng);

// n x ResidualBlockNoBN in a Sequential (BasicSR's make_layer): keys "N.conv1.weight".
std::shared_ptr<nn::Sequential> make_residual_body(int64_t num_block, int64_t num_feat, float res_scale, Rng& rng);

namespace infer {
// The shape of `name`, or nullptr; only tensors of rank `rank` count.
const std::vector<int64_t>* shape(const ShapeMap& s, const std::string& name, size_t rank = 4);
// The indices N of the names "<prefix>N.<anything>" ("body." -> {0, 1, 2, ...}).
std::set<int64_t> indices(const ShapeMap& s, const std::string& prefix);
// r with r * r == v, or 0.
int64_t int_sqrt(int64_t v);
}  // namespace infer

}  // namespace upres::models
