// Golden test: SRCNN built by load_network from a bare PyTorch state dict
// (tests/fixtures/models/make_srcnn_golden.py) must reproduce PyTorch's forward
// output within 1e-5 relative (max abs error / max |output|; the reference is
// computed in float64 from the same float32 weights and input).
#include <gtest/gtest.h>

#include "engine/autograd.h"
#include "tests/models/golden.h"

namespace upres {
namespace {

TEST(GoldenSrcnn, ForwardMatchesPyTorch) {
  testing::Golden g = testing::open_golden("srcnn_golden.safetensors", "srcnn");
  const models::Hyper& h = g.loaded.hyper;
  // Every hyperparameter the fixture changes is read off the shapes.
  EXPECT_EQ(h.at("channels"), "3");
  EXPECT_EQ(h.at("f1"), "8");
  EXPECT_EQ(h.at("f2"), "4");
  EXPECT_EQ(h.at("k1"), "9");
  EXPECT_EQ(h.at("k2"), "5");
  EXPECT_EQ(h.at("k3"), "5");
  Tensor y;
  {
    NoGradGuard ng;
    y = g.loaded.net->forward(g.expected.at("input"));
  }
  EXPECT_LT(testing::golden_rel_error(y, g.expected.at("output")), 1e-5);

}

}  // namespace
}  // namespace upres
