// Tests of simt memory: atomics (int and float) across blocks and OS threads, and dynamic shared
// memory (NaN-poisoned before every block, one accessor, sized per launch).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/cuda/launch.h"
#include "simt/orders.h"

namespace {

using upres::simt::Options;
using upres::simt::ScopedOptions;

struct Counters {
  float fsum;
  int isum;
  int imax;
  int imin;
  unsigned long long usum;
  int cas_sum;
  float fmax;
};

__global__ void atomics_kernel(Counters* c) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  atomicAdd(&c->fsum, 0.5f);
  atomicAdd(&c->isum, i);
  atomicMax(&c->imax, (i * 7919) % 10007);
  atomicMin(&c->imin, (i * 7919) % 10007 - 5000);
  atomicAdd(&c->usum, 1ull << 33);
  int old = c->cas_sum, assumed;
  do {  // an increment written with atomicCAS, the usual way to build other atomics
    assumed = old;
    old = atomicCAS(&c->cas_sum, assumed, assumed + 2);
  } while (old != assumed);
  atomicMax(&c->fmax, 0.25f * static_cast<float>(i % 1000));
}

TEST(SimtAtomics, IntAndFloatAtomicsAcrossBlocksAndOsThreads) {
  const int blocks = 96, threads = 128, n = blocks * threads;
  int want_max = -1, want_min = 1 << 30;
  long long want_isum = 0;
  for (int i = 0; i < n; ++i) {
    want_isum += i;
    want_max = std::max(want_max, (i * 7919) % 10007);
    want_min = std::min(want_min, (i * 7919) % 10007 - 5000);
  }
  for (int os_threads : {1, 4}) {
    for (const Options& o : upres::testing::all_orders(os_threads)) {
      ScopedOptions scope(o);
      Counters c{0.0f, 0, -1, 1 << 30, 0, 0, -1.0f};
      UPRES_LAUNCH(atomics_kernel, dim3(blocks), dim3(threads), 0, nullptr, &c);
      EXPECT_EQ(c.fsum, 0.5f * n) << upres::testing::describe(o);  // exact: multiples of 0.5 below 2^23
      EXPECT_EQ(c.isum, static_cast<int>(want_isum));
      EXPECT_EQ(c.imax, want_max);
      EXPECT_EQ(c.imin, want_min);
      EXPECT_EQ(c.usum, static_cast<unsigned long long>(n) << 33);
      EXPECT_EQ(c.cas_sum, 2 * n);
      EXPECT_EQ(c.fmax, 0.25f * 999);
    }
  }
}

// Reads the dynamic shared memory before writing it (what the poison is for), then writes it.
__global__ void read_dynamic_shared(uint32_t* seen, int words) {
  uint32_t* smem = upres::simt::dynamic_shared<uint32_t>();
  for (int k = threadIdx.x; k < words; k += blockDim.x) seen[blockIdx.x * words + k] = smem[k];
  __syncthreads();
  for (int k = threadIdx.x; k < words; k += blockDim.x) smem[k] = 12345u;
}

TEST(SimtSharedMemory, DynamicSharedMemoryIsPoisonedWithNaNBeforeEveryBlock) {
  for (int os_threads : {1, 2}) {
    Options o;
    o.threads = os_threads;
    ScopedOptions scope(o);
    const int blocks = 5, words = 1000;
    std::vector<uint32_t> seen(blocks * words, 0);
    UPRES_LAUNCH(read_dynamic_shared, dim3(blocks), dim3(96), words * sizeof(uint32_t), nullptr, seen.data(),
                 words);
    for (int i = 0; i < blocks * words; ++i) {
      float f;
      std::memcpy(&f, &seen[i], 4);
      ASSERT_TRUE(std::isnan(f)) << "word " << i % words << " of block " << i / words;
      ASSERT_EQ(seen[i], 0x7fffffffu);
    }
  }
}

__global__ void dynamic_shared_roundtrip(float* out, int words) {
  float* smem = upres::simt::dynamic_shared<float>();
  const int t = threadIdx.x;
  for (int k = t; k < words; k += blockDim.x) smem[k] = static_cast<float>(k + blockIdx.x);
  __syncthreads();
  float acc = 0;  // each thread reads what the others wrote, in reverse
  for (int k = t; k < words; k += blockDim.x) acc += smem[words - 1 - k];
  out[blockIdx.x * blockDim.x + t] = acc;
}

TEST(SimtSharedMemory, DynamicSharedMemoryUpToTheLimitIsSharedByTheBlock) {
  const int words = 227 * 1024 / 4, threads = 256, blocks = 2;
  std::vector<float> out(blocks * threads);
  UPRES_LAUNCH(dynamic_shared_roundtrip, dim3(blocks), dim3(threads), words * sizeof(float), nullptr,
               out.data(), words);
  for (int b = 0; b < blocks; ++b)
    for (int t = 0; t < threads; ++t) {
      double want = 0;
      for (int k = t; k < words; k += threads) want += static_cast<float>(words - 1 - k + b);
      ASSERT_NEAR(out[b * threads + t], want, 1e-6 * want) << b << "," << t;
    }
}

}  // namespace
