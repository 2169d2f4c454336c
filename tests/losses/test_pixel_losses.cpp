// Pixel losses (losses/pixel.h): values against plain loops and PyTorch
// (tests/fixtures/losses/pixel.txt), gradients against finite differences,
// on every device the engine has (cpu, simt).
#include <gtest/gtest.h>

#include <cmath>

#include "engine/error.h"
#include "engine/ops.h"
#include "losses/pixel.h"
#include "support/gradcheck.h"
#include "support/text_fixture.h"

using namespace upres;
using upres::testing::gradcheck;

namespace {

Tensor from_doubles(const Shape& s, const std::vector<double>& v) {
  return Tensor::from_vector(s, std::vector<float>(v.begin(), v.end()));
}

// The four losses by plain loops, in double.
double naive(const std::string& name, const std::vector<float>& x, const std::vector<float>& y) {
  double s = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double d = static_cast<double>(x[i]) - y[i], a = std::fabs(d);
    if (name == "l1") s += a;
    else if (name == "mse") s += d * d;
    else if (name == "charbonnier") s += std::sqrt(d * d + 1e-6);
    else s += a < 1.0 ? 0.5 * d * d : a - 0.5;
  }
  return s / static_cast<double>(x.size());
}

Tensor call(const std::string& name, const Tensor& x, const Tensor& y) {
  if (name == "l1") return losses::l1_loss(x, y);
  if (name == "mse") return losses::mse_loss(x, y);
  if (name == "charbonnier") return losses::charbonnier_loss(x, y);
  return losses::smooth_l1_loss(x, y);
}

const char* const kNames[] = {"l1", "mse", "charbonnier", "smoothl1"};

}  // namespace

TEST(PixelLosses, ValuesMatchPlainLoopsAndPyTorch) {
  auto f = upres::testing::load_text_fixture("tests/fixtures/losses/pixel.txt");
  const Shape s = {2, 1, 3, 5};
  for (Device dev : {Device::cpu, Device::simt}) {
    Tensor x = from_doubles(s, upres::testing::record(f, "x")).to(dev).set_requires_grad();
    Tensor y = from_doubles(s, upres::testing::record(f, "y")).to(dev);
    for (const char* n : kNames) {
      x.zero_grad();
      Tensor l = call(n, x, y);
      EXPECT_EQ(l.shape(), Shape{});
      const double torch_value = upres::testing::record(f, n)[0];
      EXPECT_NEAR(l.item(), torch_value, 1e-6 * (1 + std::fabs(torch_value))) << n << " on " << to_string(dev);
      EXPECT_NEAR(l.item(), naive(n, x.to_vector(), y.to_vector()), 1e-6) << n;
      l.backward();
      EXPECT_TRUE(upres::testing::all_close(x.grad().to_vector(),
                                            upres::testing::record(f, std::string(n) + "_grad"), 1e-5, 1e-7))
          << n << " gradient on " << to_string(dev);
    }
  }
}

TEST(PixelLosses, CharbonnierAndSmoothL1GradientsOnOddShapes) {
  Rng rng(7);
  for (Shape s : {Shape{1, 1, 7, 9}, Shape{2, 13, 5, 3}, Shape{2, 1, 5, 3}}) {
    // Differences in [-2, 2]: both branches of smooth L1, and Charbonnier's smooth centre.
    Tensor x = upres::testing::rand_input(s, rng, -1.5f, 1.5f);
    Tensor y = upres::testing::rand_input(s, rng, -0.5f, 0.5f, /*grad=*/true);
    EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return losses::charbonnier_loss(in[0], in[1]); },
                          {x, y}, {1e-3, 1e-4, 1e-2}))
        << to_string(s);
    EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return losses::smooth_l1_loss(in[0], in[1]); },
                          {x, y}, {1e-3, 1e-4, 1e-2}))
        << to_string(s);
  }
}

TEST(PixelLosses, SmoothL1GradientNearTheKink) {
  // |d| just inside and just outside beta = 1 and 0.5, on both signs; the two
  // branches meet with equal slope at |d| = beta, so no kink: the check holds there.
  std::vector<float> d = {0.95f, 0.98f, 1.02f, 1.05f, -0.97f, -1.03f, 0.2f, -0.3f, 0.47f, 0.53f, 1.7f};
  Tensor x = Tensor::from_vector({1, 1, 1, 11}, d).set_requires_grad();
  Tensor y = Tensor::zeros({1, 1, 1, 11});
  for (float beta : {1.0f, 0.5f}) {
    EXPECT_TRUE(gradcheck([beta](const std::vector<Tensor>& in) { return losses::smooth_l1_loss(in[0], in[1], beta); },
                          {x, y}, {1e-3, 1e-4, 1e-2, 64, 1, false}))
        << "beta " << beta;
    // Analytic: d / beta inside, sign(d) outside, over n.
    x.zero_grad();
    losses::smooth_l1_loss(x, y, beta).backward();
    auto g = x.grad().to_vector();
    for (size_t i = 0; i < d.size(); ++i) {
      const double expect = (std::fabs(d[i]) < beta ? d[i] / beta : (d[i] > 0 ? 1.0 : -1.0)) / 11.0;
      EXPECT_NEAR(g[i], expect, 1e-6) << "element " << i << " beta " << beta;
    }
  }
}

TEST(PixelLosses, CharbonnierIsSmoothAtZeroDifference) {
  // L1's gradient jumps at x == y; Charbonnier's is d / sqrt(d^2 + eps^2), 0 there.
  Tensor x = Tensor::from_vector({1, 1, 1, 3}, {0.0f, 1e-3f, -2.0f}).set_requires_grad();
  Tensor y = Tensor::zeros({1, 1, 1, 3});
  losses::charbonnier_loss(x, y).backward();
  auto g = x.grad().to_vector();
  EXPECT_NEAR(g[0], 0.0, 1e-7);
  EXPECT_NEAR(g[1], (1e-3 / std::sqrt(2e-6)) / 3, 1e-5);
  EXPECT_NEAR(g[2], -1.0 / 3, 1e-6);
}

TEST(PixelLosses, ShapeMismatchNamesTheLossAndShapes) {
  Tensor a = Tensor::zeros({1, 3, 4, 4}), b = Tensor::zeros({1, 3, 4, 5});
  for (const char* n : kNames) {
    try {
      call(n, a, b);
      ADD_FAILURE() << n << " accepted different shapes";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("[1, 3, 4, 5]"), std::string::npos) << e.what();
    }
  }
}
