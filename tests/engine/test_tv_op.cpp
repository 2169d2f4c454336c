// Tests of total_variation (engine/ops/tv.h): values and gradients against a naive loop written
// here, gradients against finite differences, and the l1 kink (gradient 0 at equal neighbours).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/error.h"
#include "engine/ops.h"
#include "support/gradcheck.h"

using namespace upres;
using upres::testing::gradcheck;
using upres::testing::rand_input;

namespace {

// TV and its gradient by the definition: visit every difference once, add its term and
// push its derivative onto both pixels.
struct Naive {
  double value = 0;
  std::vector<double> grad;
};
Naive naive_tv(const Tensor& x, int p) {
  const auto v = x.to_vector();
  const int64_t planes = x.size(0) * x.size(1), H = x.size(2), W = x.size(3);
  const double nv = double(planes * (H - 1) * W), nh = double(planes * H * (W - 1));
  Naive r;
  r.grad.assign(v.size(), 0.0);
  auto visit = [&](int64_t a, int64_t b, double count) {  // the difference x[b] - x[a]
    const double d = double(v[b]) - double(v[a]);
    r.value += (p == 1 ? std::fabs(d) : d * d) / count;
    const double slope = p == 1 ? (d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0) : 2 * d;
    r.grad[b] += slope / count;
    r.grad[a] -= slope / count;
  };
  for (int64_t q = 0; q < planes; ++q)
    for (int64_t i = 0; i < H; ++i)
      for (int64_t j = 0; j < W; ++j) {
        const int64_t o = (q * H + i) * W + j;
        if (i + 1 < H) visit(o, o + W, nv);
        if (j + 1 < W) visit(o, o + 1, nh);
      }
  return r;
}

const std::vector<Shape>& shapes() {
  static const std::vector<Shape> s = {{2, 13, 7, 9}, {1, 1, 5, 3}, {2, 1, 1, 9}, {1, 3, 7, 1}, {1, 1, 1, 1}};
  return s;
}

}  // namespace

TEST(TotalVariation, ValueAndGradientMatchNaiveLoop) {
  Rng rng(3);
  for (const Shape& s : shapes())
    for (TvKind kind : {TvKind::l1, TvKind::l2}) {
      const int p = kind == TvKind::l1 ? 1 : 2;
      Tensor x = rand_input(s, rng);
      const Naive want = naive_tv(x, p);
      for (Device dev : {Device::cpu, Device::simt}) {
        Tensor xd = x.to(dev).set_requires_grad();
        Tensor y = total_variation(xd, kind);
        EXPECT_EQ(y.dim(), 0);
        EXPECT_NEAR(y.item(), want.value, 1e-6 * std::fabs(want.value) + 1e-7) << to_string(s) << " p=" << p;
        y.backward(Tensor::scalar(-1.5f).to(dev));
        const auto g = xd.grad().to_vector();
        for (size_t i = 0; i < g.size(); ++i)
          ASSERT_NEAR(g[i], -1.5 * want.grad[i], 1e-6 * std::fabs(want.grad[i]) + 1e-9)
              << to_string(s) << " p=" << p << " element " << i << " on " << to_string(dev);
      }
    }
}

TEST(TotalVariation, GradientL2MatchesFiniteDifferences) {
  Rng rng(4);
  upres::testing::GradCheckOptions o;
  o.atol = 2e-5;  // the scalar's float rounding over 2h
  for (Shape s : {Shape{1, 1, 7, 9}, Shape{2, 1, 5, 3}, Shape{1, 1, 1, 9}, Shape{1, 1, 7, 1}, Shape{2, 3, 5, 3}}) {
    Tensor x = rand_input(s, rng);
    EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return total_variation(in[0], TvKind::l2); }, {x}, o))
        << to_string(s);
  }
}

TEST(TotalVariation, GradientL1MatchesFiniteDifferences) {
  // Distinct values at least 0.05 apart (a shuffled ramp), so steps of 0.01 never cross the
  // kink at equal neighbours: no element is skipped.
  Rng rng(5);
  upres::testing::GradCheckOptions o;
  o.atol = 2e-5;
  o.skip_kinks = false;
  for (Shape s : {Shape{1, 1, 7, 9}, Shape{2, 1, 5, 3}, Shape{1, 1, 1, 9}, Shape{1, 1, 7, 1}, Shape{2, 3, 5, 3}}) {
    const int64_t n = shape_numel(s);
    std::vector<float> v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) v[i] = 0.05f * static_cast<float>(i);
    for (int64_t i = n - 1; i > 0; --i) std::swap(v[i], v[rng.below(static_cast<uint32_t>(i + 1))]);
    Tensor x = Tensor::from_vector(s, v).set_requires_grad();
    EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return total_variation(in[0], TvKind::l1); }, {x}, o))
        << to_string(s);
  }
}

TEST(TotalVariation, L1GradientIsZeroAtEqualNeighbours) {
  // A constant image: TV 0, and every difference sits on the kink, where the gradient is 0.
  Tensor x = Tensor::full({1, 2, 5, 3}, 0.5f).set_requires_grad();
  Tensor y = total_variation(x, TvKind::l1);
  EXPECT_EQ(y.item(), 0.0f);
  y.backward();
  for (float g : x.grad().to_vector()) EXPECT_EQ(g, 0.0f);
}

TEST(TotalVariation, RejectsNonImageInput) {
  EXPECT_THROW(total_variation(Tensor::zeros({3, 7, 9})), Error);
  EXPECT_THROW(total_variation(Tensor::zeros({1, 0, 7, 9})), Error);
}
