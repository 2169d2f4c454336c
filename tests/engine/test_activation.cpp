// Tests of the activation ops: values against a direct formula, gradients
// against finite differences.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/dispatch.h"
#include "engine/error.h"
#include "engine/ops.h"
#include "support/gradcheck.h"

using namespace upres;
using upres::testing::gradcheck;
using upres::testing::rand_input;

TEST(Relu, ForwardMatchesFormula) {
  Tensor x = Tensor::from_vector({1, 1, 2, 3}, {-2.f, -0.f, 0.5f, 3.f, -1e-7f, 1e-7f});
  auto y = relu(x).to_vector();
  std::vector<float> expect = {0.f, 0.f, 0.5f, 3.f, 0.f, 1e-7f};
  EXPECT_EQ(y, expect);
}

TEST(Relu, GradientMatchesFiniteDifferences) {
  Rng rng(1);
  for (Shape s : {Shape{1, 1, 7, 9}, Shape{2, 13, 5, 3}}) {
    Tensor x = rand_input(s, rng);
    EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return relu(in[0]); }, {x}));
  }
}

// ---- leaky_relu, prelu, sigmoid, tanh ------------------------------------------------

namespace {
// Inputs in +-[0.1, 1]: finite differences with step 0.01 never straddle the kink at 0.
Tensor away_from_zero(const Shape& s, Rng& rng) {
  std::vector<float> v(static_cast<size_t>(shape_numel(s)));
  for (float& e : v) {
    float u = rng.uniform(0.1f, 1.0f);
    e = rng.uniform() < 0.5f ? -u : u;
  }
  return Tensor::from_vector(s, v).set_requires_grad();
}

const std::vector<Shape>& activation_shapes() {
  static const std::vector<Shape> s = {Shape{1, 1, 7, 9}, Shape{2, 13, 5, 3}, Shape{2, 1, 5, 3}};
  return s;
}
}  // namespace

TEST(LeakyRelu, ForwardMatchesFormula) {
  std::vector<float> xv = {-2.f, -0.5f, 0.f, 0.5f, 3.f, -1e-7f};
  Tensor x = Tensor::from_vector({2, 3}, xv);
  for (float slope : {0.01f, 0.2f, 1.5f}) {
    auto y = leaky_relu(x, slope).to_vector();
    for (size_t i = 0; i < xv.size(); ++i) EXPECT_EQ(y[i], xv[i] > 0 ? xv[i] : slope * xv[i]);
  }
  EXPECT_EQ(leaky_relu(Tensor::from_vector({1}, {-3.f})).item(), 0.01f * -3.f);  // default slope 0.01
}

TEST(LeakyRelu, GradientMatchesFiniteDifferences) {
  Rng rng(2);
  for (const Shape& s : activation_shapes()) {
    Tensor x = away_from_zero(s, rng);
    for (float slope : {0.01f, 0.2f})
      EXPECT_TRUE(gradcheck([slope](const std::vector<Tensor>& in) { return leaky_relu(in[0], slope); }, {x}))
          << to_string(s) << " slope " << slope;
  }
}

TEST(LeakyRelu, GradientAtZeroIsSlope) {  // PyTorch: x > 0 ? dy : slope * dy
  Tensor x = Tensor::from_vector({3}, {-1.f, 0.f, 1.f}).set_requires_grad();
  sum(leaky_relu(x, 0.2f)).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{0.2f, 0.2f, 1.f}));
}

TEST(Prelu, ForwardSharedAndPerChannelMatchFormula) {
  Rng rng(3);
  Tensor x = Tensor::uniform({2, 3, 4, 5}, -1.f, 1.f, rng);
  auto xv = x.to_vector();
  Tensor shared = Tensor::from_vector({1}, {0.25f});
  auto ys = prelu(x, shared).to_vector();
  for (size_t i = 0; i < xv.size(); ++i) EXPECT_EQ(ys[i], xv[i] > 0 ? xv[i] : 0.25f * xv[i]);
  Tensor w = Tensor::from_vector({3}, {0.1f, -0.5f, 2.f});
  auto yc = prelu(x, w).to_vector();
  auto wv = w.to_vector();
  for (size_t i = 0; i < xv.size(); ++i) {
    float a = wv[(i / 20) % 3];
    EXPECT_EQ(yc[i], xv[i] > 0 ? xv[i] : a * xv[i]) << i;
  }
}

