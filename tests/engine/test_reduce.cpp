// Tests of sum/mean (all elements, chosen dims, keepdim) and of the l1/mse
// losses: values against double-precision plain loops, shapes, errors, and
// finite-difference gradients (l1's kink at a == b handled as PyTorch: 0).
#include <gtest/gtest.h>

#include <cmath>

#include "engine/dispatch.h"
#include "engine/error.h"
#include "engine/ops.h"
#include "support/gradcheck.h"

using namespace upres;
using upres::testing::gradcheck;
using upres::testing::GradCheckOptions;
using upres::testing::rand_input;

namespace {

// Naive sum over the flagged dims, in double, output in kept-dim order.
std::vector<double> naive_sum(const Tensor& x, const std::vector<bool>& red) {
  const Shape& s = x.shape();
  Shape out;
  for (size_t d = 0; d < s.size(); ++d)
    if (!red[d]) out.push_back(s[d]);
  std::vector<double> y(static_cast<size_t>(shape_numel(out)), 0.0);
  auto v = x.to_vector();
  for (int64_t i = 0; i < x.numel(); ++i) {
    int64_t rem = i, off = 0, m = 1;
    for (size_t d = s.size(); d-- > 0;) {
      int64_t id = rem % s[d];
      rem /= s[d];
      if (!red[d]) {
        off += id * m;
        m *= s[d];
      }
    }
    y[static_cast<size_t>(off)] += v[static_cast<size_t>(i)];
  }
  return y;
}

void expect_close(const Tensor& y, const std::vector<double>& ref, double scale, const std::string& what) {
  auto v = y.to_vector();
  ASSERT_EQ(v.size(), ref.size()) << what;
  for (size_t i = 0; i < v.size(); ++i)
    EXPECT_NEAR(v[i], ref[i] * scale, 1e-6 * (1.0 + std::fabs(ref[i] * scale))) << what << " at " << i;
}

struct DimsCase {
  Shape shape;
  std::vector<int64_t> dims;
};

// Small odd shapes, every kind of dim pattern (K/R alternations), negative dims;
// and large ones that take the pieces / groups / threads paths of the kernel.
const std::vector<DimsCase>& dims_table() {
  static const std::vector<DimsCase> t = {
      {{2, 3, 7, 9}, {0}},         {{2, 3, 7, 9}, {1}},         {{2, 3, 7, 9}, {2, 3}},
      {{2, 3, 7, 9}, {0, 2, 3}},   {{2, 13, 5, 3}, {-1}},       {{2, 13, 5, 3}, {0, -2}},
      {{2, 1, 7, 9}, {1}},         {{2, 3, 7, 9}, {0, 1, 2, 3}}, {{2, 3, 7, 9}, {3, 0}},
      {{7, 9}, {0}},               {{13}, {0}},                 {{2, 3, 7, 9}, {1, 3}},
      {{3, 20000}, {1}},           {{2, 3, 10000}, {0, 2}},     {{700, 5, 7}, {0}},
      {{600, 3, 2}, {0, 2}},       {{4, 5, 100, 100}, {0, 1, 2, 3}}, {{4, 64, 40, 40}, {0, 2, 3}},
  };
  return t;
}

std::vector<bool> mask_of(const Shape& s, const std::vector<int64_t>& dims) {
  std::vector<bool> m(s.size(), false);
  for (int64_t d : dims) m[static_cast<size_t>(d < 0 ? d + static_cast<int64_t>(s.size()) : d)] = true;
  return m;
}

}  // namespace

TEST(Sum, AllElementsMatchesDoubleLoop) {
  Rng rng(1);
  set_cpu_threads(3);
  for (Shape s : {Shape{1, 1, 7, 9}, Shape{2, 13, 5, 3}, Shape{4, 8, 100, 90}, Shape{}}) {
    Tensor x = Tensor::uniform(s, -1.f, 1.f, rng);
    double ref = 0;
    for (float v : x.to_vector()) ref += v;
    Tensor y = sum(x), m = mean(x);
    EXPECT_EQ(y.shape(), Shape{});
    EXPECT_NEAR(y.item(), ref, 1e-6 * (1 + std::fabs(ref))) << to_string(s);
    EXPECT_NEAR(m.item(), ref / x.numel(), 1e-6) << to_string(s);
  }
  set_cpu_threads(0);
}

