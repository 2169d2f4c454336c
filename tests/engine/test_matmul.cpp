// Tests of bmm and gram: values against naive loops written here, gradients
// against finite differences, and shape errors.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/ops.h"
#include "support/gradcheck.h"

using namespace upres;
using upres::testing::gradcheck;
using upres::testing::rand_input;

namespace {

// C[b] = op(A[b]) op(B[b]) by the definition, for 3-D row-major tensors.
std::vector<double> naive_bmm(const Tensor& a, const Tensor& b, bool ta, bool tb) {
  const int64_t B = a.size(0), ar = a.size(1), ac = a.size(2), br = b.size(1), bc = b.size(2);
  const int64_t M = ta ? ac : ar, K = ta ? ar : ac, N = tb ? br : bc;
  auto va = a.to_vector(), vb = b.to_vector();
  std::vector<double> c(static_cast<size_t>(B * M * N), 0.0);
  for (int64_t n = 0; n < B; ++n)
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double s = 0;
        for (int64_t k = 0; k < K; ++k) {
          double x = ta ? va[(n * ar + k) * ac + i] : va[(n * ar + i) * ac + k];
          double y = tb ? vb[(n * br + j) * bc + k] : vb[(n * br + k) * bc + j];
          s += x * y;
        }
        c[(n * M + i) * N + j] = s;
      }
  return c;
}

double max_diff(const Tensor& t, const std::vector<double>& ref) {
  auto v = t.to_vector();
  EXPECT_EQ(v.size(), ref.size());
  double m = 0;
  for (size_t i = 0; i < v.size() && i < ref.size(); ++i) m = std::max(m, std::fabs(v[i] - ref[i]));
  return m;
}

struct MM {
  int64_t batch, M, N, K;
};
const MM kSizes[] = {{2, 7, 9, 5}, {1, 1, 1, 1}, {3, 5, 3, 13}, {2, 13, 1, 7}, {1, 40, 70, 33}};

}  // namespace

TEST(Bmm, ForwardAllTransposesMatchNaive) {
  Rng rng(31);
  for (const MM& s : kSizes)
    for (int t = 0; t < 4; ++t) {
      const bool ta = t & 1, tb = t & 2;
      Tensor a = Tensor::uniform(ta ? Shape{s.batch, s.K, s.M} : Shape{s.batch, s.M, s.K}, -1, 1, rng);
      Tensor b = Tensor::uniform(tb ? Shape{s.batch, s.N, s.K} : Shape{s.batch, s.K, s.N}, -1, 1, rng);
      Tensor c = bmm(a, b, ta, tb);
      ASSERT_EQ(c.shape(), (Shape{s.batch, s.M, s.N}));
      EXPECT_LT(max_diff(c, naive_bmm(a, b, ta, tb)), 1e-5) << "ta " << ta << " tb " << tb << " M " << s.M;
    }
}

TEST(Bmm, TwoDimensionalOperandsGiveTwoDimensionalResult) {
  Rng rng(32);
  Tensor a = Tensor::uniform({5, 3}, -1, 1, rng), b = Tensor::uniform({7, 3}, -1, 1, rng);
  Tensor c = bmm(a, b, false, true);
  ASSERT_EQ(c.shape(), (Shape{5, 7}));
  EXPECT_LT(max_diff(c, naive_bmm(a.reshape({1, 5, 3}), b.reshape({1, 7, 3}), false, true)), 1e-5);
}

TEST(Bmm, GradientAllTransposes) {
  Rng rng(33);
  for (const MM& s : {MM{2, 7, 9, 5}, MM{1, 1, 1, 1}, MM{2, 3, 13, 4}})
    for (int t = 0; t < 4; ++t) {
      const bool ta = t & 1, tb = t & 2;
      Tensor a = rand_input(ta ? Shape{s.batch, s.K, s.M} : Shape{s.batch, s.M, s.K}, rng);
      Tensor b = rand_input(tb ? Shape{s.batch, s.N, s.K} : Shape{s.batch, s.K, s.N}, rng);
      EXPECT_TRUE(gradcheck([ta, tb](const std::vector<Tensor>& v) { return bmm(v[0], v[1], ta, tb); },
                            {a, b}))
          << "ta " << ta << " tb " << tb << " M " << s.M << " N " << s.N << " K " << s.K;
    }
  // 2-D
  Tensor a = rand_input({4, 6}, rng), b = rand_input({4, 3}, rng);
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& v) { return bmm(v[0], v[1], true, false); }, {a, b}));
}

TEST(Bmm, ShapeErrorsNameShapes) {
  auto msg = [](auto f) {
    try {
      f();
    } catch (const upres::Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  std::string m = msg([] { bmm(Tensor::zeros({2, 3, 4}), Tensor::zeros({2, 5, 6})); });
  EXPECT_NE(m.find("[2, 3, 4]"), std::string::npos) << m;
  EXPECT_NE(m.find("[2, 5, 6]"), std::string::npos) << m;
  m = msg([] { bmm(Tensor::zeros({2, 3, 4}), Tensor::zeros({3, 4, 6})); });
  EXPECT_NE(m.find("batch"), std::string::npos) << m;
  m = msg([] { bmm(Tensor::zeros({3, 4}), Tensor::zeros({1, 4, 6})); });
  EXPECT_NE(m.find("both"), std::string::npos) << m;
}

TEST(Gram, ForwardMatchesNaive) {
  Rng rng(34);
  for (Shape s : {Shape{2, 13, 7, 9}, Shape{1, 1, 5, 3}, Shape{2, 3, 1, 1}}) {
    Tensor x = Tensor::uniform(s, -1, 1, rng);
    Tensor g = gram(x);
    const int64_t N = s[0], C = s[1], HW = s[2] * s[3];
    ASSERT_EQ(g.shape(), (Shape{N, C, C}));
    auto v = x.to_vector();
    std::vector<double> ref(static_cast<size_t>(N * C * C));
    for (int64_t n = 0; n < N; ++n)
      for (int64_t i = 0; i < C; ++i)
        for (int64_t j = 0; j < C; ++j) {
          double sum = 0;
          for (int64_t p = 0; p < HW; ++p) sum += double(v[(n * C + i) * HW + p]) * v[(n * C + j) * HW + p];
          ref[(n * C + i) * C + j] = sum / double(C * HW);
        }
    EXPECT_LT(max_diff(g, ref), 1e-6) << to_string(s);
  }
}

TEST(Gram, GradientMatchesFiniteDifferences) {
  Rng rng(35);
  for (Shape s : {Shape{2, 5, 7, 9}, Shape{1, 1, 5, 3}, Shape{2, 13, 3, 2}}) {
    Tensor x = rand_input(s, rng);
    upres::testing::GradCheckOptions opt;
    opt.atol = 1e-4;  // gram values are O(1/(C*H*W)): a tighter absolute tolerance
    EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& v) { return gram(v[0]); }, {x}, opt)) << to_string(s);
  }
}

TEST(Gram, RejectsNonImageInput) {
  EXPECT_THROW(gram(Tensor::zeros({3, 4, 5})), upres::Error);
}
