// tv.cuh - total variation as CUDA kernels.
//
// Forward, two launches, no atomics, the same result in every run:
//   1. up to kTvMaxPartials blocks of 256 threads stride over the pixels; each pixel adds
//      |down difference|^p and |right difference|^p to its thread's float64 sums; the block
//      adds its 256 threads' sums in a fixed shared-memory tree and writes one (vertical,
//      horizontal) pair to `work`;
//   2. one block adds the pairs (again a fixed tree) and writes the float result.
// The float64 sums make the order of additions irrelevant at float32 output precision: cpu
// and GPU agree to ~1e-7 relative (the float rounding of the result).
// Backward: one thread per pixel gathers its (up to four) differences and writes dx - each
// dx is written by one thread, so no atomics.
//
// Napkin math (H100, ~3.3 TB/s): the forward reads 4 B per pixel (the neighbours come from
// L1/L2) and does ~8 FP64 flops; the backward reads 4 B and writes 4 B. A 16 x 3 x 96 x 96
// batch (1.8 MB) is a few microseconds of traffic, i.e. launch-latency bound; a 256-block grid
// saturates the memory system from ~10 M pixels on.
#pragma once

#include "kernels/cuda/grid.h"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/tv.h"

namespace upres::UPRES_KERNEL_NS {

namespace {

using kern::TvShape;

constexpr int kTvThreads = 256;

__device__ __forceinline__ double tv_power(double d, int p) { return p == 1 ? fabs(d) : d * d; }
__device__ __forceinline__ double tv_slope(double d, int p) {
  return p == 1 ? (d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0) : 2.0 * d;
}

// Adds the block's (sv, sh) in a fixed tree; thread 0 gets the totals.
__device__ void block_sum_pair(double& sv, double& sh) {
  __shared__ double pv[kTvThreads], ph[kTvThreads];
  pv[threadIdx.x] = sv;
  ph[threadIdx.x] = sh;
  __syncthreads();
  for (int half = kTvThreads / 2; half > 0; half /= 2) {
    if (static_cast<int>(threadIdx.x) < half) {
      pv[threadIdx.x] += pv[threadIdx.x + half];
      ph[threadIdx.x] += ph[threadIdx.x + half];
    }
    __syncthreads();
  }
  sv = pv[0];
  sh = ph[0];
}

__global__ void tv_partials_kernel(TvShape s, const float* x, double* work) {
  const int64_t H = s.height, W = s.width, n = s.planes * H * W;
  double sv = 0.0, sh = 0.0;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t q = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; q < n; q += stride) {
    const int64_t i = (q / W) % H, j = q % W;
    const double v = x[q];
    if (i + 1 < H) sv += tv_power(static_cast<double>(x[q + W]) - v, s.power);
    if (j + 1 < W) sh += tv_power(static_cast<double>(x[q + 1]) - v, s.power);
  }
  block_sum_pair(sv, sh);
  if (threadIdx.x == 0) {
    work[2 * blockIdx.x] = sv;
    work[2 * blockIdx.x + 1] = sh;
  }
}

__global__ void tv_final_kernel(int64_t partials, double inv_nv, double inv_nh, const double* work, float* out) {
  double sv = 0.0, sh = 0.0;
  for (int64_t b = threadIdx.x; b < partials; b += blockDim.x) {
    sv += work[2 * b];
    sh += work[2 * b + 1];
  }
  block_sum_pair(sv, sh);
  if (threadIdx.x == 0) out[0] = static_cast<float>(sv * inv_nv + sh * inv_nh);
}

__global__ void tv_backward_kernel(TvShape s, double inv_nv, double inv_nh, const float* gy, const float* x,
                                   float* dx) {
  const int64_t H = s.height, W = s.width, n = s.planes * H * W;
  const double g = gy[0], kv = g * inv_nv, kh = g * inv_nh;
  const int p = s.power;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t q = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; q < n; q += stride) {
    const int64_t i = (q / W) % H, j = q % W;
    const double v = x[q];
    double acc = 0.0;
    if (i > 0) acc += kv * tv_slope(v - x[q - W], p);
    if (i + 1 < H) acc -= kv * tv_slope(x[q + W] - v, p);
    if (j > 0) acc += kh * tv_slope(v - x[q - 1], p);
    if (j + 1 < W) acc -= kh * tv_slope(x[q + 1] - v, p);
    dx[q] = static_cast<float>(acc);
  }
}

// 1 / count, or 0 when there are no differences in that direction.
inline double inverse_count(int64_t count) { return count > 0 ? 1.0 / static_cast<double>(count) : 0.0; }

}  // namespace

void tv_forward(const kern::Context& ctx, const TvShape& s, const float* x, double* work, float* out) {
  const int64_t n = s.planes * s.height * s.width;
  int64_t blocks = (n + kTvThreads - 1) / kTvThreads;
  if (blocks < 1) blocks = 1;
  if (blocks > kern::kTvMaxPartials) blocks = kern::kTvMaxPartials;
  UPRES_LAUNCH(tv_partials_kernel, dim3(static_cast<unsigned>(blocks)), dim3(kTvThreads), 0, ctx.stream, s, x, work);
  const double inv_nv = inverse_count(s.planes * (s.height - 1) * s.width);
  const double inv_nh = inverse_count(s.planes * s.height * (s.width - 1));
  UPRES_LAUNCH(tv_final_kernel, dim3(1), dim3(kTvThreads), 0, ctx.stream, blocks, inv_nv, inv_nh,
               static_cast<const double*>(work), out);
}

void tv_backward(const kern::Context& ctx, const TvShape& s, const float* gy, const float* x, float* dx) {
  const int64_t n = s.planes * s.height * s.width;
  if (n <= 0) return;
  const double inv_nv = inverse_count(s.planes * (s.height - 1) * s.width);
  const double inv_nh = inverse_count(s.planes * s.height * (s.width - 1));
  UPRES_LAUNCH(tv_backward_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream, s,
               inv_nv, inv_nh, gy, x, dx);
}

}  // namespace upres::UPRES_KERNEL_NS