TEST(Sum, OverDimsWithAndWithoutKeepdim) {
  Rng rng(2);
  set_cpu_threads(3);
  for (const auto& c : dims_table()) {
    Tensor x = Tensor::uniform(c.shape, -1.f, 1.f, rng);
    auto red = mask_of(c.shape, c.dims);
    auto ref = naive_sum(x, red);
    int64_t count = 1;
    Shape keep = c.shape, drop;
    for (size_t d = 0; d < red.size(); ++d) {
      if (red[d]) count *= c.shape[d], keep[d] = 1;
      else drop.push_back(c.shape[d]);
    }
    const std::string what = to_string(c.shape) + " dims " + std::to_string(c.dims.size());
    Tensor s0 = sum(x, c.dims), s1 = sum(x, c.dims, true), m0 = mean(x, c.dims), m1 = mean(x, c.dims, true);
    EXPECT_EQ(s0.shape(), drop) << what;
    EXPECT_EQ(s1.shape(), keep) << what;
    EXPECT_EQ(m1.shape(), keep) << what;
    expect_close(s0, ref, 1.0, what);
    expect_close(s1, ref, 1.0, what);
    expect_close(m0, ref, 1.0 / count, what);
    expect_close(m1, ref, 1.0 / count, what);
  }
  set_cpu_threads(0);
}

// The kernel splits work in fixed pieces, so the result is the same bit for bit
// whatever the thread count.
TEST(Sum, SameBitsForAnyThreadCount) {
  Rng rng(3);
  Tensor x = Tensor::uniform({4, 64, 40, 40}, -1.f, 1.f, rng);
  set_cpu_threads(1);
  auto a = sum(x, {0, 2, 3}).to_vector(), b = sum(x).to_vector(), c = sum(x, {0}).to_vector();
  set_cpu_threads(3);
  EXPECT_EQ(sum(x, {0, 2, 3}).to_vector(), a);
  EXPECT_EQ(sum(x).to_vector(), b);
  EXPECT_EQ(sum(x, {0}).to_vector(), c);
  set_cpu_threads(0);
}

TEST(Sum, EmptyInputsGiveZeroSumAndNanMean) {
  Tensor x = Tensor::zeros({2, 0, 3});
  EXPECT_EQ(sum(x).item(), 0.f);
  EXPECT_TRUE(std::isnan(mean(x).item()));
  Tensor s = sum(x, {1});
  EXPECT_EQ(s.shape(), (Shape{2, 3}));
  EXPECT_EQ(s.to_vector(), std::vector<float>(6, 0.f));
  EXPECT_EQ(sum(x, {0}).shape(), (Shape{0, 3}));
}

TEST(Sum, BadDimsThrow) {
  Tensor x = Tensor::zeros({2, 3, 7, 9});
  EXPECT_THROW(sum(x, {4}), Error);
  EXPECT_THROW(sum(x, {-5}), Error);
  EXPECT_THROW(mean(x, {1, -3}), Error);  // the same dim twice
}

TEST(Sum, GradientAllAndDims) {
  Rng rng(4);
  for (Shape s : {Shape{1, 1, 7, 9}, Shape{2, 13, 5, 3}}) {
    Tensor x = rand_input(s, rng);
    EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return sum(in[0]); }, {x}));
    EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return mean(in[0]); }, {x}));
    for (std::vector<int64_t> dims : {std::vector<int64_t>{0}, {1}, {0, 2, 3}, {-1}, {1, 2}}) {
      for (bool keep : {false, true}) {
        EXPECT_TRUE(gradcheck([=](const std::vector<Tensor>& in) { return sum(in[0], dims, keep); }, {x}))
            << to_string(s) << " keepdim " << keep;
        EXPECT_TRUE(gradcheck([=](const std::vector<Tensor>& in) { return mean(in[0], dims, keep); }, {x}))
            << to_string(s) << " keepdim " << keep;
      }
    }
  }
}

// ---- losses -------------------------------------------------------------------------

