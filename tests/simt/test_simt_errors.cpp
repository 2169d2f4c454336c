// Tests of what the simt emulator refuses: divergent __syncthreads (with the source line),
// deadlocks between warp ops and barriers, sm_90 launch limits, and errors thrown by kernels.
// After each error the emulator must still run kernels correctly (its fibers were unwound).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/cuda/launch.h"
#include "simt/orders.h"

namespace {

using upres::simt::Options;
using upres::simt::ScopedOptions;

template <typename F>
std::string error_of(F launch) {
  try {
    launch();
  } catch (const upres::simt::Error& e) {
    return e.what();
  }
  return "(no error)";
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "'" << (needle) << "' not in: " << (haystack)

__global__ void fill_index(int* out) { out[blockIdx.x * blockDim.x + threadIdx.x] = blockIdx.x * 1000 + threadIdx.x; }

// The emulator still works: every thread of a 3 x 128 grid writes its index.
void expect_emulator_healthy() {
  std::vector<int> out(3 * 128, -1);
  UPRES_LAUNCH(fill_index, dim3(3), dim3(128), 0, nullptr, out.data());
  for (int b = 0; b < 3; ++b)
    for (int t = 0; t < 128; ++t) ASSERT_EQ(out[b * 128 + t], b * 1000 + t);
}

constexpr int kEarlyExitBarrierLine = __LINE__ + 5;
__global__ void barrier_after_early_exit(const float* x, float* y, int n) {
  __shared__ float tile[64];
  const int i = threadIdx.x;
  if (i >= n) return;  // BUG: the threads past n never reach the barrier
  tile[i] = x[i]; __syncthreads();
  y[i] = tile[n - 1 - i];
}

TEST(SimtBarrier, DivergentSyncthreadsAfterEarlyExitNamesTheLine) {
  std::vector<float> x(64, 1.0f), y(64);
  for (const Options& o : upres::testing::all_orders()) {
    ScopedOptions scope(o);
    const std::string msg = error_of(
        [&] { UPRES_LAUNCH(barrier_after_early_exit, dim3(1), dim3(64), 0, nullptr, x.data(), y.data(), 40); });
    EXPECT_CONTAINS(msg, "divergent __syncthreads()");
    EXPECT_CONTAINS(msg, "barrier_after_early_exit");
    EXPECT_CONTAINS(msg, "test_simt_errors.cpp:" + std::to_string(kEarlyExitBarrierLine));
    EXPECT_CONTAINS(msg, "threads 0-39 wait");
    EXPECT_CONTAINS(msg, "threads 40-63 have exited");
    expect_emulator_healthy();
  }
}

constexpr int kEvenLine = __LINE__ + 5;
constexpr int kOddLine = __LINE__ + 6;
__global__ void barrier_in_both_branches(int* out) {
  const int t = threadIdx.x;
  if (t % 2 == 0) {
    out[t] = 1; __syncthreads();
  } else {
    out[t] = 2; __syncthreads();
  }
}

TEST(SimtBarrier, DifferentBarriersInTwoBranchesAreDivergent) {
  std::vector<int> out(32);
  const std::string msg =
      error_of([&] { UPRES_LAUNCH(barrier_in_both_branches, dim3(1), dim3(32), 0, nullptr, out.data()); });
  EXPECT_CONTAINS(msg, "divergent __syncthreads()");
  EXPECT_CONTAINS(msg, ":" + std::to_string(kEvenLine));
  EXPECT_CONTAINS(msg, ":" + std::to_string(kOddLine));
  expect_emulator_healthy();
}

constexpr int kSyncwarpLine = __LINE__ + 7;
constexpr int kBarrierLine = __LINE__ + 8;
// Lane 5 goes to the block barrier while the rest of warp 0 waits for it in __syncwarp:
// neither can ever complete.
__global__ void warp_waits_for_barrier(int* out) {
  const int t = threadIdx.x;
  if (t != 5) {
    __syncwarp();
  } else {
    __syncthreads();
  }
  out[t] = t;
}

TEST(SimtBarrier, WarpOpWaitingForABarrierIsADeadlock) {
  std::vector<int> out(32);
  for (const Options& o : upres::testing::all_orders()) {
    ScopedOptions scope(o);
    const std::string msg =
        error_of([&] { UPRES_LAUNCH(warp_waits_for_barrier, dim3(1), dim3(32), 0, nullptr, out.data()); });
    EXPECT_CONTAINS(msg, "deadlock");
    EXPECT_CONTAINS(msg, "__syncwarp(mask 0xffffffff) at ");
    EXPECT_CONTAINS(msg, ":" + std::to_string(kSyncwarpLine));
    EXPECT_CONTAINS(msg, "lane 5, which waits in __syncthreads() at ");
    EXPECT_CONTAINS(msg, ":" + std::to_string(kBarrierLine));
    expect_emulator_healthy();
  }
}

__global__ void barrier_votes(int* out) {
  const int t = threadIdx.x;
  const int count = __syncthreads_count(t % 3 == 0);
  const int all = __syncthreads_and(t < 100);
  const int any = __syncthreads_or(t == 77);
  const int none = __syncthreads_or(t > 1000);
  out[t] = count * 1000 + all * 100 + any * 10 + none;
}

TEST(SimtBarrier, SyncthreadsCountAndOr) {
  for (const Options& o : upres::testing::all_orders()) {
    ScopedOptions scope(o);
    std::vector<int> out(90, -1);
    UPRES_LAUNCH(barrier_votes, dim3(1), dim3(90), 0, nullptr, out.data());
    for (int t = 0; t < 90; ++t) ASSERT_EQ(out[t], 30 * 1000 + 100 + 10 + 0) << t;
  }
}

__global__ void empty_kernel(int* out) { (void)out; }

TEST(SimtLaunch, LimitsOfSm90AreEnforced) {
  int dummy = 0;
  auto launch = [&](dim3 g, dim3 b, size_t shmem) {
    return error_of([&] { UPRES_LAUNCH(empty_kernel, g, b, shmem, nullptr, &dummy); });
  };
  std::string msg = launch(dim3(1), dim3(1025), 0);
  EXPECT_CONTAINS(msg, "empty_kernel");
  EXPECT_CONTAINS(msg, "blockDim exceeds sm_90's limits");
  EXPECT_CONTAINS(launch(dim3(1), dim3(512, 4), 0), "the block has 2048 threads; sm_90 allows at most 1024");
  EXPECT_CONTAINS(launch(dim3(1), dim3(1, 1, 65), 0), "blockDim exceeds");
  EXPECT_CONTAINS(launch(dim3(1, 65536), dim3(32), 0), "gridDim exceeds sm_90's limits");
  EXPECT_CONTAINS(launch(dim3(1, 1, 65536), dim3(32), 0), "gridDim exceeds");
  EXPECT_CONTAINS(launch(dim3(0), dim3(32), 0), "at least 1");
  EXPECT_CONTAINS(launch(dim3(1), dim3(32, 0), 0), "at least 1");
  EXPECT_CONTAINS(launch(dim3(1), dim3(32), 227 * 1024 + 1), "exceeds sm_90's 232448 (227 KiB)");
  // Exactly at the limits is fine.
  EXPECT_EQ(launch(dim3(1), dim3(1024), 227 * 1024), "(no error)");
  EXPECT_EQ(launch(dim3(1), dim3(16, 1, 64), 0), "(no error)");
  EXPECT_EQ(launch(dim3(2, 65535, 1), dim3(1), 0), "(no error)");
}

__global__ void throws_in_block_two(int* out) {
  __syncthreads();
  if (blockIdx.x == 2 && threadIdx.x == 7) throw std::runtime_error("kernel says no");
  __syncthreads();
  out[threadIdx.x] = 1;
}

TEST(SimtLaunch, AnExceptionFromAKernelReachesTheCaller) {
  for (int os_threads : {1, 3}) {
    Options o;
    o.threads = os_threads;
    ScopedOptions scope(o);
    std::vector<int> out(64);
    EXPECT_THROW(UPRES_LAUNCH(throws_in_block_two, dim3(5), dim3(64), 0, nullptr, out.data()), std::runtime_error);
    expect_emulator_healthy();
  }
}

__global__ void launches_inside(int* out) {
  if (threadIdx.x == 0) UPRES_LAUNCH(empty_kernel, dim3(1), dim3(1), 0, nullptr, out);
}

TEST(SimtLaunch, DynamicParallelismAndBuiltinsOutsideKernelsAreRefused) {
  int dummy = 0;
  EXPECT_CONTAINS(error_of([&] { UPRES_LAUNCH(launches_inside, dim3(1), dim3(4), 0, nullptr, &dummy); }),
                  "dynamic parallelism");
  EXPECT_CONTAINS(error_of([] { (void)threadIdx.x; }), "threadIdx called outside a kernel");
  EXPECT_CONTAINS(error_of([] { __syncthreads(); }), "outside a kernel");
  expect_emulator_healthy();
}

}  // namespace
