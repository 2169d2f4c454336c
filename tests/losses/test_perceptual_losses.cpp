// Content and texture losses (losses/perceptual.h): the Gram/texture formula
// against a naive loop, gradients of both formulas against finite differences
// on odd shapes, and the frozen network: gradient reaches SR, never the weights.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "engine/error.h"
#include "engine/ops.h"
#include "losses/perceptual.h"
#include "models/squeezenet.h"
#include "support/gradcheck.h"

using namespace upres;
namespace ut = upres::testing;

namespace {
// G[n][i][j] = sum_p F[n][i][p] F[n][j][p] / (C H W), by loops in double.
std::vector<double> naive_gram(const Tensor& x) {
  const int64_t n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3);
  auto v = x.to_vector();
  std::vector<double> g(static_cast<size_t>(n * c * c));
  for (int64_t b = 0; b < n; ++b)
    for (int64_t i = 0; i < c; ++i)
      for (int64_t j = 0; j < c; ++j) {
        double s = 0;
        for (int64_t p = 0; p < hw; ++p)
          s += static_cast<double>(v[static_cast<size_t>((b * c + i) * hw + p)]) * v[static_cast<size_t>((b * c + j) * hw + p)];
        g[static_cast<size_t>((b * c + i) * c + j)] = s / static_cast<double>(c * hw);
      }
  return g;
}
}  // namespace

TEST(TextureLoss, MatchesNaiveGramLoop) {
  Rng rng(21);
  for (Shape s : {Shape{1, 1, 7, 9}, Shape{2, 13, 5, 3}, Shape{2, 5, 4, 4}}) {
    Tensor a = Tensor::uniform(s, 0.f, 2.f, rng), b = Tensor::uniform(s, 0.f, 2.f, rng);
    auto ga = naive_gram(a), gb = naive_gram(b);
    double mse = 0;
    for (size_t i = 0; i < ga.size(); ++i) mse += (ga[i] - gb[i]) * (ga[i] - gb[i]);
    mse /= static_cast<double>(ga.size());
    EXPECT_NEAR(losses::feature_texture_loss(a, b).item(), mse, 1e-5 * mse + 1e-9) << to_string(s);
    double l1 = 0;
    auto av = a.to_vector(), bv = b.to_vector();
    for (size_t i = 0; i < av.size(); ++i) l1 += std::fabs(static_cast<double>(av[i]) - bv[i]);
    EXPECT_NEAR(losses::feature_content_loss(a, b).item(), l1 / av.size(), 1e-6) << to_string(s);
  }
}

TEST(TextureLoss, ContentAndTextureGradientsOnOddShapes) {
  Rng rng(22);
  for (Shape s : {Shape{1, 1, 7, 9}, Shape{2, 13, 5, 3}, Shape{2, 1, 5, 3}}) {
    Tensor a = ut::rand_input(s, rng), b = ut::rand_input(s, rng, -1.f, 1.f, false);
    EXPECT_TRUE(ut::gradcheck([b](const std::vector<Tensor>& in) { return losses::feature_texture_loss(in[0], b); },
                              {a}, {1e-2, 1e-5, 1e-2}))
        << to_string(s);
    EXPECT_TRUE(ut::gradcheck([b](const std::vector<Tensor>& in) { return losses::feature_content_loss(in[0], b); },
                              {a}, {1e-3, 1e-4, 1e-2}))
        << to_string(s);
  }
}

TEST(ContentLoss, SqueezeNetIsFrozenAndGradientReachesSR) {
  models::SqueezeNet net;  // weights: a deterministic pattern, so the check needs no shared data
  Rng rng(23);
  for (auto& [name, t] : net.named_buffers()) t.copy_(Tensor::uniform(t.shape(), -0.05f, 0.05f, rng));
  Tensor sr = ut::rand_input({1, 3, 64, 64}, rng, 0.f, 1.f);
  Tensor hr = Tensor::uniform({1, 3, 64, 64}, 0.f, 1.f, rng);
  for (const char* layer : {"conv1", "fire3"}) {
    sr.zero_grad();
    Tensor c = losses::content_loss(net, sr, hr, layer);
    Tensor t = losses::texture_loss(net, sr, hr, layer);
    // The same value as the formula on features scaled by 1/255.
    Tensor fs = net.features(sr, {layer})[0] * (1.0f / 255), fh = net.features(hr, {layer})[0] * (1.0f / 255);
    EXPECT_NEAR(c.item(), losses::feature_content_loss(fs, fh).item(), 1e-6 * (1 + c.item())) << layer;
    EXPECT_GT(c.item(), 0.0f);
    (c + t).backward();
    ASSERT_TRUE(sr.grad().defined()) << layer;
    double g = 0;
    for (float v : sr.grad().to_vector()) g += std::fabs(v);
    EXPECT_GT(g, 0.0) << layer;
    EXPECT_TRUE(net.parameters().empty());
    for (auto& [name, b] : net.named_buffers()) EXPECT_FALSE(b.grad().defined()) << name;
  }
  EXPECT_THROW(losses::content_loss(net, sr, Tensor::zeros({1, 3, 64, 60}), "fire2"), Error);
}
