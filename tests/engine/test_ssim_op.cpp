// Tests of the ssim op (engine/ops/ssim.h): values against metrics::ssim_plane on the same
// planes and against a PyTorch fixture (tests/fixtures/ssim_loss/, value and gradient); the
// float64 gradient kernel against central differences of the float64 mean SSIM; the op's
// gradient against finite differences (tests/support/gradcheck.h); error messages.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/dispatch.h"
#include "engine/error.h"
#include "engine/ops.h"
#include "kernels/cpu/ssim.h"
#include "metrics/ssim.h"
#include "support/gradcheck.h"

using namespace upres;
using upres::testing::gradcheck;

namespace {

// x in [0.2, 0.8) requiring grad, and a target y = x + noise (so SSIM is neither ~0 nor 1).
struct Pair {
  Tensor x, y;
};
Pair noisy_pair(const Shape& s, uint64_t seed) {
  Rng rng(seed);
  Tensor x = Tensor::uniform(s, 0.2f, 0.8f, rng);
  Tensor noise = Tensor::uniform(s, -0.15f, 0.15f, rng);
  Tensor y = add(x, noise);
  x.set_requires_grad();
  return {x, y};
}

// Mean over planes of metrics::ssim_plane (data range 1), the protocol's float64 SSIM.
double metrics_mean_ssim(const Tensor& x, const Tensor& y) {
  const auto xv = x.to_vector(), yv = y.to_vector();
  const int64_t planes = x.size(0) * x.size(1), h = x.size(2), w = x.size(3);
  metrics::SsimOptions o;
  o.data_range = 1.0;
  double sum = 0;
  for (int64_t p = 0; p < planes; ++p) {
    std::vector<double> a(xv.begin() + p * h * w, xv.begin() + (p + 1) * h * w);
    std::vector<double> b(yv.begin() + p * h * w, yv.begin() + (p + 1) * h * w);
    sum += metrics::ssim_plane(a.data(), b.data(), static_cast<int>(w), static_cast<int>(h), o).ssim;
  }
  return sum / static_cast<double>(planes);
}

}  // namespace

TEST(SsimOp, MatchesMetricsSsimOnEachPlane) {
  for (Shape s : {Shape{1, 1, 11, 11}, Shape{2, 3, 13, 17}, Shape{1, 2, 29, 23}, Shape{2, 1, 12, 30}}) {
    Pair p = noisy_pair(s, 7);
    const double want = metrics_mean_ssim(p.x, p.y);
    EXPECT_NEAR(ssim(p.x, p.y).item(), want, 1e-6) << to_string(s);
    EXPECT_NEAR(ssim(p.x, p.y).to(Device::cpu).item(), ssim(p.x.to(Device::simt), p.y.to(Device::simt)).item(), 1e-6)
        << to_string(s) << " on simt";
  }
}

TEST(SsimOp, IdenticalImagesGiveOneAndZeroGradient) {
  Pair p = noisy_pair({2, 3, 12, 13}, 8);
  Tensor t = p.x.detach();
  Tensor s = ssim(p.x, t);
  EXPECT_NEAR(s.item(), 1.0, 1e-6);
  s.backward();
  double m = 0;
  for (float g : p.x.grad().to_vector()) m = std::max(m, std::fabs(double(g)));
  EXPECT_LT(m, 1e-6) << "SSIM has its maximum at x == y";
}

TEST(SsimOp, MatchesPytorchFixtureValueAndGradient) {
  std::ifstream in(std::string(UPRES_SOURCE_DIR) + "/tests/fixtures/ssim_loss/ssim_loss.txt");
  ASSERT_TRUE(in) << "missing tests/fixtures/ssim_loss/ssim_loss.txt";
  Shape shape;
  std::vector<float> x, y;
  std::vector<double> dx;
  double want = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string key;
    ls >> key;
    if (key == "shape") {
      shape.assign(4, 0);
      ls >> shape[0] >> shape[1] >> shape[2] >> shape[3];
    } else if (key == "x" || key == "y") {
      for (float v; ls >> v;) (key == "x" ? x : y).push_back(v);
    } else if (key == "ssim") {
      ls >> want;
    } else if (key == "dx") {
      for (double v; ls >> v;) dx.push_back(v);
    }
  }
  ASSERT_EQ(shape.size(), 4u);
  ASSERT_EQ(static_cast<int64_t>(x.size()), shape_numel(shape));
  ASSERT_EQ(y.size(), x.size());
  ASSERT_EQ(dx.size(), x.size());
  double dmax = 0;
  for (double v : dx) dmax = std::max(dmax, std::fabs(v));
  for (Device dev : {Device::cpu, Device::simt}) {
    Tensor tx = Tensor::from_vector(shape, x, dev).set_requires_grad();
    Tensor ty = Tensor::from_vector(shape, y, dev);
    Tensor s = ssim(tx, ty);
    EXPECT_NEAR(s.item(), want, 1e-6) << to_string(dev);
    s.backward();
    const auto g = tx.grad().to_vector();
    for (size_t i = 0; i < g.size(); ++i)
      ASSERT_NEAR(g[i], dx[i], 1e-6 * std::fabs(dx[i]) + 1e-7 * dmax) << "dx element " << i << " on " << to_string(dev);
  }
}

