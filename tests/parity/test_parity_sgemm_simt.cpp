// The hand-written SGEMM (kernels/cuda/sgemm.h) on the simt emulator against cpu::gemm_reference:
// every version, every transpose, tight / padded / misaligned operands, odd sizes, under every
// scheduling order (tests/parity/sgemm_parity.h says what is compared and how tightly).
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "kernels/cuda/sgemm.h"
#include "parity/sgemm_parity.h"
#include "simt/orders.h"

namespace {

using namespace upres::testing::sgemm;
using upres::Device;

void check_simt(int version) {
  std::vector<Size> sizes = small_sizes();
  // 131 x 133 spans several 128-wide tiles of v4/v5; v1-v3 have tiles of at most 64, which
  // 33 x 65 and 70 x 3 already span, and it is their biggest grid under the emulator.
  if (version <= 3)
    sizes.erase(std::remove_if(sizes.begin(), sizes.end(), [](const Size& s) { return s.M > 128; }),
                sizes.end());
  check_version(Device::simt, &upres::simt::sgemm, version, sizes, upres::testing::all_orders());
}

TEST(SimtSgemm, V1NaiveMatchesReference) { check_simt(1); }
TEST(SimtSgemm, V2SharedTilesMatchReference) { check_simt(2); }
TEST(SimtSgemm, V3RegisterColumnMatchesReference) { check_simt(3); }
TEST(SimtSgemm, V4RegisterTileFloat4MatchesReference) { check_simt(4); }
TEST(SimtSgemm, V5WarpTileMatchesReference) { check_simt(5); }

// Version 0 goes through cuBLAS's API (the CPU shim under simt): our row-major -> column-major
// argument mapping is what this checks. Scheduling orders do not apply (no kernel runs).
TEST(SimtSgemm, V0CublasArgumentsMatchReference) {
  check_version(Device::simt, &upres::simt::sgemm, 0, small_sizes(), {});
}

// The tiled versions with their blocks spread over 3 OS threads (shared memory per OS thread).
TEST(SimtSgemm, TiledVersionsWithBlocksOnThreeOsThreads) {
  for (int v : {2, 5})
    check_version(Device::simt, &upres::simt::sgemm, v, {{131, 133, 9}}, upres::testing::all_orders(3));
}

// gemm() (the cpu::gemm signature the engine dispatches to) picks the promoted kernel for small
// products and cuBLAS for large ones; both give the reference's result.
TEST(SimtSgemm, GemmPicksPromotedVersionOrCublasBySize) {
  EXPECT_EQ(upres::kern::sgemm_auto_version(33, 65, 17), upres::kern::kSgemmPromoted);
  EXPECT_EQ(upres::kern::sgemm_auto_version(256, 256, 256), upres::kern::kSgemmCublas);
  EXPECT_EQ(upres::kern::sgemm_auto_version(4096, 4096, 0), upres::kern::kSgemmPromoted);
  auto via_gemm = [](const upres::kern::Context& ctx, int, bool ta, bool tb, int64_t M, int64_t N,
                     int64_t K, float alpha, const float* A, int64_t lda, const float* B, int64_t ldb,
                     float beta, float* C, int64_t ldc) {
    upres::simt::gemm(ctx, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  };
  check_version(Device::simt, via_gemm, -1, {{33, 65, 17}}, {});
  // Above the threshold: every transpose, tight layout (the host reference is the slow part).
  for (const Case& c : cases({{256, 256, 256}}))
    if (c.layout.pad == 0) check_case(Device::simt, via_gemm, -1, c, {});
}

TEST(SimtSgemm, RejectsUnknownVersionAndHugeSizes) {
  std::vector<float> a(4), b(4), c(4);
  const auto& ctx = upres::kernel_context(Device::simt);
  EXPECT_THROW(upres::simt::sgemm(ctx, 6, false, false, 2, 2, 2, 1.0f, a.data(), 2, b.data(), 2, 0.0f,
                                  c.data(), 2),
               std::invalid_argument);
  EXPECT_THROW(upres::simt::sgemm(ctx, 5, false, false, int64_t(1) << 31, 2, 2, 1.0f, a.data(), 2,
                                  b.data(), 2, 0.0f, c.data(), 2),
               std::invalid_argument);
  // Sizes that fit in int but need more than 2^31-1 blocks of v1's 8 x 32 tiles.
  EXPECT_THROW(upres::simt::sgemm(ctx, 1, false, false, int64_t(1) << 30, int64_t(1) << 30, 1, 1.0f,
                                  a.data(), 2, b.data(), 2, 0.0f, c.data(), 2),
               std::invalid_argument);
}

}  // namespace
