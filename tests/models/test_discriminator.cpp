// Tests of models/discriminator.h and models/linear.h beyond the golden file:
// Linear against a plain loop, the parameter count of SRGAN's discriminator
// against the header's napkin math, the shapes each head accepts, and that a
// tiny discriminator learns to tell smooth "real" images from noise in a few
// SGD steps.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/error.h"
#include "engine/ops.h"
#include "engine/optim.h"
#include "models/discriminator.h"
#include "models/linear.h"
#include "tests/support/gradcheck.h"

namespace upres {
namespace {

TEST(Linear, MatchesPlainLoopAndGradcheck) {
  Rng rng(5);
  models::Linear lin(7, 3, rng);
  ASSERT_EQ(lin.weight.shape(), (Shape{3, 7}));
  ASSERT_EQ(lin.bias.shape(), (Shape{3}));
  for (float w : lin.weight.to_vector()) EXPECT_LE(std::fabs(w), 1.0f / std::sqrt(7.0f));
  Tensor x = testing::rand_input({5, 7}, rng);
  Tensor y = lin.forward(x);
  ASSERT_EQ(y.shape(), (Shape{5, 3}));
  auto xv = x.to_vector(), wv = lin.weight.to_vector(), bv = lin.bias.to_vector(), yv = y.to_vector();
  for (int n = 0; n < 5; ++n)
    for (int o = 0; o < 3; ++o) {
      double s = bv[o];
      for (int i = 0; i < 7; ++i) s += static_cast<double>(xv[n * 7 + i]) * wv[o * 7 + i];
      EXPECT_NEAR(yv[n * 3 + o], s, 1e-5) << n << ", " << o;
    }
  // The parameters are gradcheck inputs too: probed values are copied into the layer.
  std::vector<Tensor> params = {lin.weight, lin.bias};
  auto f = [&](const std::vector<Tensor>& in) {
    for (size_t k = 0; k < params.size(); ++k)
      if (!in[k + 1].same(params[k])) params[k].copy_(in[k + 1]);
    return lin.forward(in[0]);
  };
  EXPECT_TRUE(testing::gradcheck(f, {x, lin.weight, lin.bias}));
  EXPECT_THROW(lin.forward(Tensor::zeros({5, 6})), Error);
}

TEST(VggDiscriminator, ParameterCountMatchesTheHeader) {
  Rng rng(1);
  models::VggDiscriminator net(models::DiscriminatorConfig{}, rng);
  // convs 4,687,232 (with BN's weight and bias), linear1 32768*100+100, linear2 101
  EXPECT_EQ(net.num_parameters(), 7964233);
  EXPECT_EQ(models::VggStyleDiscriminator::reduced_size(128), 8);
  EXPECT_EQ(models::VggStyleDiscriminator::reduced_size(33), 3);
}

TEST(VggDiscriminator, FlattenHeadNeedsItsSizeGlobalPoolTakesAny) {
  Rng rng(2);
  models::DiscriminatorConfig c;
  c.num_feat = 2;
  c.input_size = 24;
  c.dense_feat = 4;
  models::VggDiscriminator flat(c, rng);
  EXPECT_EQ(flat.forward(Tensor::zeros({3, 3, 24, 24})).shape(), (Shape{3, 1}));
  try {
    flat.forward(Tensor::zeros({1, 3, 32, 32}));
    FAIL() << "no throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("VggDiscriminator"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("24, 24"), std::string::npos) << e.what();
  }
  models::DiscriminatorConfig fc = models::FeatureDiscriminator::defaults(5);
  EXPECT_TRUE(fc.global_pool);
  fc.num_feat = 2;
  models::FeatureDiscriminator feat(fc, rng);
  for (int64_t side : {1, 7, 16}) {
    NoGradGuard ng;
    feat.eval();
    EXPECT_EQ(feat.forward(Tensor::zeros({2, 5, side, side + 2})).shape(), (Shape{2, 1})) << side;
  }
  EXPECT_THROW(feat.forward(Tensor::zeros({2, 3, 8, 8})), Error);  // 3 channels, expected 5
}

// Smooth "real" images (low-frequency waves) and uniform-noise "fakes".
Tensor make_batch(bool real, int64_t n, int64_t side, Rng& rng) {
  Tensor t = Tensor::zeros({n, 3, side, side});
  float* p = t.data();
  for (int64_t b = 0; b < n; ++b) {
    const float a = rng.uniform(0.1f, 0.3f), c = rng.uniform(0.1f, 0.3f);
    for (int64_t ch = 0; ch < 3; ++ch) {
      const float phase = rng.uniform(0.0f, 6.28f);
      for (int64_t i = 0; i < side; ++i)
        for (int64_t j = 0; j < side; ++j)
          *p++ = real ? 0.5f + 0.4f * std::sin(a * i + c * j + phase) : rng.uniform();
    }
  }
  return t;
}

TEST(VggDiscriminator, LearnsToSeparateSmoothImagesFromNoise) {
  Rng rng(9);
  models::DiscriminatorConfig c;
  c.num_feat = 4;
  c.input_size = 16;
  c.dense_feat = 8;
  models::VggDiscriminator net(c, rng);
  net.train();
  const int64_t n = 4;
  Tensor target = Tensor::from_vector({2 * n, 1}, {1, 1, 1, 1, -1, -1, -1, -1});
  SGDOptions o;
  o.lr = 0.003;  // with 50 steps: all of 32 seeds tried separate (0.02 x 20 steps: 3 of 12 did not)
  o.momentum = 0.9;
  SGD opt(net.parameters(), o);
  float first = 0, last = 0;
  for (int step = 0; step < 50; ++step) {
    Tensor x = concat({make_batch(true, n, 16, rng), make_batch(false, n, 16, rng)}, 0);
    Tensor loss = mse_loss(net.forward(x), target);  // least-squares GAN loss, real +1, fake -1
    if (step == 0) first = loss.item();
    last = loss.item();
    opt.zero_grad();
    loss.backward();
    opt.step();
  }
  EXPECT_LT(last, 0.5f * first);
  // Fresh samples, batch statistics (as during GAN training).
  Tensor x = concat({make_batch(true, n, 16, rng), make_batch(false, n, 16, rng)}, 0);
  std::vector<float> logits;
  {
    NoGradGuard ng;
    logits = net.forward(x).to_vector();
  }
  for (int64_t i = 0; i < n; ++i) EXPECT_GT(logits[i], 0.0f) << "real image " << i;
  for (int64_t i = n; i < 2 * n; ++i) EXPECT_LT(logits[i], 0.0f) << "noise image " << i - n;
}

}  // namespace
}  // namespace upres
