// Golden test: FSRCNN built by load_network from a bare PyTorch state dict
// (tests/fixtures/models/make_fsrcnn_golden.py) must reproduce PyTorch's forward
// output within 1e-5 relative (max abs error / max |output|; the reference is
// computed in float64 from the same float32 weights and input).
#include <gtest/gtest.h>

#include "engine/autograd.h"
#include "tests/models/golden.h"

namespace upres {
namespace {

TEST(GoldenFsrcnn, ForwardMatchesPyTorch) {
  testing::Golden g = testing::open_golden("fsrcnn_golden.safetensors", "fsrcnn", {{"scale", "3"}});
  const models::Hyper& h = g.loaded.hyper;
  // The scale is in no shape (the test passes it); the rest is read off the shapes.
  EXPECT_EQ(h.at("d"), "8");
  EXPECT_EQ(h.at("s"), "4");
  EXPECT_EQ(h.at("m"), "2");
  Tensor y;
  {
    NoGradGuard ng;
    y = g.loaded.net->forward(g.expected.at("input"));
  }
  EXPECT_LT(testing::golden_rel_error(y, g.expected.at("output")), 1e-5);

}

}  // namespace
}  // namespace upres
