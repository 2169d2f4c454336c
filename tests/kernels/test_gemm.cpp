// Tests of cpu::gemm against cpu::gemm_reference (a plain triple loop in double):
// every transpose combination, odd sizes, leading dimensions wider than the rows,
// alpha/beta, and thread counts that make gemm split C into bands.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kernels/cpu/gemm.h"

namespace {

using upres::kern::Context;

struct GemmCase {
  int64_t M, N, K;
};

std::vector<float> random_vector(size_t n, std::mt19937& gen) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(gen);
  return v;
}

// Runs gemm and gemm_reference on the same random operands (stored with padded
// leading dimensions) and returns the largest error relative to K (the size of
// each dot product, which bounds its rounding error).
double gemm_error(const GemmCase& c, bool ta, bool tb, float alpha, float beta, int threads,
                  std::mt19937& gen) {
  const int64_t pad = 3;
  const int64_t a_rows = ta ? c.K : c.M, a_cols = ta ? c.M : c.K;
  const int64_t b_rows = tb ? c.N : c.K, b_cols = tb ? c.K : c.N;
  const int64_t lda = a_cols + pad, ldb = b_cols + pad, ldc = c.N + pad;
  auto A = random_vector(static_cast<size_t>(a_rows * lda), gen);
  auto B = random_vector(static_cast<size_t>(b_rows * ldb), gen);
  auto C0 = random_vector(static_cast<size_t>(c.M * ldc), gen);
  if (beta == 0.0f)  // beta = 0 must overwrite C without reading it, as BLAS does
    for (float& v : C0) v = std::numeric_limits<float>::quiet_NaN();
  auto C_fast = C0, C_ref = C0;
  Context ctx;
  ctx.threads = threads;
  upres::cpu::gemm(ctx, ta, tb, c.M, c.N, c.K, alpha, A.data(), lda, B.data(), ldb, beta,
                   C_fast.data(), ldc);
  upres::cpu::gemm_reference(ctx, ta, tb, c.M, c.N, c.K, alpha, A.data(), lda, B.data(), ldb,
                             beta, C_ref.data(), ldc);
  double worst = 0.0;
  for (int64_t i = 0; i < c.M; ++i) {
    for (int64_t j = 0; j < ldc; ++j) {
      const size_t k = static_cast<size_t>(i * ldc + j);
      if (j >= c.N) {  // the padding between rows must stay untouched
        if (!(C_fast[k] == C0[k] || (std::isnan(C0[k]) && std::isnan(C_fast[k])))) return 1e30;
        continue;
      }
      double e = std::fabs(double(C_fast[k]) - C_ref[k]);
      if (std::isnan(C_fast[k])) return 1e30;
      worst = std::max(worst, e / std::max<int64_t>(c.K, 1));
    }
  }
  return worst;
}

const std::vector<GemmCase> kCases = {
    {1, 1, 1}, {7, 9, 5}, {5, 3, 13}, {13, 1, 17}, {1, 13, 7}, {33, 65, 40}, {17, 29, 0},
    // big enough for gemm to split C into bands (>= 2 MFLOP and >= 64 rows/columns)
    {130, 70, 150}, {64, 300, 72}, {200, 90, 100},
};

}  // namespace

TEST(Gemm, MatchesReferenceAllTransposesOddSizes) {
  std::mt19937 gen(7);
  for (const GemmCase& c : kCases)
    for (int t = 0; t < 4; ++t) {
      bool ta = t & 1, tb = t & 2;
      double err = gemm_error(c, ta, tb, 1.0f, 0.0f, 1, gen);
      EXPECT_LT(err, 1e-6) << "M=" << c.M << " N=" << c.N << " K=" << c.K << " ta=" << ta
                           << " tb=" << tb;
    }
}

TEST(Gemm, AlphaBetaAccumulate) {
  std::mt19937 gen(8);
  for (const GemmCase& c : kCases)
    for (int t = 0; t < 4; ++t)
      for (auto [alpha, beta] : {std::pair{0.5f, 1.0f}, std::pair{-2.0f, 0.25f}}) {
        bool ta = t & 1, tb = t & 2;
        double err = gemm_error(c, ta, tb, alpha, beta, 1, gen);
        EXPECT_LT(err, 2e-6) << "M=" << c.M << " N=" << c.N << " K=" << c.K << " ta=" << ta
                             << " tb=" << tb << " alpha=" << alpha << " beta=" << beta;
      }
}

TEST(Gemm, ThreadedBandsMatchReference) {
  std::mt19937 gen(9);
  for (int threads : {2, 3})
    for (const GemmCase& c : kCases)
      for (int t = 0; t < 4; ++t) {
        bool ta = t & 1, tb = t & 2;
        double err = gemm_error(c, ta, tb, 1.5f, 0.5f, threads, gen);
        EXPECT_LT(err, 2e-6) << "threads=" << threads << " M=" << c.M << " N=" << c.N
                             << " K=" << c.K << " ta=" << ta << " tb=" << tb;
      }
}
