// The frozen feature networks of the perceptual losses (models/squeezenet.h,
// models/vgg.h): SqueezeNet v1.0 reproduces the reference activations that come
// with its weights (../shared/data/weights/squeezenet1_0_reference.json, 227x227)
// and a PyTorch run on 64x64, where ceil-mode pooling matters; VGG16/19 match a
// PyTorch run of torchvision's layout with hashed weights
// (tests/fixtures/losses/make_fixtures.py); the ceil-mode pool matches a loop.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "data/image.h"
#include "engine/json.h"
#include "engine/error.h"
#include "engine/ops.h"
#include "models/squeezenet.h"
#include "models/vgg.h"
#include "support/gradcheck.h"
#include "support/text_fixture.h"

using namespace upres;
namespace ut = upres::testing;

namespace {

const std::string kWeights = std::string(UPRES_SHARED_DATA_DIR) + "/weights/squeezenet1_0.safetensors";
const std::string kReference = std::string(UPRES_SHARED_DATA_DIR) + "/weights/squeezenet1_0_reference.json";
const std::string kButterfly = std::string(UPRES_SHARED_DATA_DIR) + "/Set5/butterfly.png";

struct Stats {
  double sum = 0, l2 = 0;
};
Stats stats(const Tensor& t) {
  Stats s;
  for (float v : t.to_vector()) {
    s.sum += v;
    s.l2 += static_cast<double>(v) * v;
  }
  s.l2 = std::sqrt(s.l2);
  return s;
}

// The integer hash of make_fixtures.py: uniform [0, 1) from an index and a salt.
std::vector<float> hash01(int64_t n, uint64_t salt, double lo = 0.0, double scale = 1.0) {
  std::vector<float> out(static_cast<size_t>(n));
  const uint64_t m = 0xFFFFFFFFull;
  for (int64_t i = 0; i < n; ++i) {
    uint64_t h = (static_cast<uint64_t>(i) * 2654435761ull + salt * 97531ull + 12345ull) & m;
    h ^= h >> 13;
    h = (h * 1274126177ull) & m;
    h ^= h >> 16;
    out[static_cast<size_t>(i)] = static_cast<float>((static_cast<double>(h) / 4294967296.0 - lo) * scale);
  }
  return out;
}

}  // namespace

TEST(SqueezeNetFeatures, CeilModePoolMatchesLoop) {
  Rng rng(3);
  for (int64_t h : {7, 8, 14, 29}) {
    Tensor x = ut::rand_input({2, 3, h, h + 1}, rng);
    Tensor y = models::max_pool2d_ceil(x, 3, 2);
    const int64_t oh = (h - 3 + 1) / 2 + 1, ow = (h + 1 - 3 + 1) / 2 + 1;  // ceil((n - 3) / 2) + 1
    ASSERT_EQ(y.shape(), (Shape{2, 3, oh, ow}));
    auto xv = x.to_vector(), yv = y.to_vector();
    for (int64_t p = 0; p < 6; ++p)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          float m = -INFINITY;
          for (int64_t a = 2 * i; a < std::min(2 * i + 3, h); ++a)
            for (int64_t b = 2 * j; b < std::min(2 * j + 3, h + 1); ++b)
              m = std::max(m, xv[static_cast<size_t>((p * h + a) * (h + 1) + b)]);
          EXPECT_EQ(yv[static_cast<size_t>((p * oh + i) * ow + j)], m);
        }
    EXPECT_TRUE(ut::gradcheck([](const std::vector<Tensor>& in) { return models::max_pool2d_ceil(in[0], 3, 2); },
                              {x}));
  }
}