TEST(Prelu, BadWeightShapesThrow) {
  Tensor x = Tensor::zeros({2, 3, 4, 5});
  EXPECT_THROW(prelu(x, Tensor::zeros({4})), Error);     // C = 3
  EXPECT_THROW(prelu(x, Tensor::zeros({1, 3})), Error);  // weight must be 1-D
  EXPECT_THROW(prelu(Tensor::zeros({6}), Tensor::zeros({3})), Error);  // per-channel needs [N, C, ...]
}

// Gradients for input and weight, shared (1) and per-channel (C) weights; the
// weights are random in sign and size so that dL/dw mixes many terms.
TEST(Prelu, GradientInputAndWeightSharedAndPerChannel) {
  Rng rng(4);
  for (const Shape& s : activation_shapes()) {
    for (int64_t c : {int64_t{1}, s[1]}) {
      Tensor x = away_from_zero(s, rng);
      Tensor w = rand_input({c}, rng, -0.5f, 0.5f);
      EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return prelu(in[0], in[1]); }, {x, w}))
          << to_string(s) << " weights " << c;
    }
  }
  // A 2-D input [N, C] with per-channel weights, and a weight that alone needs grad.
  Tensor x2 = rand_input({5, 3}, rng, -1.f, 1.f, false);
  Tensor w2 = rand_input({3}, rng, 0.1f, 0.4f);
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return prelu(in[0], in[1]); }, {x2, w2}));
}

// dL/dw[c] = sum over positions with x <= 0 of dy * x: checked with a plain loop on
// a tensor large enough to be split into pieces and threads.
TEST(Prelu, WeightGradientMatchesNaiveSumOnLargeInput) {
  Rng rng(5);
  set_cpu_threads(3);
  Tensor x = Tensor::uniform({2, 3, 100, 90}, -1.f, 1.f, rng);
  Tensor w = Tensor::from_vector({3}, {0.1f, 0.2f, 0.3f}).set_requires_grad();
  Tensor dy = Tensor::uniform(x.shape(), -1.f, 1.f, rng);
  prelu(x, w).backward(dy);
  auto xv = x.to_vector(), gv = dy.to_vector();
  std::vector<double> ref(3, 0.0);
  for (size_t i = 0; i < xv.size(); ++i)
    if (xv[i] <= 0) ref[(i / 9000) % 3] += static_cast<double>(gv[i]) * xv[i];
  auto g = w.grad().to_vector();
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(g[c], ref[c], 1e-6 * (1 + std::fabs(ref[c]))) << c;
  set_cpu_threads(0);
}

TEST(Sigmoid, ForwardMatchesFormula) {
  std::vector<float> xv = {-30.f, -2.f, -0.5f, 0.f, 0.5f, 2.f, 30.f, 100.f};
  auto y = sigmoid(Tensor::from_vector({8}, xv)).to_vector();
  for (size_t i = 0; i < xv.size(); ++i)
    EXPECT_NEAR(y[i], 1.0 / (1.0 + std::exp(-static_cast<double>(xv[i]))), 1e-7) << xv[i];
  EXPECT_EQ(sigmoid(Tensor::from_vector({1}, {-200.f})).item(), 0.f);  // no NaN from exp overflow
}

TEST(Sigmoid, GradientMatchesFiniteDifferences) {
  Rng rng(6);
  for (const Shape& s : activation_shapes()) {
    Tensor x = rand_input(s, rng, -3.f, 3.f);
    EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return sigmoid(in[0]); }, {x})) << to_string(s);
  }
}

TEST(Tanh, ForwardMatchesFormula) {
  std::vector<float> xv = {-20.f, -2.f, -0.5f, 0.f, 0.5f, 2.f, 20.f};
  auto y = upres::tanh(Tensor::from_vector({7}, xv)).to_vector();
  for (size_t i = 0; i < xv.size(); ++i) EXPECT_FLOAT_EQ(y[i], std::tanh(xv[i])) << xv[i];
}

TEST(Tanh, GradientMatchesFiniteDifferences) {
  Rng rng(7);
  for (const Shape& s : activation_shapes()) {
    Tensor x = rand_input(s, rng, -2.f, 2.f);
    EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return upres::tanh(in[0]); }, {x})) << to_string(s);
  }
}
