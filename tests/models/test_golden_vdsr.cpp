// Golden test: VDSR built by load_network from a bare PyTorch state dict
// (tests/fixtures/models/make_vdsr_golden.py) must reproduce PyTorch's forward
// output within 1e-5 relative (max abs error / max |output|; the reference is
// computed in float64 from the same float32 weights and input).
#include <gtest/gtest.h>

#include "engine/autograd.h"
#include "tests/models/golden.h"

namespace upres {
namespace {

TEST(GoldenVdsr, ForwardMatchesPyTorch) {
  testing::Golden g = testing::open_golden("vdsr_golden.safetensors", "vdsr");
  const models::Hyper& h = g.loaded.hyper;
  EXPECT_EQ(h.at("channels"), "1");
  EXPECT_EQ(h.at("num_feat"), "8");
  EXPECT_EQ(h.at("depth"), "5");
  Tensor y;
  {
    NoGradGuard ng;
    y = g.loaded.net->forward(g.expected.at("input"));
  }
  EXPECT_LT(testing::golden_rel_error(y, g.expected.at("output")), 1e-5);

}

}  // namespace
}  // namespace upres
