// The cuBLAS shim of the simt backend (kernels/simt/cublas.h) against cpu::gemm_reference:
// column-major arguments as the engine will pass them to cuBLAS, every transpose pair, odd
// sizes, padded leading dimensions, strided batches, and cuBLAS's INVALID_VALUE checks.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernels/context.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cuda/blas.h"  // under the host compiler: the shim, in namespace upres::simt

namespace {

using namespace upres::simt;

std::vector<float> random_matrix(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = d(gen);
  return v;
}

// The naive column-major reference, written from the cuBLAS definition:
// C(i, j) = alpha * sum_p opA(i, p) * opB(p, j) + beta * C(i, j), X(i, j) = X[i + j * ld].
void reference(bool ta, bool tb, int m, int n, int k, float alpha, const float* A, int lda,
               const float* B, int ldb, float beta, float* C, int ldc) {
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) {
      double acc = 0.0;
      for (int p = 0; p < k; ++p) {
        const float a = ta ? A[p + i * lda] : A[i + p * lda];
        const float b = tb ? B[j + p * ldb] : B[p + j * ldb];
        acc += double(a) * b;
      }
      float& c = C[i + j * ldc];
      c = static_cast<float>(alpha * acc + (beta == 0.0f ? 0.0 : double(beta) * c));
    }
}

struct GemmCase {
  int m, n, k, pad;  // pad: extra rows in each leading dimension
  float alpha, beta;
};

const std::vector<GemmCase>& cases() {
  static const std::vector<GemmCase> c = {
      {7, 9, 13, 0, 1.0f, 0.0f}, {5, 3, 1, 2, -0.5f, 1.0f}, {1, 13, 7, 0, 2.0f, 0.25f},
      {13, 1, 9, 3, 1.0f, 1.0f}, {33, 17, 65, 1, 0.75f, 0.0f}, {4, 6, 0, 0, 1.0f, 0.5f}};
  return c;
}

class CublasShim : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(cublasCreate(&handle_), CUBLAS_STATUS_SUCCESS); }
  void TearDown() override { EXPECT_EQ(cublasDestroy(handle_), CUBLAS_STATUS_SUCCESS); }
  cublasHandle_t handle_ = nullptr;
};

TEST_F(CublasShim, SgemmMatchesColumnMajorReferenceForAllTransposes) {
  for (const GemmCase& g : cases())
    for (bool ta : {false, true})
      for (bool tb : {false, true}) {
        const int rows_a = ta ? g.k : g.m, cols_a = ta ? g.m : g.k;
        const int rows_b = tb ? g.n : g.k, cols_b = tb ? g.k : g.n;
        const int lda = std::max(1, rows_a + g.pad), ldb = std::max(1, rows_b + g.pad), ldc = g.m + g.pad;
        const auto A = random_matrix(size_t(lda) * std::max(cols_a, 1), 1);
        const auto B = random_matrix(size_t(ldb) * std::max(cols_b, 1), 2);
        auto C = random_matrix(size_t(ldc) * g.n, 3);
        auto want = C;
        reference(ta, tb, g.m, g.n, g.k, g.alpha, A.data(), lda, B.data(), ldb, g.beta, want.data(), ldc);
        ASSERT_EQ(cublasSgemm(handle_, ta ? CUBLAS_OP_T : CUBLAS_OP_N, tb ? CUBLAS_OP_T : CUBLAS_OP_N,
                              g.m, g.n, g.k, &g.alpha, A.data(), lda, B.data(), ldb, &g.beta, C.data(), ldc),
                  CUBLAS_STATUS_SUCCESS);
        const std::string what = "m=" + std::to_string(g.m) + " n=" + std::to_string(g.n) +
                                 " k=" + std::to_string(g.k) + " ta=" + std::to_string(ta) +
                                 " tb=" + std::to_string(tb) + " pad=" + std::to_string(g.pad);
        for (size_t i = 0; i < C.size(); ++i)
          ASSERT_NEAR(C[i], want[i], 1e-5f * (1.0f + std::fabs(want[i]))) << what << " element " << i;
      }
}

// The shim must give what the engine's row-major cpu::gemm gives for the same product: a
// row-major C = A B (M x N) is the column-major C^T = B^T A^T, i.e. cublasSgemm with the
// operands swapped - the standard way to call cuBLAS from row-major code.
TEST_F(CublasShim, RowMajorCallerConventionMatchesCpuGemm) {
  const int M = 7, N = 9, K = 13;
  upres::kern::Context ctx;
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      const int lda = (ta ? M : K) + 1, ldb = (tb ? K : N) + 2, ldc = N + 3;
      const auto A = random_matrix(size_t(lda) * (ta ? K : M), 4);
      const auto B = random_matrix(size_t(ldb) * (tb ? N : K), 5);
      std::vector<float> want(size_t(ldc) * M, 0.0f), got = want;
      upres::cpu::gemm_reference(ctx, ta, tb, M, N, K, 1.0f, A.data(), lda, B.data(), ldb, 0.0f,
                                 want.data(), ldc);
      const float one = 1.0f, zero = 0.0f;
      ASSERT_EQ(cublasSgemm(handle_, tb ? CUBLAS_OP_T : CUBLAS_OP_N, ta ? CUBLAS_OP_T : CUBLAS_OP_N, N, M,
                            K, &one, B.data(), ldb, A.data(), lda, &zero, got.data(), ldc),
                CUBLAS_STATUS_SUCCESS);
      for (size_t i = 0; i < got.size(); ++i)
        ASSERT_NEAR(got[i], want[i], 1e-5f) << "ta=" << ta << " tb=" << tb << " element " << i;
    }
}