TEST(SqueezeNetFeatures, ReproducesReferenceJson227) {
  if (!std::filesystem::exists(kWeights) || !std::filesystem::exists(kButterfly))
    GTEST_SKIP() << "no " << kWeights << " (../shared/data is absent)";
  std::ifstream in(kReference);
  std::stringstream ss;
  ss << in.rdbuf();
  const json::Value ref = json::parse(ss.str());
  auto net = models::SqueezeNet::from_file(kWeights);
  // Caffe's test crop of a 256x256 image: rows and columns 14..240.
  Tensor x = data::to_tensor(data::crop(data::load_image(kButterfly), 14, 14, 227, 227));
  NoGradGuard ng;
  EXPECT_NEAR(stats(models::SqueezeNet::preprocess(x)).sum, ref.find("input")->find("input_tensor_sum")->as_double(),
              0.5);
  const std::vector<std::pair<std::string, std::string>> taps = {
      {"conv1", "features.1"}, {"pool1", "features.2"}, {"fire2", "features.3"},  {"fire3", "features.4"},
      {"fire4", "features.5"}, {"pool4", "features.6"}, {"fire5", "features.7"},  {"fire6", "features.8"},
      {"fire7", "features.9"}, {"fire8", "features.10"}, {"pool8", "features.11"}, {"fire9", "features.12"}};
  std::vector<std::string> names;
  for (auto& t : taps) names.push_back(t.first);
  std::vector<Tensor> f = net->features(x, names);
  for (size_t i = 0; i < taps.size(); ++i) {
    const json::Value& r = *ref.find("per_stage_sum_l2")->find(taps[i].second);
    Shape shape;
    for (const json::Value& d : r.find("shape")->as_array()) shape.push_back(d.as_int64());
    EXPECT_EQ(f[i].shape(), shape) << taps[i].first;
    Stats s = stats(f[i]);
    EXPECT_NEAR(s.sum, r.find("sum")->as_double(), 1e-4 * r.find("sum")->as_double()) << taps[i].first;
    EXPECT_NEAR(s.l2, r.find("l2")->as_double(), 1e-4 * r.find("l2")->as_double()) << taps[i].first;
  }
  // The classifier on top: the reference's top-5 classes and logits.
  std::vector<float> logits = net->logits(x).to_vector();
  std::vector<int> order(logits.size());
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + 5, order.end(), [&](int a, int b) { return logits[a] > logits[b]; });
  const auto& top5 = ref.find("top5_indices")->as_array();
  const auto& top5_logits = ref.find("top5_logits")->as_array();
  for (int k = 0; k < 5; ++k) {
    EXPECT_EQ(order[k], top5[k].as_int64()) << "rank " << k;
    EXPECT_NEAR(logits[order[k]], top5_logits[k].as_double(), 1e-3) << "rank " << k;
  }
}

TEST(SqueezeNetFeatures, CeilPoolingOn64MatchesPyTorch) {
  if (!std::filesystem::exists(kWeights) || !std::filesystem::exists(kButterfly))
    GTEST_SKIP() << "no " << kWeights << " (../shared/data is absent)";
  auto f = ut::load_text_fixture("tests/fixtures/losses/squeezenet64.txt");
  auto net = models::SqueezeNet::from_file(kWeights);
  Tensor x = data::to_tensor(data::crop(data::load_image(kButterfly), 96, 96, 64, 64));
  EXPECT_NEAR(stats(x).sum, ut::record(f, "input_sum")[0], 1e-2);
  NoGradGuard ng;
  const std::vector<std::string> names = models::SqueezeNet::layers();
  std::vector<Tensor> out = net->features(x, names);
  for (size_t i = 0; i < names.size(); ++i) {
    const auto& sh = ut::record(f, names[i] + "_shape");
    EXPECT_EQ(f.count(names[i] + "_shape") ? Shape(sh.begin(), sh.end()) : Shape{}, out[i].shape()) << names[i];
    const auto& r = ut::record(f, names[i] + "_stats");
    Stats s = stats(out[i]);
    EXPECT_NEAR(s.sum, r[0], 1e-4 * r[0]) << names[i];
    EXPECT_NEAR(s.l2, r[1], 1e-4 * r[1]) << names[i];
  }
}

TEST(SqueezeNetFeatures, StopsAtDeepestLayerAndRejectsUnknown) {
  models::SqueezeNet net;  // zero weights: shapes only
  NoGradGuard ng;
  auto f = net.features(Tensor::zeros({2, 3, 64, 48}), {"fire5", "conv1"});
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].shape(), (Shape{2, 256, 7, 5}));
  EXPECT_EQ(f[1].shape(), (Shape{2, 96, 29, 21}));
  try {
    net.features(Tensor::zeros({1, 3, 64, 64}), {"fire10"});
    FAIL() << "accepted fire10";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("fire10"), std::string::npos) << e.what();
  }
  EXPECT_THROW(net.features(Tensor::zeros({1, 1, 64, 64}), {"conv1"}), Error);  // needs RGB
  EXPECT_TRUE(net.parameters().empty());                                       // frozen: buffers only
}

namespace {
// A torchvision-layout VGG with the fixture's hashed weights.
std::shared_ptr<models::VGG> hashed_vgg(int depth) {
  auto net = std::make_shared<models::VGG>(depth);
  std::map<std::string, Tensor> sd;
  for (auto& [name, t] : net->named_buffers()) {
    // "features.N.weight" / "features.N.bias"
    const size_t a = name.find('.') + 1, b = name.find('.', a);
    const uint64_t idx = std::stoull(name.substr(a, b - a));
    const bool weight = name.substr(b + 1) == "weight";
    const double fan = weight ? static_cast<double>(t.size(1) * 9) : 1.0;
    sd[name] = weight ? Tensor::from_vector(t.shape(), hash01(t.numel(), idx, 0.5, std::sqrt(24.0 / fan)))
                      : Tensor::from_vector(t.shape(), hash01(t.numel(), idx + 1000, 0.5, 0.02));
  }
  load_state_dict(*net, sd);
  return net;
}
}  // namespace