// The float64 gradient kernel (cpu::ssim_backward) against central differences of the
// float64 mean SSIM (cpu::local_moments + cpu::ssim_map), every element, several shapes and
// window sizes; step 1e-5 on values in [0, 1] keeps both truncation (~h^2) and rounding
// (~1e-16 / h) near 1e-10.
TEST(SsimOp, KernelGradientMatchesFloat64FiniteDifferences) {
  struct Case {
    int64_t planes, height, width, taps;
  };
  const kern::Context& ctx = kernel_context(Device::cpu);
  for (const Case c : {Case{1, 11, 11, 11}, Case{2, 13, 12, 11}, Case{3, 12, 17, 11}, Case{2, 9, 8, 7}, Case{1, 5, 3, 3}}) {
    kern::WindowShape s;
    s.planes = c.planes;
    s.height = c.height;
    s.width = c.width;
    s.taps = c.taps;
    const int64_t n = c.planes * c.height * c.width, m = c.planes * s.out_plane();
    std::vector<double> g(static_cast<size_t>(c.taps)), x(n), y(n);
    cpu::gaussian_taps(c.taps, 1.5, g.data());
    Rng rng(static_cast<uint64_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      x[i] = rng.uniform(0.0f, 1.0f);
      y[i] = x[i] + rng.uniform(-0.2f, 0.2f);
    }
    const double c1 = 1e-4, c2 = 9e-4;
    auto mean_ssim = [&](const std::vector<double>& xx) {
      std::vector<double> mo(6 * m);
      double *mx = mo.data(), *my = mx + m, *vx = my + m, *vy = vx + m, *cv = vy + m, *map = cv + m;
      cpu::local_moments(ctx, s, g.data(), xx.data(), y.data(), mx, my, vx, vy, cv);
      cpu::ssim_map(ctx, m, c1, c2, mx, my, vx, vy, cv, map, nullptr);
      double sum = 0;
      for (int64_t i = 0; i < m; ++i) sum += map[i];
      return sum / static_cast<double>(m);
    };
    std::vector<double> dx(n), work(3 * m);
    cpu::ssim_backward(ctx, s, g.data(), c1, c2, x.data(), y.data(), work.data(), dx.data());
    const double h = 1e-5;
    for (int64_t i = 0; i < n; ++i) {
      std::vector<double> xp = x, xm = x;
      xp[i] += h;
      xm[i] -= h;
      const double numeric = (mean_ssim(xp) - mean_ssim(xm)) / (2 * h);
      ASSERT_NEAR(dx[i], numeric, 1e-7 * std::fabs(numeric) + 1e-9)
          << "element " << i << " of " << c.planes << "x" << c.height << "x" << c.width << ", taps " << c.taps;
    }
  }
}

// Through the op (float32 in and out): finite differences of step 1e-2 on inputs in [0.2, 0.8).
TEST(SsimOp, GradientMatchesFiniteDifferences) {
  upres::testing::GradCheckOptions o;
  o.atol = 2e-5;  // the float32 output's rounding over 2h is ~3e-6
  o.rtol = 2e-2;
  for (Shape s : {Shape{1, 1, 11, 11}, Shape{2, 1, 13, 12}, Shape{1, 13, 11, 12}, Shape{2, 3, 12, 11}}) {
    Pair p = noisy_pair(s, 9);
    Tensor y = p.y;
    EXPECT_TRUE(gradcheck([y](const std::vector<Tensor>& in) { return ssim(in[0], y); }, {p.x}, o)) << to_string(s);
  }
}

TEST(SsimOp, DataRangeScalesTheConstants) {
  // ssim(255 x, 255 y, 255) == ssim(x, y, 1): C1, C2 scale with L^2 as the moments do.
  Pair p = noisy_pair({1, 2, 13, 14}, 10);
  EXPECT_NEAR(ssim(mul(p.x.detach(), 255.f), mul(p.y, 255.f), 255.0).item(), ssim(p.x.detach(), p.y).item(), 1e-5);
}

TEST(SsimOp, RejectsSmallImagesTargetWithGradAndBadShapes) {
  auto message = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  Tensor small = Tensor::zeros({1, 1, 10, 12});
  EXPECT_NE(message([&] { ssim(small, small); }).find("10x12"), std::string::npos);
  Tensor a = Tensor::zeros({1, 1, 11, 11}), b = Tensor::zeros({1, 1, 11, 11}).set_requires_grad();
  EXPECT_NE(message([&] { ssim(a, b); }).find("only x gets a gradient"), std::string::npos);
  {
    NoGradGuard ng;  // without grad mode a y that requires grad is just data
    EXPECT_NO_THROW(ssim(a, b));
  }
  EXPECT_NE(message([&] { ssim(a, Tensor::zeros({1, 1, 11, 12})); }).find("[1, 1, 11, 12]"), std::string::npos);
  EXPECT_NE(message([&] { ssim(Tensor::zeros({11, 11}), Tensor::zeros({11, 11})); }).find("[N, C, H, W]"),
            std::string::npos);
}
