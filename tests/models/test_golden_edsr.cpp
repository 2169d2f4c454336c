// Golden test: EDSR (x4, 12 features, 2 blocks, res_scale 0.1; and x3) with BasicSR's
// key names and no metadata, loaded by --arch alone, must reproduce PyTorch's
// output (tests/fixtures/models/make_edsr_golden.py, reference computed in
// float64) within 1e-5 of the output's largest magnitude. Also: the
// "params_ema." wrapper BasicSR saves is accepted, and a wrong res_scale is
// caught (the test can fail).
#include <gtest/gtest.h>

#include "tests/models/golden.h"

namespace upres {
namespace {

TEST(GoldenEdsr, ForwardMatchesPyTorchFromBasicsrKeysAlone) {
  auto r = testing::run_golden("edsr_x4.safetensors", "edsr");
  ASSERT_TRUE(r.output.defined());
  EXPECT_EQ(r.hyper.at("scale"), "4");
  EXPECT_EQ(r.hyper.at("num_feat"), "12");
  EXPECT_EQ(r.hyper.at("num_block"), "2");
  EXPECT_EQ(r.hyper.at("channels"), "3");
  EXPECT_LT(testing::golden_rel_error(r.output, r.expected), 1e-5);
}

TEST(GoldenEdsr, X3UpsamplerMatchesPyTorch) {
  auto r = testing::run_golden("edsr_x3.safetensors", "edsr");
  ASSERT_TRUE(r.output.defined());
  EXPECT_EQ(r.hyper.at("scale"), "3");
  EXPECT_EQ(r.hyper.at("num_block"), "1");
  EXPECT_LT(testing::golden_rel_error(r.output, r.expected), 1e-5);
}

TEST(GoldenEdsr, ParamsEmaPrefixIsAccepted) {
  auto r = testing::run_golden("edsr_x4.safetensors", "edsr", {}, "params_ema.");
  ASSERT_TRUE(r.output.defined());
  EXPECT_LT(testing::golden_rel_error(r.output, r.expected), 1e-5);
}

TEST(GoldenEdsr, BaselineWithTheSameResScaleAgreesAndAWrongOneDoesNot) {
  // edsr-baseline differs from edsr only in defaults; res_scale is in no shape.
  auto same = testing::run_golden("edsr_x4.safetensors", "edsr-baseline", {{"res_scale", "0.1"}});
  ASSERT_TRUE(same.output.defined());
  EXPECT_LT(testing::golden_rel_error(same.output, same.expected), 1e-5);
  auto wrong = testing::run_golden("edsr_x4.safetensors", "edsr-baseline");  // res_scale 1
  ASSERT_TRUE(wrong.output.defined());
  EXPECT_GT(testing::golden_rel_error(wrong.output, wrong.expected), 1e-3);
}

}  // namespace
}  // namespace upres
