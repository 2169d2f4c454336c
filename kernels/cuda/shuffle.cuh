// shuffle.cuh - pixel shuffle/unshuffle as CUDA kernels: one thread per high-resolution element
// (grid-stride, grid.h), which computes its low-resolution partner with the index formula
//   high[n, c, h*r + i, w*r + j] = low[n, c*r*r + i*r + j, h, w].
//
// Napkin math: 0 FLOPs, 8 bytes per element. Consecutive threads touch consecutive elements of
// the high tensor (coalesced) and stride-r elements of r planes of the low one: within a warp
// that is r runs of 32/r consecutive floats, so each 32-byte sector is still read once. The
// int64 divisions cost more than the memory access on small tensors; fine for now.
#pragma once

#include "kernels/cuda/grid.h"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/shuffle.h"

namespace upres::UPRES_KERNEL_NS {

namespace {

// The low-side index of high-side element `idx`.
__device__ __forceinline__ int64_t low_index(const kern::ShuffleShape& s, int64_t idx) {
  const int64_t r = s.r, H = s.h * r, W = s.w * r;
  const int64_t x = idx % W, row = idx / W;
  const int64_t y = row % H, nc = row / H;  // nc = batch * c + channel
  const int64_t h = y / r, i = y % r, w = x / r, j = x % r;
  return ((nc * r * r + i * r + j) * s.h + h) * s.w + w;
}

// to_high: high[idx] = low[partner]; otherwise low[partner] = high[idx].
template <bool to_high>
__global__ void shuffle_kernel(kern::ShuffleShape s, const float* src, float* dst) {
  const int64_t n = s.n * s.c * s.h * s.r * s.w * s.r;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    if (to_high)
      dst[i] = src[low_index(s, i)];
    else
      dst[low_index(s, i)] = src[i];
  }
}

}  // namespace

void pixel_shuffle(const kern::Context& ctx, const kern::ShuffleShape& s, const float* low, float* high) {
  const int64_t n = s.n * s.c * s.h * s.r * s.w * s.r;
  if (n <= 0) return;
  UPRES_LAUNCH(shuffle_kernel<true>, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0,
               ctx.stream, s, low, high);
}

void pixel_unshuffle(const kern::Context& ctx, const kern::ShuffleShape& s, const float* high, float* low) {
  const int64_t n = s.n * s.c * s.h * s.r * s.w * s.r;
  if (n <= 0) return;
  UPRES_LAUNCH(shuffle_kernel<false>, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0,
               ctx.stream, s, high, low);
}

}  // namespace upres::UPRES_KERNEL_NS
