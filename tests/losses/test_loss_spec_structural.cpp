// CompositeLoss with the structural terms (losses/structural.h on the engine
// ops total_variation and ssim): the weighted sum against the terms computed one
// by one, and a gradient check of l1 + tv + ssim on a tiny image.
#include <gtest/gtest.h>

#include "engine/ops.h"
#include "engine/ops/ssim.h"
#include "engine/ops/tv.h"
#include "losses/pixel.h"
#include "losses/spec.h"
#include "support/gradcheck.h"

using namespace upres;
namespace ut = upres::testing;

TEST(CompositeLoss, WeightedSumOfPixelTvSsimTerms) {
  Rng rng(31);
  Tensor sr = Tensor::uniform({2, 3, 13, 12}, 0.f, 1.f, rng), hr = Tensor::uniform({2, 3, 13, 12}, 0.f, 1.f, rng);
  losses::CompositeLoss loss("0.5*l1 + 2*mse + 0.25*charbonnier + smoothl1 + 0.1*tv:l1 + 0.2*tv + 0.3*ssim");
  EXPECT_FALSE(loss.needs_discriminator());
  const double total = loss(sr, hr).item();
  const double expect = 0.5 * upres::l1_loss(sr, hr).item() + 2 * upres::mse_loss(sr, hr).item() +
                        0.25 * losses::charbonnier_loss(sr, hr).item() + losses::smooth_l1_loss(sr, hr).item() +
                        0.1 * total_variation(sr, TvKind::l1).item() + 0.2 * total_variation(sr, TvKind::l2).item() +
                        0.3 * (1.0 - ssim(sr, hr).item());
  EXPECT_NEAR(total, expect, 1e-5);
  const auto& terms = loss.last_terms();
  ASSERT_EQ(terms.size(), 8u);
  EXPECT_EQ(terms[4].first, "tv:l1");
  EXPECT_EQ(terms[7].first, "total");
  EXPECT_NEAR(terms[7].second, expect, 1e-5);
  EXPECT_NEAR(terms[6].second, 1.0 - ssim(sr, hr).item(), 1e-6);
}

TEST(CompositeLoss, GradientOfL1TvSsimOnTinyImage) {
  Rng rng(32);
  losses::CompositeLoss loss("l1 + 0.5*tv + 0.7*ssim");
  Tensor hr = Tensor::uniform({1, 2, 12, 11}, 0.f, 1.f, rng);
  Tensor sr = ut::rand_input({1, 2, 12, 11}, rng, 0.f, 1.f);
  EXPECT_TRUE(ut::gradcheck([&](const std::vector<Tensor>& in) { return loss(in[0], hr); }, {sr},
                            {1e-3, 1e-4, 2e-2, 64}));
}

TEST(CompositeLoss, PixelTvSsimOnSimtMatchCpu) {
  Rng rng(35);
  Tensor sr = Tensor::uniform({1, 3, 12, 13}, 0.f, 1.f, rng), hr = Tensor::uniform({1, 3, 12, 13}, 0.f, 1.f, rng);
  losses::CompositeLoss loss("l1 + mse + charbonnier + smoothl1 + 0.3*tv:l1 + tv + ssim");
  std::vector<double> values;
  std::vector<std::vector<float>> grads;
  for (Device dev : {Device::cpu, Device::simt}) {
    Tensor x = sr.to(dev).set_requires_grad();
    Tensor l = loss(x, hr.to(dev));
    l.backward();
    values.push_back(l.item());
    grads.push_back(x.grad().to_vector());
  }
  EXPECT_NEAR(values[1], values[0], 1e-5 * values[0]);
  ASSERT_EQ(grads[0].size(), grads[1].size());
  for (size_t i = 0; i < grads[0].size(); ++i) EXPECT_NEAR(grads[1][i], grads[0][i], 1e-5) << "element " << i;
}
