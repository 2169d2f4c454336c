// Tests of the simt warp intrinsics: every _sync shuffle, vote and __syncwarp against values
// computed by plain loops here, and the errors for bad masks.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "kernels/cuda/launch.h"
#include "simt/orders.h"

namespace {

using upres::simt::Options;
using upres::simt::ScopedOptions;

constexpr int kThreads = 64;  // two warps
constexpr int kOps = 12;

// The value lane l of warp w contributes: distinct for every thread.
int value_of(int w, int l) { return 1000 * w + 10 * l + 1; }

__global__ void warp_ops(int* out) {
  const int t = threadIdx.x, lane = t % 32, w = t / 32;
  const int v = value_of(w, lane);
  const unsigned full = 0xffffffffu;
  int* o = out + t * kOps;
  o[0] = __shfl_sync(full, v, (lane * 7 + 3) % 32);
  o[1] = __shfl_sync(full, v, lane + 5, 8);  // width 8: stays within the group of 8
  o[2] = __shfl_up_sync(full, v, 3);
  o[3] = __shfl_up_sync(full, v, 2, 16);
  o[4] = __shfl_down_sync(full, v, 5);
  o[5] = __shfl_down_sync(full, v, 1, 4);
  o[6] = __shfl_xor_sync(full, v, 6);
  o[7] = __shfl_xor_sync(full, v, 1, 2);
  o[8] = static_cast<int>(__ballot_sync(full, lane % 3 == 0 || w == 1));
  o[9] = __any_sync(full, lane == 17 && w == 0);
  o[10] = __all_sync(full, lane < 31 || w == 1);
  __syncwarp();
  o[11] = __shfl_sync(0x0000ffffu << (16 * (lane / 16)), v, 0, 16);  // two half-warp groups
}

// Independent reference: CUDA's documented lane arithmetic, written out per case.
int expected(int op, int w, int l) {
  auto val = [&](int lane) { return value_of(w, lane); };
  switch (op) {
    case 0: return val((l * 7 + 3) % 32);
    case 1: return val((l / 8) * 8 + (l + 5) % 8);
    case 2: return l >= 3 ? val(l - 3) : val(l);
    case 3: return l % 16 >= 2 ? val(l - 2) : val(l);
    case 4: return l + 5 < 32 ? val(l + 5) : val(l);
    case 5: return l % 4 + 1 < 4 ? val(l + 1) : val(l);
    case 6: return val(l ^ 6);
    case 7: return val(l ^ 1);
    case 8: {
      unsigned bits = 0;
      for (int k = 0; k < 32; ++k)
        if (k % 3 == 0 || w == 1) bits |= 1u << k;
      return static_cast<int>(bits);
    }
    case 9: return w == 0 ? 1 : 0;
    case 10: return w == 1 ? 1 : 0;
    case 11: return val(l < 16 ? 0 : 16);
  }
  return -1;
}

TEST(SimtWarp, EveryIntrinsicMatchesTheLaneArithmetic) {
  for (const Options& o : upres::testing::all_orders()) {
    ScopedOptions scope(o);
    std::vector<int> out(kThreads * kOps, -7);
    UPRES_LAUNCH(warp_ops, dim3(2), dim3(kThreads), 0, nullptr, out.data());
    for (int t = 0; t < kThreads; ++t)
      for (int op = 0; op < kOps; ++op)
        ASSERT_EQ(out[t * kOps + op], expected(op, t / 32, t % 32))
            << "op " << op << ", thread " << t << ", " << upres::testing::describe(o);
  }
}

// Corner cases of the lane arithmetic; the expected values below were checked against an
// NVIDIA H100 running this kernel (compiled by nvcc through kernels/cuda/launch.h).
__global__ void shuffle_corners(int* out) {
  const int lane = threadIdx.x;
  const unsigned full = 0xffffffffu;
  const int v = 10 * lane + 1;
  int* o = out + lane * 6;
  o[0] = __shfl_xor_sync(full, v, 8, 8);        // into the next group of 8: own value
  o[1] = __shfl_sync(full, v, -3);              // negative source lane: taken modulo 32
  o[2] = __shfl_up_sync(full, v, 9, 8);         // delta beyond the width: own value
  o[3] = __shfl_xor_sync(full, v, 40);          // the xor mask is 5 bits: 40 acts as 8
  o[4] = __shfl_down_sync(full, v, 33);         // so is the delta: 33 acts as 1
  o[5] = __shfl_sync(full, v, lane + 37, 16);   // source modulo the width
}

TEST(SimtWarp, LaneArithmeticCornerCasesMatchTheHardware) {
  std::vector<int> out(32 * 6);
  UPRES_LAUNCH(shuffle_corners, dim3(1), dim3(32), 0, nullptr, out.data());
  auto val = [](int lane) { return 10 * lane + 1; };
  for (int l = 0; l < 32; ++l) {
    EXPECT_EQ(out[l * 6 + 0], l % 16 >= 8 ? val(l - 8) : val(l)) << l;
    EXPECT_EQ(out[l * 6 + 1], val(29)) << l;
    EXPECT_EQ(out[l * 6 + 2], val(l)) << l;
    EXPECT_EQ(out[l * 6 + 3], val(l ^ 8)) << l;
    EXPECT_EQ(out[l * 6 + 4], l < 31 ? val(l + 1) : val(l)) << l;
    EXPECT_EQ(out[l * 6 + 5], val(l / 16 * 16 + (l + 37) % 16)) << l;
  }
}

__global__ void shuffle_double(double* out) {
  const int lane = threadIdx.x;
  double v = 0.5 + lane * 1e10;  // needs all 64 bits
  out[lane] = __shfl_xor_sync(0xffffffffu, v, 31);
}

TEST(SimtWarp, ShufflesMoveEightByteValues) {
  std::vector<double> out(32);
  UPRES_LAUNCH(shuffle_double, dim3(1), dim3(32), 0, nullptr, out.data());
  for (int l = 0; l < 32; ++l) EXPECT_EQ(out[l], 0.5 + (31 - l) * 1e10);
}

// Lanes 0..7 shuffle among themselves with a partial mask; lane 0 reads lane 9, outside it.
__global__ void shuffle_outside_mask(float* out) {
  const int lane = threadIdx.x;
  if (lane < 8) out[lane] = __shfl_sync(0xffu, 1.0f + lane, lane == 0 ? 9 : 7 - lane);
}

TEST(SimtWarp, ReadingALaneOutsideTheMaskGivesNaN) {
  std::vector<float> out(32, 0.0f);
  UPRES_LAUNCH(shuffle_outside_mask, dim3(1), dim3(32), 0, nullptr, out.data());
  EXPECT_TRUE(std::isnan(out[0]));
  for (int l = 1; l < 8; ++l) EXPECT_EQ(out[l], 1.0f + (7 - l));
}

// Expect a launch to throw upres::simt::Error whose message contains every string given.
template <typename F>
void expect_error(F launch, const std::vector<std::string>& parts) {
  try {
    launch();
    ADD_FAILURE() << "no error thrown";
  } catch (const upres::simt::Error& e) {
    const std::string msg = e.what();
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
  }
}

constexpr int kOwnLaneLine = __LINE__ + 3;
__global__ void mask_without_self(int* out) {
  const int lane = threadIdx.x;
  out[lane] = __shfl_sync(0x1u, lane, 0);  // lanes 1..31 are not in their own mask
}

TEST(SimtWarp, MaskWithoutTheCallingLaneIsAnError) {
  std::vector<int> out(32);
  expect_error([&] { UPRES_LAUNCH(mask_without_self, dim3(1), dim3(32), 0, nullptr, out.data()); },
               {"bad mask", "mask_without_self", "__shfl_sync", "test_simt_warp.cpp:" + std::to_string(kOwnLaneLine),
                "does not include the calling lane"});
}

constexpr int kPartialWarpLine = __LINE__ + 3;
__global__ void full_mask_in_partial_warp(float* out) {
  const int t = threadIdx.x;
  float v = __shfl_down_sync(0xffffffffu, 1.0f * t, 1);  // warp 1 has only 16 threads
  out[t] = v;
}

TEST(SimtWarp, FullMaskInAPartialWarpIsAnError) {
  std::vector<float> out(48);
  expect_error([&] { UPRES_LAUNCH(full_mask_in_partial_warp, dim3(1), dim3(48), 0, nullptr, out.data()); },
               {"bad mask", "__shfl_down_sync", ":" + std::to_string(kPartialWarpLine), "do not exist",
                "warp 1 has 16 threads"});
}

constexpr int kExitedLine = __LINE__ + 4;
__global__ void mask_names_exited_lane(int* out) {
  const int lane = threadIdx.x;
  if (lane == 3) return;
  out[lane] = static_cast<int>(__ballot_sync(0xffffffffu, lane & 1));
}

TEST(SimtWarp, MaskNamingAnExitedLaneIsAnError) {
  for (const Options& o : upres::testing::all_orders()) {
    ScopedOptions scope(o);
    std::vector<int> out(32);
    expect_error([&] { UPRES_LAUNCH(mask_names_exited_lane, dim3(1), dim3(32), 0, nullptr, out.data()); },
                 {"bad mask", "__ballot_sync", ":" + std::to_string(kExitedLine), "lane 3", "exited"});
  }
}

__global__ void mismatched_ops(int* out) {
  const int lane = threadIdx.x;
  if (lane < 16)
    out[lane] = __shfl_xor_sync(0xffffffffu, lane, 1);
  else
    out[lane] = static_cast<int>(__ballot_sync(0xffffffffu, 1));
}

TEST(SimtWarp, DifferentIntrinsicsUnderOneMaskAreAnError) {
  std::vector<int> out(32);
  expect_error([&] { UPRES_LAUNCH(mismatched_ops, dim3(1), dim3(32), 0, nullptr, out.data()); },
               {"mismatched warp operations", "__shfl_xor_sync", "__ballot_sync"});
}

TEST(SimtWarp, BadWidthIsAnError) {
  struct K {
    static void kernel(int* out) { out[threadIdx.x] = __shfl_sync(0xffffffffu, 1, 0, 12); }
  };
  std::vector<int> out(32);
  expect_error([&] { UPRES_LAUNCH(K::kernel, dim3(1), dim3(32), 0, nullptr, out.data()); },
               {"width 12 is not a power of two"});
}

}  // namespace
