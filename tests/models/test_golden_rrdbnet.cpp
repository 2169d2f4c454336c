// Golden test: RRDBNet (ESRGAN; 8 features, 1 RRDB, growth 4) at x4 and at x2
// (pixel_unshuffle input) with BasicSR's key names and no metadata, loaded by
// --arch alone, must reproduce PyTorch's output
// (tests/fixtures/models/make_rrdbnet_golden.py, float64 reference) within 1e-5
// of the output's largest magnitude. Also: the "params_ema." wrapper is
// accepted, and an odd-sized input at x2 is padded and cropped back.
#include <gtest/gtest.h>

#include "engine/autograd.h"
#include "engine/ops.h"
#include "models/registry.h"
#include "tests/models/golden.h"

namespace upres {
namespace {

TEST(GoldenRrdbnet, ForwardMatchesPyTorchX4FromBasicsrKeysAlone) {
  auto r = testing::run_golden("rrdbnet_x4.safetensors", "rrdbnet");
  ASSERT_TRUE(r.output.defined());
  EXPECT_EQ(r.hyper.at("scale"), "4");
  EXPECT_EQ(r.hyper.at("num_feat"), "8");
  EXPECT_EQ(r.hyper.at("num_block"), "1");
  EXPECT_EQ(r.hyper.at("num_grow_ch"), "4");
  EXPECT_LT(testing::golden_rel_error(r.output, r.expected), 1e-5);
}

TEST(GoldenRrdbnet, ForwardMatchesPyTorchX2ThroughPixelUnshuffle) {
  auto r = testing::run_golden("rrdbnet_x2.safetensors", "rrdbnet", {}, "params_ema.");
  ASSERT_TRUE(r.output.defined());
  EXPECT_EQ(r.hyper.at("scale"), "2");
  EXPECT_LT(testing::golden_rel_error(r.output, r.expected), 1e-5);
}

TEST(GoldenRrdbnet, OddInputAtX2IsPaddedAndCroppedBack) {
  // A 7x9 image is reflect-padded to 8x10: its output is the 14x18 top-left
  // window of the padded image's output.
  Rng rng(5);
  auto net = models::build_network("rrdbnet", {{"num_feat", "4"}, {"num_block", "1"}, {"num_grow_ch", "2"}, {"scale", "2"}}, rng);
  net->eval();
  Tensor x = Tensor::zeros({1, 3, 7, 9});
  float* p = x.data();
  for (int64_t i = 0; i < x.numel(); ++i) p[i] = rng.uniform();
  NoGradGuard ng;
  Tensor y = net->forward(x);
  Tensor y_pad = net->forward(pad(x, 0, 1, 0, 1, PadMode::reflect));
  ASSERT_EQ(y.shape(), (Shape{1, 3, 14, 18}));
  EXPECT_EQ(testing::golden_rel_error(y, crop(y_pad, 0, 0, 14, 18)), 0.0);
}

}  // namespace
}  // namespace upres