TEST(L1Loss, ValuesBothReductions) {
  Rng rng(5);
  set_cpu_threads(3);
  for (Shape s : {Shape{1, 1, 7, 9}, Shape{2, 13, 5, 3}, Shape{2, 3, 100, 90}}) {
    Tensor a = Tensor::uniform(s, -1.f, 1.f, rng), b = Tensor::uniform(s, -1.f, 1.f, rng);
    auto av = a.to_vector(), bv = b.to_vector();
    double l1 = 0, l2 = 0;
    for (size_t i = 0; i < av.size(); ++i) {
      double d = static_cast<double>(av[i]) - bv[i];
      l1 += std::fabs(d);
      l2 += d * d;
    }
    const double n = static_cast<double>(a.numel());
    EXPECT_NEAR(l1_loss(a, b).item(), l1 / n, 1e-6);
    EXPECT_NEAR(l1_loss(a, b, Reduction::sum).item(), l1, 1e-6 * l1);
    EXPECT_NEAR(mse_loss(a, b).item(), l2 / n, 1e-6);
    EXPECT_NEAR(mse_loss(a, b, Reduction::sum).item(), l2, 1e-6 * l2);
    EXPECT_EQ(l1_loss(a, b).shape(), Shape{});
  }
  set_cpu_threads(0);
}

TEST(L1Loss, ShapeMismatchThrowsNamingShapes) {
  try {
    l1_loss(Tensor::zeros({1, 3, 7, 9}), Tensor::zeros({1, 3, 9, 7}));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("l1_loss"), std::string::npos) << m;
    EXPECT_NE(m.find("[1, 3, 7, 9]"), std::string::npos) << m;
    EXPECT_NE(m.find("[1, 3, 9, 7]"), std::string::npos) << m;
  }
  EXPECT_THROW(mse_loss(Tensor::zeros({3}), Tensor::zeros({1, 3})), Error);
}

TEST(L1Loss, GradientBothReductionsBothInputs) {
  Rng rng(6);
  for (Shape s : {Shape{1, 1, 7, 9}, Shape{2, 13, 5, 3}}) {
    for (Reduction r : {Reduction::mean, Reduction::sum}) {
      Tensor a = rand_input(s, rng), b = rand_input(s, rng);
      GradCheckOptions o;
      o.h = 1e-3;  // smaller step: fewer probes straddle a == b
      EXPECT_TRUE(gradcheck([r](const std::vector<Tensor>& in) { return l1_loss(in[0], in[1], r); }, {a, b}, o));
    }
  }
}

// torch.sign(0) = 0: where a == b exactly, both gradients are 0.
TEST(L1Loss, GradientIsZeroWhereEqual) {
  Tensor a = Tensor::from_vector({4}, {1.f, 2.f, 3.f, 4.f}).set_requires_grad();
  Tensor b = Tensor::from_vector({4}, {0.f, 2.f, 5.f, 4.f}).set_requires_grad();
  l1_loss(a, b, Reduction::sum).backward();
  EXPECT_EQ(a.grad().to_vector(), (std::vector<float>{1.f, 0.f, -1.f, 0.f}));
  EXPECT_EQ(b.grad().to_vector(), (std::vector<float>{-1.f, 0.f, 1.f, 0.f}));
  a.zero_grad();
  l1_loss(a, b.detach()).backward();
  EXPECT_EQ(a.grad().to_vector(), (std::vector<float>{0.25f, 0.f, -0.25f, 0.f}));
}

TEST(MseLoss, GradientBothReductionsBothInputs) {
  Rng rng(7);
  for (Shape s : {Shape{1, 1, 7, 9}, Shape{2, 13, 5, 3}}) {
    for (Reduction r : {Reduction::mean, Reduction::sum}) {
      Tensor a = rand_input(s, rng), b = rand_input(s, rng);
      EXPECT_TRUE(gradcheck([r](const std::vector<Tensor>& in) { return mse_loss(in[0], in[1], r); }, {a, b}));
      Tensor c = rand_input(s, rng, -1.f, 1.f, false);  // target without grad
      EXPECT_TRUE(gradcheck([r](const std::vector<Tensor>& in) { return mse_loss(in[0], in[1], r); }, {a, c}));
    }
  }
}
