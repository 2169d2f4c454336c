// Golden test: MSRResNet (x4, 8 features, 2 blocks; and x3) with BasicSR's key names and
// no metadata, loaded by --arch alone, must reproduce PyTorch's output
// (tests/fixtures/models/make_msrresnet_golden.py, float64 reference; the
// bilinear base is F.interpolate with align_corners=False) within 1e-5 of the
// output's largest magnitude.
#include <gtest/gtest.h>

#include "engine/error.h"
#include "tests/models/golden.h"

namespace upres {
namespace {

TEST(GoldenMsrresnet, ForwardMatchesPyTorchFromBasicsrKeysAlone) {
  auto r = testing::run_golden("msrresnet_x4.safetensors", "msrresnet");
  ASSERT_TRUE(r.output.defined());
  EXPECT_EQ(r.hyper.at("scale"), "4");
  EXPECT_EQ(r.hyper.at("num_feat"), "8");
  EXPECT_EQ(r.hyper.at("num_block"), "2");
  EXPECT_LT(testing::golden_rel_error(r.output, r.expected), 1e-5);
}

TEST(GoldenMsrresnet, X3MatchesPyTorch) {
  auto r = testing::run_golden("msrresnet_x3.safetensors", "msrresnet");
  ASSERT_TRUE(r.output.defined());
  EXPECT_EQ(r.hyper.at("scale"), "3");
  EXPECT_EQ(r.hyper.at("num_block"), "1");
  EXPECT_LT(testing::golden_rel_error(r.output, r.expected), 1e-5);
}

TEST(GoldenMsrresnet, ScaleOverrideThatContradictsTheWeightsIsAnError) {
  // x2 has no upconv2 and a 4 nf upconv1... which the x4 file has, so the strict
  // load must name the unexpected upconv2.
  try {
    testing::run_golden("msrresnet_x4.safetensors", "msrresnet", {{"scale", "2"}});
    FAIL() << "no throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("upconv2"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace upres
