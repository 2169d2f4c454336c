// Golden test: LapSRN built by load_network from a bare PyTorch state dict
// (tests/fixtures/models/make_lapsrn_golden.py) must reproduce PyTorch's forward
// output within 1e-5 relative (max abs error / max |output|; the reference is
// computed in float64 from the same float32 weights and input).
#include <gtest/gtest.h>

#include "engine/autograd.h"
#include "models/lapsrn.h"
#include "tests/models/golden.h"

namespace upres {
namespace {

TEST(GoldenLapsrn, ForwardMatchesPyTorch) {
  testing::Golden g = testing::open_golden("lapsrn_golden.safetensors", "lapsrn");
  const models::Hyper& h = g.loaded.hyper;
  EXPECT_EQ(h.at("scale"), "4");
  EXPECT_EQ(h.at("num_feat"), "8");
  EXPECT_EQ(h.at("depth"), "2");
  Tensor y;
  {
    NoGradGuard ng;
    y = g.loaded.net->forward(g.expected.at("input"));
  }
  EXPECT_LT(testing::golden_rel_error(y, g.expected.at("output")), 1e-5);

  // Every level, for the multi-level loss: x2 then x4.
  auto* net = dynamic_cast<models::Lapsrn*>(g.loaded.net.get());
  ASSERT_NE(net, nullptr);
  std::vector<Tensor> levels;
  {
    NoGradGuard ng;
    levels = net->forward_levels(g.expected.at("input"));
  }
  ASSERT_EQ(levels.size(), 2u);
  EXPECT_LT(testing::golden_rel_error(levels[0], g.expected.at("level1")), 1e-5) << "x2 level";
  EXPECT_LT(testing::golden_rel_error(levels[1], g.expected.at("output")), 1e-5) << "x4 level";
}

}  // namespace
}  // namespace upres
