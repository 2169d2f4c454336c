// test_registry.cpp - every architecture of models/registry.h, through the same
// paces: builds at each scale it allows (small "tiny" instance), maps an LR image
// to the right size, survives a checkpoint round trip bit for bit, and - with
// the metadata stripped, as for BasicSR's converted weights - is rebuilt from
// the tensors' shapes alone given only its name.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "engine/autograd.h"
#include "engine/checkpoint.h"
#include "engine/error.h"
#include "engine/ops.h"
#include "engine/safetensors.h"
#include "models/load.h"
#include "models/registry.h"
#include "tests/support/temp_dir.h"

namespace upres {
namespace {

using models::ArchSpec;

Tensor random_image(int64_t c, int64_t h, int64_t w, uint64_t seed) {
  Rng rng(seed);
  Tensor t = Tensor::zeros({1, c, h, w});
  float* p = t.data();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = rng.uniform();
  return t;
}

std::vector<std::string> arch_names() {
  std::vector<std::string> names;
  for (const auto& a : models::architectures()) names.push_back(a.name);
  return names;
}

class EveryArch : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryArch, BuildsForwardsAndReloadsAtEveryScale) {
  const ArchSpec& spec = models::find_arch(GetParam());
  ASSERT_TRUE(spec.build) << spec.name << " has no builder yet";
  EXPECT_FALSE(spec.family.empty()) << spec.name;
  EXPECT_FALSE(spec.reference.empty()) << spec.name;
  ASSERT_FALSE(spec.scales.empty()) << spec.name;
  for (int64_t scale : spec.scales) {
    SCOPED_TRACE(spec.name + " x" + std::to_string(scale));
    models::Hyper h = spec.tiny;
    h["scale"] = std::to_string(scale);
    Rng rng(7);
    auto net = models::build_network(spec.name, h, rng);
    net->eval();
    EXPECT_EQ(net->arch(), spec.name);
    EXPECT_EQ(net->scale(), scale);
    const int64_t c = net->channels(), lh = 7, lw = 9;
    const int64_t ih = net->pre_upsampling() ? lh * scale : lh, iw = net->pre_upsampling() ? lw * scale : lw;
    Tensor x = random_image(c, ih, iw, 11);
    Tensor y;
    {
      NoGradGuard ng;
      y = net->forward(x);
    }
    ASSERT_EQ(y.shape(), (Shape{1, c, lh * scale, lw * scale}));
    const float* py = y.data();
    for (int64_t i = 0; i < y.numel(); ++i) ASSERT_TRUE(std::isfinite(py[i])) << "output " << i;

    // Every hyperparameter is reported, and the metadata names the architecture.
    Metadata meta = net->metadata();
    EXPECT_EQ(meta.at("arch"), spec.name);
    for (const auto& [k, v] : spec.defaults) EXPECT_TRUE(meta.count(k)) << "metadata lacks " << k;

    testing::TempDir dir;
    const std::string file = dir.file("net.safetensors");
    save_module(file, *net, meta);
    models::LoadedNetwork back = models::load_network(file);
    Tensor y2;
    {
      NoGradGuard ng;
      y2 = back.net->forward(x);
    }
    ASSERT_EQ(y2.shape(), y.shape());
    EXPECT_EQ(0, std::memcmp(y.data(), y2.data(), sizeof(float) * y.numel()))
        << "reloaded network differs";

    // No metadata: the name alone, hyperparameters from the shapes.
    const std::string bare = dir.file("bare.safetensors");
    NamedTensors tensors;
    for (auto& [name, t] : net->state_dict()) tensors.emplace_back(name, t);
    write_safetensors(bare, tensors);
    models::LoadOptions opt;
    opt.arch = spec.name;
    opt.overrides = {{"scale", std::to_string(scale)}};  // allowed: some nets hide the scale in no shape
    for (const auto& [k, v] : h)
      if (k == "channels") opt.overrides[k] = v;
    models::LoadedNetwork inferred = models::load_network(bare, opt);
    Tensor y3;
    {
      NoGradGuard ng;
      y3 = inferred.net->forward(x);
    }
    ASSERT_EQ(y3.shape(), y.shape());
    EXPECT_EQ(0, std::memcmp(y.data(), y3.data(), sizeof(float) * y.numel()))
        << "network rebuilt from shapes differs";
  }
}

INSTANTIATE_TEST_SUITE_P(Registry, EveryArch, ::testing::ValuesIn(arch_names()),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                           std::string s = i.param;
                           for (char& ch : s)
                             if (ch == '-') ch = '_';
                           return s;
                         });

TEST(Registry, UnknownNamesHyperparametersAndScalesAreClearErrors) {
  Rng rng(1);
  try {
    models::build_network("srgan9000", {}, rng);
    FAIL() << "no throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("srgan9000"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("espcn"), std::string::npos) << "should list the known names";
  }
  try {
    models::build_network("espcn", {{"num_blocks", "3"}}, rng);
    FAIL() << "no throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("num_blocks"), std::string::npos);
  }
  try {
    models::build_network("espcn", {{"scale", "5"}}, rng);
    FAIL() << "no throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("scale 5"), std::string::npos);
  }
  EXPECT_THROW(models::build_network("espcn", {{"features", "many"}}, rng), Error);
}

TEST(Registry, FileWithoutArchAsksForOne) {
  testing::TempDir dir;
  const std::string file = dir.file("anon.safetensors");
  write_safetensors(file, {{"conv1.weight", Tensor::zeros({4, 1, 5, 5})}});
  try {
    models::load_network(file);
    FAIL() << "no throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("anon.safetensors"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("--arch"), std::string::npos);
  }
}

}  // namespace
}  // namespace upres
