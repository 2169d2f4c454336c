// Golden test: SRVGGNetCompact (x4, 8 features, 3 body convs, PReLU with random
// per-channel slopes) with Real-ESRGAN's key names and no metadata, loaded by
// --arch alone, must reproduce PyTorch's output
// (tests/fixtures/models/make_srvgg_golden.py, float64 reference; nearest base)
// within 1e-5 of the output's largest magnitude. Also: a weightless (ReLU)
// body is inferred as act_type relu.
#include <gtest/gtest.h>

#include <cstring>

#include "engine/autograd.h"
#include "engine/safetensors.h"
#include "models/load.h"
#include "models/registry.h"
#include "tests/models/golden.h"

namespace upres {
namespace {

TEST(GoldenSrvgg, ForwardMatchesPyTorchFromRealEsrganKeysAlone) {
  auto r = testing::run_golden("srvgg_x4.safetensors", "srvgg");
  ASSERT_TRUE(r.output.defined());
  EXPECT_EQ(r.hyper.at("scale"), "4");
  EXPECT_EQ(r.hyper.at("num_feat"), "8");
  EXPECT_EQ(r.hyper.at("num_conv"), "3");
  EXPECT_EQ(r.hyper.at("act_type"), "prelu");
  EXPECT_LT(testing::golden_rel_error(r.output, r.expected), 1e-5);
}

TEST(GoldenSrvgg, ParamsPrefixIsAccepted) {
  auto r = testing::run_golden("srvgg_x4.safetensors", "srvgg", {}, "params.");
  ASSERT_TRUE(r.output.defined());
  EXPECT_LT(testing::golden_rel_error(r.output, r.expected), 1e-5);
}

TEST(GoldenSrvgg, ReluBodyIsInferredFromMissingSlopes) {
  Rng rng(3);
  auto net = models::build_network("srvgg", {{"num_feat", "4"}, {"num_conv", "2"}, {"act_type", "relu"}, {"scale", "3"}}, rng);
  NamedTensors tensors;
  for (auto& [name, t] : net->state_dict()) tensors.emplace_back(name, t);
  testing::TempDir dir;
  write_safetensors(dir.file("relu.safetensors"), tensors);
  models::LoadOptions opt;
  opt.arch = "srvgg";
  auto loaded = models::load_network(dir.file("relu.safetensors"), opt);
  EXPECT_EQ(loaded.hyper.at("act_type"), "relu");
  EXPECT_EQ(loaded.hyper.at("num_conv"), "2");  // last conv is body.6: 2 * 2 + 2
  EXPECT_EQ(loaded.hyper.at("scale"), "3");
}

}  // namespace
}  // namespace upres
