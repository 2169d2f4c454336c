// Golden test for the discriminators (models/discriminator.h): two tiny
// instances written in PyTorch by
// tests/fixtures/models/make_discriminator_golden.py - SRGAN's image
// discriminator (nf 3, 32x32 input, flatten head) and SRFeat's feature
// discriminator (6 feature channels, nf 2, global pooling, 11x13 input) - with
// non-trivial BatchNorm statistics. Loaded by name (strict), they must give
// PyTorch's logits in eval mode (running statistics) and in train mode (batch
// statistics), and update every running mean/variance as PyTorch does. The
// tolerance is 1e-5 relative to the largest magnitude (float32 here, float64
// in the reference).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/ops.h"
#include "engine/safetensors.h"
#include "models/discriminator.h"
#include "tests/models/golden.h"

namespace upres {
namespace {

const std::string kFixture =
    std::string(UPRES_SOURCE_DIR) + "/tests/fixtures/models/discriminator_golden.safetensors";

std::map<std::string, Tensor> with_prefix(const SafetensorsData& d, const std::string& prefix) {
  std::map<std::string, Tensor> out;
  for (const auto& [name, t] : d.tensors)
    if (name.compare(0, prefix.size(), prefix) == 0) out[name.substr(prefix.size())] = t;
  return out;
}

void check(models::VggStyleDiscriminator& net, const SafetensorsData& data, const std::string& tag) {
  load_state_dict(net, with_prefix(data, tag + ".net."), /*strict=*/true);
  const Tensor& x = data.at(tag + ".input");
  net.eval();
  {
    NoGradGuard ng;
    EXPECT_LT(upres::testing::golden_rel_error(net.forward(x), data.at(tag + ".output_eval")), 1e-5) << "eval mode";
  }
  net.train();
  {
    NoGradGuard ng;
    EXPECT_LT(upres::testing::golden_rel_error(net.forward(x), data.at(tag + ".output_train")), 1e-5) << "train mode";
  }
  for (size_t i = 0; i < net.bns.size(); ++i) {
    const std::string bn = "bn" + std::to_string(i + 1);
    EXPECT_LT(upres::testing::golden_rel_error(net.bns[i]->running_mean, data.at(tag + ".after." + bn + ".running_mean")), 1e-5) << bn;
    EXPECT_LT(upres::testing::golden_rel_error(net.bns[i]->running_var, data.at(tag + ".after." + bn + ".running_var")), 1e-5) << bn;
    EXPECT_EQ(net.bns[i]->num_batches_tracked.item(), 4.0f) << bn;
  }
}

TEST(GoldenVggDiscriminator, EvalAndTrainModeMatchPyTorch) {
  SafetensorsData data = read_safetensors(kFixture);
  models::DiscriminatorConfig c;
  c.in_channels = 3;
  c.num_feat = 3;
  c.input_size = 32;
  c.dense_feat = 8;
  Rng rng(1);
  models::VggDiscriminator net(c, rng);
  check(net, data, "vgg");
}

TEST(GoldenFeatureDiscriminator, EvalAndTrainModeMatchPyTorch) {
  SafetensorsData data = read_safetensors(kFixture);
  models::DiscriminatorConfig c = models::FeatureDiscriminator::defaults(6);
  c.num_feat = 2;
  c.dense_feat = 8;
  Rng rng(2);
  models::FeatureDiscriminator net(c, rng);
  check(net, data, "feat");
}

}  // namespace
}  // namespace upres