TEST(VggFeatures, MatchTorchvisionLayoutGolden) {
  auto f = ut::load_text_fixture("tests/fixtures/losses/vgg.txt");
  Tensor x = Tensor::from_vector({1, 3, 32, 32}, hash01(3 * 32 * 32, 999));
  NoGradGuard ng;
  for (int depth : {16, 19}) {
    auto net = hashed_vgg(depth);
    std::vector<std::string> taps;
    const std::string prefix = "vgg" + std::to_string(depth) + "_";
    for (auto& [key, v] : f)
      if (key.rfind(prefix, 0) == 0 && key.size() > 6 && key.substr(key.size() - 6) == "_stats")
        taps.push_back(key.substr(prefix.size(), key.size() - prefix.size() - 6));
    ASSERT_FALSE(taps.empty());
    std::vector<Tensor> out = net->features(x, taps);
    for (size_t i = 0; i < taps.size(); ++i) {
      const std::string k = prefix + taps[i];
      const auto& sh = ut::record(f, k + "_shape");
      EXPECT_EQ(out[i].shape(), Shape(sh.begin(), sh.end())) << k;
      const auto& st = ut::record(f, k + "_stats");
      Stats s = stats(out[i]);
      const double n = static_cast<double>(out[i].numel());
      EXPECT_NEAR(s.sum, st[0], 1e-5 * std::sqrt(n) * st[1] + 1e-6) << k;
      EXPECT_NEAR(s.l2, st[1], 1e-4 * st[1]) << k;
      const auto& p = ut::record(f, k + "_picks");
      auto v = out[i].to_vector();
      const double scale = st[1] / std::sqrt(n);  // rms of the layer
      for (size_t j = 0; j < p.size() / 2; ++j)
        EXPECT_NEAR(v[static_cast<size_t>(p[j])], p[p.size() / 2 + j], 1e-4 * scale + 1e-4 * std::fabs(p[p.size() / 2 + j]))
            << k << " element " << p[j];
    }
  }
}

TEST(VggFeatures, LayerNamesAndLoadErrors) {
  EXPECT_EQ(models::VGG::layers(16).size(), 13u * 2 + 5);
  EXPECT_EQ(models::VGG::layers(19).size(), 16u * 2 + 5);
  EXPECT_EQ(models::VGG::layers(19)[models::VGG::layers(19).size() - 2], "relu5_4");
  EXPECT_THROW(models::VGG(11), Error);
  models::VGG net(16);
  std::map<std::string, Tensor> partial = {{"features.0.weight", Tensor::zeros({64, 3, 3, 3})}};
  LoadReport r = load_state_dict(net, partial, /*strict=*/false);
  EXPECT_FALSE(r.missing.empty());
  EXPECT_THROW(models::VGG::from_file(16, "/nonexistent/vgg16.safetensors"), Error);
}

TEST(SqueezeNetFeatures, SimtMatchesCpuWithGradient) {
  // Every op of the network (conv, relu, -inf pad, max pool, concat) on the emulated
  // GPU backend: the features and the gradient to the input agree with cpu.
  models::SqueezeNet net;
  Rng rng(41);
  for (auto& [name, t] : net.named_buffers()) t.copy_(Tensor::uniform(t.shape(), -0.05f, 0.05f, rng));
  Tensor x = Tensor::uniform({1, 3, 16, 15}, 0.f, 1.f, rng);  // conv1 7x6, pool1 (ceil) 3x3
  std::vector<std::vector<float>> feats, grads;
  for (Device dev : {Device::cpu, Device::simt}) {
    net.to(dev);
    Tensor xd = x.to(dev).set_requires_grad();
    Tensor f = net.features(xd, {"fire2"})[0];
    sum(square(f)).backward();
    feats.push_back(f.to_vector());
    grads.push_back(xd.grad().to_vector());
  }
  net.to(Device::cpu);
  ASSERT_EQ(feats[0].size(), feats[1].size());
  double fmax = 0, gmax = 0, df = 0, dg = 0;
  for (size_t i = 0; i < feats[0].size(); ++i) {
    fmax = std::max(fmax, std::fabs(double(feats[0][i])));
    df = std::max(df, std::fabs(double(feats[0][i]) - feats[1][i]));
  }
  for (size_t i = 0; i < grads[0].size(); ++i) {
    gmax = std::max(gmax, std::fabs(double(grads[0][i])));
    dg = std::max(dg, std::fabs(double(grads[0][i]) - grads[1][i]));
  }
  EXPECT_GT(fmax, 0.0);
  EXPECT_GT(gmax, 0.0);
  EXPECT_LE(df, 1e-5 * fmax);
  EXPECT_LE(dg, 1e-5 * gmax);
}
