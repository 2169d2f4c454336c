// Tests of models/blocks.h: the dilated residual block and the spatial-pyramid-
// pooling block against plain compositions of engine ops written out here
// (forward), and finite-difference gradient checks of their input and weights.
#include <gtest/gtest.h>

#include <vector>

#include "engine/autograd.h"
#include "engine/ops.h"
#include "models/blocks.h"
#include "tests/support/gradcheck.h"

namespace upres {
namespace {

using testing::GradCheckOptions;
using testing::rand_input;

TEST(DilatedResBlock, ForwardIsResidualOfDilatedConvs) {
  Rng rng(3);
  models::DilatedResBlock blk(5, rng, {1, 2, 4});
  ASSERT_EQ(blk.convs.size(), 3u);
  Tensor x = rand_input({2, 5, 7, 9}, rng, -1, 1, false);
  // Reference: the convolutions written with explicit padding = dilation.
  Tensor h = x;
  const int64_t dil[3] = {1, 2, 4};
  for (int i = 0; i < 3; ++i) {
    h = conv2d(h, blk.convs[i]->weight, blk.convs[i]->bias, ConvParams::make(1, dil[i], dil[i]));
    if (i < 2) h = relu(h);
  }
  Tensor ref = add(x, h);
  Tensor y = blk.forward(x);
  EXPECT_LT(testing::max_abs_diff(y, ref), 1e-6);
  // Names as PyTorch would give them.
  auto sd = blk.state_dict();
  ASSERT_EQ(sd.size(), 6u);
  EXPECT_EQ(sd[0].first, "conv1.weight");
  EXPECT_EQ(sd[5].first, "conv3.bias");
}

// Gradients of input, first and last conv weights, over a table of shapes
// (odd sizes, 1 and 13 channels, batch 2) and dilation sets.
TEST(DilatedResBlock, GradientInputAndWeights) {
  struct Case {
    Shape x;
    std::vector<int64_t> dil;
  };
  const Case cases[] = {
      {{1, 1, 7, 9}, {1, 2, 4}},
      {{2, 3, 5, 3}, {1, 2, 4}},
      {{1, 13, 5, 7}, {2, 3}},
      {{2, 2, 9, 6}, {1, 3}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(to_string(c.x) + " with " + std::to_string(c.dil.size()) + " dilations");
    Rng rng(11);
    models::DilatedResBlock blk(c.x[1], rng, c.dil);
    Tensor x = rand_input(c.x, rng);
    auto& first = blk.convs.front();
    auto& last = blk.convs.back();
    auto f = [&](const std::vector<Tensor>& in) {
      first->weight = in[1];
      last->weight = in[2];
      last->bias = in[3];
      return blk.forward(in[0]);
    };
    GradCheckOptions opt;
    opt.max_elements = 24;
    opt.h = 1e-3;  // a weight moves every pixel: keep the ReLUs it flips few
    EXPECT_TRUE(testing::gradcheck(f, {x, first->weight, last->weight, last->bias}, opt));
  }
}

TEST(SppBlock, ForwardIsConcatOfPooledBranches) {
  Rng rng(5);
  models::SppBlock spp(6, 2, rng, {1, 2, 4});
  Tensor x = rand_input({2, 6, 7, 9}, rng, -1, 1, false);
  std::vector<Tensor> parts = {x};
  const int64_t bins[3] = {1, 2, 4};
  for (int i = 0; i < 3; ++i) {
    Tensor p = leaky_relu(
        conv2d(adaptive_avg_pool2d(x, bins[i], bins[i]), spp.stages[i]->weight, spp.stages[i]->bias), 0.2f);
    parts.push_back(upsample(p, 7, 9, UpsampleMode::bilinear));
  }
  Tensor ref = conv2d(concat(parts, 1), spp.fuse->weight, spp.fuse->bias);
  Tensor y = spp.forward(x);
  ASSERT_EQ(y.shape(), x.shape());
  EXPECT_LT(testing::max_abs_diff(y, ref), 1e-6);
  EXPECT_EQ(spp.fuse->weight.shape(), (Shape{6, 6 + 3 * 2, 1, 1}));
  auto sd = spp.state_dict();
  EXPECT_EQ(sd.front().first, "stages.0.weight");
  EXPECT_EQ(sd.back().first, "fuse.bias");
  // The 1x1 bin is a global summary: a change in one corner moves the far corner.
  Tensor x2 = x.clone();
  x2.data()[0] += 1.0f;
  Tensor y2 = spp.forward(x2);
  const int64_t far = 7 * 9 - 1;  // last pixel of channel 0, image 0
  EXPECT_NE(y.data()[far], y2.data()[far]);
}

TEST(SppBlock, GradientInputAndWeights) {
  struct Case {
    Shape x;
    int64_t branch;
    std::vector<int64_t> bins;
  };
  const Case cases[] = {
      {{1, 1, 7, 9}, 1, {1, 2, 4}},
      {{2, 3, 5, 3}, 2, {1, 2, 4}},
      {{1, 13, 5, 7}, 3, {1, 3}},
      {{2, 2, 3, 2}, 1, {1, 2, 4}},  // more bins than rows: cells overlap
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(to_string(c.x));
    Rng rng(13);
    models::SppBlock spp(c.x[1], c.branch, rng, c.bins);
    Tensor x = rand_input(c.x, rng);
    auto& stage = spp.stages.back();
    auto f = [&](const std::vector<Tensor>& in) {
      stage->weight = in[1];
      stage->bias = in[2];
      spp.fuse->weight = in[3];
      return spp.forward(in[0]);
    };
    GradCheckOptions opt;
    opt.max_elements = 24;
    opt.h = 2e-3;  // the branch LeakyReLU acts on few pooled values: keep probes off its kink
    EXPECT_TRUE(testing::gradcheck(f, {x, stage->weight, stage->bias, spp.fuse->weight}, opt));
  }
}

}  // namespace
}  // namespace upres
