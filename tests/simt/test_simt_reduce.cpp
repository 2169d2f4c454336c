// Tests of the simt emulator's block model: shared memory + __syncthreads reductions under every
// scheduling order, a missing barrier caught, one __shared__ array per block, fibers reused.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "simt/kernels/reduce.cuh"
#include "simt/orders.h"

namespace {

using namespace upres::simt::samples;
using upres::simt::Options;
using upres::simt::ScopedOptions;

// Integers in [-8, 8], so float sums are exact and any order of addition gives the same value.
std::vector<float> sample_input(int n) {
  std::vector<float> x(n);
  for (int i = 0; i < n; ++i) x[i] = static_cast<float>((i * 37 + 11) % 17 - 8);
  return x;
}

// The naive reference: per-block sums over kReduceThreads consecutive elements.
std::vector<float> reference_partials(const std::vector<float>& x, int blocks) {
  std::vector<float> p(blocks, 0.0f);
  for (int i = 0; i < static_cast<int>(x.size()); ++i) p[i / kReduceThreads] += x[i];
  return p;
}

TEST(SimtReduce, SharedMemoryTreeSumUnderEveryOrder) {
  const int n = 1000, blocks = (n + kReduceThreads - 1) / kReduceThreads;
  const auto x = sample_input(n);
  const auto want = reference_partials(x, blocks);
  for (int os_threads : {1, 3}) {
    for (const Options& o : upres::testing::all_orders(os_threads)) {
      ScopedOptions scope(o);
      std::vector<float> got(blocks, -1.0f);
      UPRES_LAUNCH(block_sum_shared, dim3(blocks), dim3(kReduceThreads), 0, nullptr, x.data(),
                   got.data(), n);
      EXPECT_EQ(got, want) << upres::testing::describe(o);
    }
  }
}

TEST(SimtReduce, WarpShuffleSumWithDynamicSharedMemory) {
  const int n = 777, blocks = (n + kReduceThreads - 1) / kReduceThreads;
  const auto x = sample_input(n);
  const auto want = reference_partials(x, blocks);
  for (const Options& o : upres::testing::all_orders()) {
    ScopedOptions scope(o);
    std::vector<float> got(blocks, -1.0f);
    UPRES_LAUNCH(block_sum_warp, dim3(blocks), dim3(kReduceThreads),
                 kReduceThreads / 32 * sizeof(float), nullptr, x.data(), got.data(), n);
    EXPECT_EQ(got, want) << upres::testing::describe(o);
  }
}

TEST(SimtReduce, MissingBarrierIsCaughtUnderSomeOrder) {
  const int n = 1024, blocks = n / kReduceThreads;
  const auto x = sample_input(n);
  const auto want = reference_partials(x, blocks);
  int wrong = 0;
  for (const Options& o : upres::testing::all_orders()) {
    ScopedOptions scope(o);
    std::vector<float> got(blocks, -1.0f);
    try {
      UPRES_LAUNCH(block_sum_racy, dim3(blocks), dim3(kReduceThreads), 0, nullptr, x.data(), got.data(), n);
      if (got != want) ++wrong;
    } catch (const upres::simt::Error&) {
      ++wrong;
    }
  }
  EXPECT_GT(wrong, 0) << "the racy reduction gave the right answer under every order";
}

// Thread 0 writes tile[0], thread 1 writes tile[1]; after the barrier each reads the other's
// value and reports the address it sees: one array means equal addresses and crossed values.
__global__ void shared_identity(uintptr_t* address, float* seen) {
  __shared__ float tile[2];
  const int t = threadIdx.x;
  tile[t] = 100.0f * (blockIdx.x + 1) + t;
  __syncthreads();
  address[blockIdx.x * 2 + t] = reinterpret_cast<uintptr_t>(&tile[0]);
  seen[blockIdx.x * 2 + t] = tile[1 - t];
}

TEST(SimtShared, TwoThreadsOfABlockSeeTheSameArray) {
  for (const Options& o : upres::testing::all_orders()) {
    ScopedOptions scope(o);
    std::vector<uintptr_t> address(6, 0);
    std::vector<float> seen(6, 0.0f);
    UPRES_LAUNCH(shared_identity, dim3(3), dim3(2), 0, nullptr, address.data(), seen.data());
    for (int b = 0; b < 3; ++b) {
      EXPECT_EQ(address[2 * b], address[2 * b + 1]) << "block " << b;
      EXPECT_EQ(seen[2 * b], 100.0f * (b + 1) + 1) << "block " << b;
      EXPECT_EQ(seen[2 * b + 1], 100.0f * (b + 1) + 0) << "block " << b;
    }
  }
}

// Each block stores its own id in shared memory and checks it after several barriers; blocks
// running at the same time on different OS threads must not see each other's value.
__global__ void shared_per_block(int* ok) {
  __shared__ int mine;
  if (threadIdx.x == 0) mine = static_cast<int>(blockIdx.x);
  __syncthreads();
  int good = 1;
  for (int k = 0; k < 20; ++k) {
    good &= mine == static_cast<int>(blockIdx.x);
    __syncthreads();
  }
  ok[blockIdx.x * blockDim.x + threadIdx.x] = good;
}

TEST(SimtShared, BlocksOnSeveralOsThreadsHaveTheirOwnArrays) {
  Options o;
  o.threads = 4;
  ScopedOptions scope(o);
  const int blocks = 64, threads = 64;
  std::vector<int> ok(blocks * threads, 0);
  UPRES_LAUNCH(shared_per_block, dim3(blocks), dim3(threads), 0, nullptr, ok.data());
  for (int i = 0; i < blocks * threads; ++i) ASSERT_EQ(ok[i], 1) << "thread " << i;
}

// Thread t records the order in which the scheduler first ran it.
__global__ void arrival_order(int* counter, int* order) {
  order[threadIdx.x] = atomicAdd(counter, 1);
}

TEST(SimtSchedule, OrderIsChosenAtRunTime) {
  auto run = [](const Options& o) {
    ScopedOptions scope(o);
    int counter = 0;
    std::vector<int> order(64, -1);
    UPRES_LAUNCH(arrival_order, dim3(1), dim3(64), 0, nullptr, &counter, order.data());
    return order;
  };
  Options o;
  std::vector<int> forward = run(o);
  for (int t = 0; t < 64; ++t) EXPECT_EQ(forward[t], t);
  o.order = upres::simt::Order::reverse;
  std::vector<int> reverse = run(o);
  for (int t = 0; t < 64; ++t) EXPECT_EQ(reverse[t], 63 - t);
  o.order = upres::simt::Order::random;
  o.seed = 7;
  std::vector<int> r7 = run(o), r7again = run(o);
  o.seed = 8;
  std::vector<int> r8 = run(o);
  EXPECT_EQ(r7, r7again) << "the same seed must give the same order";
  EXPECT_NE(r7, r8);
  EXPECT_NE(r7, forward);
  EXPECT_NE(r7, reverse);
}

TEST(SimtFibers, CreatedOnceAndReusedAcrossBlocksAndLaunches) {
  const int n = 4096, blocks = n / kReduceThreads;
  const auto x = sample_input(n);
  std::vector<float> got(blocks);
  ScopedOptions scope(Options{});  // one OS thread: this thread's fiber pool
  UPRES_LAUNCH(block_sum_shared, dim3(blocks), dim3(kReduceThreads), 0, nullptr, x.data(), got.data(), n);
  const auto before = upres::simt::stats();
  for (int k = 0; k < 3; ++k)
    UPRES_LAUNCH(block_sum_shared, dim3(blocks), dim3(kReduceThreads), 0, nullptr, x.data(), got.data(), n);
  const auto after = upres::simt::stats();
  EXPECT_EQ(after.fibers_created, before.fibers_created) << "fibers must be reused";
  EXPECT_EQ(after.launches - before.launches, 3u);
  EXPECT_EQ(after.blocks - before.blocks, 3u * blocks);
  EXPECT_GE(after.fibers_created, static_cast<uint64_t>(kReduceThreads));
}

TEST(SimtReduce, AtomicSumAcrossBlocksAndOsThreads) {
  const int n = 64 * kReduceThreads;
  const auto x = sample_input(n);
  double want = 0;
  for (float v : x) want += v;
  for (int os_threads : {1, 4}) {
    for (const Options& o : upres::testing::all_orders(os_threads)) {
      ScopedOptions scope(o);
      float total = 0.0f;
      UPRES_LAUNCH(sum_atomic, dim3(n / kReduceThreads), dim3(kReduceThreads), 0, nullptr, x.data(),
                   &total, n);
      EXPECT_EQ(total, static_cast<float>(want)) << upres::testing::describe(o);
    }
  }
}

}  // namespace