TEST_F(CublasShim, SgemmStridedBatchedMatchesPerBatchReference) {
  const int m = 5, n = 3, k = 7, batch = 3, lda = 6, ldb = 8, ldc = 5;
  const long long sa = lda * k + 1, sb = ldb * n + 2, sc = ldc * n;
  const auto A = random_matrix(size_t(sa) * batch, 6), B = random_matrix(size_t(sb) * batch, 7);
  auto C = random_matrix(size_t(sc) * batch, 8);
  auto want = C;
  const float alpha = 0.5f, beta = -1.0f;
  for (int b = 0; b < batch; ++b)
    reference(false, false, m, n, k, alpha, A.data() + b * sa, lda, B.data() + b * sb, ldb, beta,
              want.data() + b * sc, ldc);
  ASSERT_EQ(cublasSgemmStridedBatched(handle_, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, A.data(), lda,
                                      sa, B.data(), ldb, sb, &beta, C.data(), ldc, sc, batch),
            CUBLAS_STATUS_SUCCESS);
  for (size_t i = 0; i < C.size(); ++i) ASSERT_NEAR(C[i], want[i], 1e-5f) << "element " << i;
}

TEST_F(CublasShim, InvalidArgumentsAreRejectedAsCublasDoes) {
  std::vector<float> buf(100, 0.0f);
  const float one = 1.0f;
  auto gemm = [&](cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, int lda, int ldb, int ldc) {
    return cublasSgemm(handle_, ta, tb, m, n, k, &one, buf.data(), lda, buf.data(), ldb, &one, buf.data(), ldc);
  };
  EXPECT_EQ(gemm(CUBLAS_OP_N, CUBLAS_OP_N, 4, 3, 2, 3, 2, 4), CUBLAS_STATUS_INVALID_VALUE);  // lda < m
  EXPECT_EQ(gemm(CUBLAS_OP_T, CUBLAS_OP_N, 4, 3, 2, 1, 2, 4), CUBLAS_STATUS_INVALID_VALUE);  // lda < k
  EXPECT_EQ(gemm(CUBLAS_OP_N, CUBLAS_OP_T, 4, 3, 2, 4, 2, 4), CUBLAS_STATUS_INVALID_VALUE);  // ldb < n
  EXPECT_EQ(gemm(CUBLAS_OP_N, CUBLAS_OP_N, 4, 3, 2, 4, 2, 3), CUBLAS_STATUS_INVALID_VALUE);  // ldc < m
  EXPECT_EQ(gemm(CUBLAS_OP_N, CUBLAS_OP_N, -1, 3, 2, 4, 2, 4), CUBLAS_STATUS_INVALID_VALUE);
  EXPECT_EQ(gemm(static_cast<cublasOperation_t>(7), CUBLAS_OP_N, 4, 3, 2, 4, 2, 4), CUBLAS_STATUS_INVALID_VALUE);
  EXPECT_EQ(gemm(CUBLAS_OP_T, CUBLAS_OP_T, 4, 3, 2, 2, 3, 4), CUBLAS_STATUS_SUCCESS);
  EXPECT_EQ(cublasSgemm(nullptr, CUBLAS_OP_N, CUBLAS_OP_N, 1, 1, 1, &one, buf.data(), 1, buf.data(), 1, &one,
                        buf.data(), 1),
            CUBLAS_STATUS_NOT_INITIALIZED);
}

TEST_F(CublasShim, CheckMacroNamesTheCallAndStatus) {
  std::vector<float> buf(16, 0.0f);
  const float one = 1.0f;
  try {
    UPRES_CUBLAS_CHECK(cublasSgemm(handle_, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, buf.data(), 1,
                                   buf.data(), 4, &one, buf.data(), 4));
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("cublasSgemm(handle_"), std::string::npos) << m;
    EXPECT_NE(m.find("test_cublas_shim.cpp:"), std::string::npos) << m;
    EXPECT_NE(m.find("CUBLAS_STATUS_INVALID_VALUE"), std::string::npos) << m;
  }
  int stream_tag = 0;
  cublasStream_t s = nullptr;
  ASSERT_EQ(cublasSetStream(handle_, &stream_tag), CUBLAS_STATUS_SUCCESS);
  ASSERT_EQ(cublasGetStream(handle_, &s), CUBLAS_STATUS_SUCCESS);
  EXPECT_EQ(s, &stream_tag);
}

}  // namespace
