// norm.cuh - batch norm as CUDA kernels.
//
// Statistics and backward are per-channel reductions: one block per channel, its 256 threads
// striding over the channel's n blocks of hw contiguous floats (coalesced), summing in double,
// combined by warp shuffles and shared memory in a fixed tree (as reduce.cuh), so the results
// do not depend on scheduling. The variance takes two passes (mean first, then squared
// deviations), as the cpu. The backward block then writes dx for its channel itself, after
// both sums are known. The forward and the running averages are grid-stride pointwise loops.
//
// Agreement with the cpu: the sums are doubles added in another order (equal after rounding
// to float but for ~1 ulp), and nvcc (like GCC with -march=native) may fuse x * scale + shift
// and the dx expression into FMAs: a few ulp, see tests/parity/norm_parity.h.
//
// Napkin math (H100 ~3.3 TB/s): stats read x twice (8 B per element), the forward reads x and
// writes y (8 B, 2 FLOPs), the backward reads x and dy twice and writes dx (20 B, ~10 FLOPs):
// all memory-bound. One block per channel gives C blocks: 64 channels fill half of the 132 SMs
// (~1.5 TB/s); enough for SR-sized feature maps (a [16, 64, 128, 128] batch: ~0.2 ms for the
// backward's 335 MB), and a split over the batch would lift it if it matters.
#pragma once

#include "kernels/cuda/grid.h"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/norm.h"

namespace upres::UPRES_KERNEL_NS {

namespace {

using kern::BatchNormShape;

constexpr int kNormThreads = 256;

__device__ __forceinline__ double warp_sum(double v) {
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
  return v;
}

// Sum of v over the block, returned to every thread. `scratch` is a __shared__ double[33].
__device__ double block_sum_all(double v, double* scratch) {
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  v = warp_sum(v);
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < static_cast<int>(blockDim.x / 32) ? scratch[lane] : 0.0;
    v = warp_sum(v);
    if (lane == 0) scratch[32] = v;
  }
  __syncthreads();
  const double total = scratch[32];
  __syncthreads();  // scratch may be reused right after
  return total;
}

// Element j of channel ch: block j / hw, position j % hw.
__device__ __forceinline__ int64_t channel_offset(const BatchNormShape& s, int64_t ch, int64_t j) {
  return ((j / s.hw) * s.c + ch) * s.hw + j % s.hw;
}

__global__ void stats_kernel(BatchNormShape s, const float* x, float* mean, float* var) {
  __shared__ double scratch[33];
  const int64_t ch = blockIdx.x, count = s.n * s.hw;
  double sum = 0.0;
  for (int64_t j = threadIdx.x; j < count; j += blockDim.x) sum += x[channel_offset(s, ch, j)];
  const double m = block_sum_all(sum, scratch) / static_cast<double>(count);
  double sq = 0.0;
  for (int64_t j = threadIdx.x; j < count; j += blockDim.x) {
    const double d = x[channel_offset(s, ch, j)] - m;
    sq += d * d;
  }
  sq = block_sum_all(sq, scratch);
  if (threadIdx.x == 0) {
    mean[ch] = static_cast<float>(m);
    var[ch] = static_cast<float>(sq / static_cast<double>(count));
  }
}

__global__ void update_running_kernel(int64_t c, float momentum, float unbias, const float* mean, const float* var,
                                      float* running_mean, float* running_var) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t ch = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; ch < c; ch += stride) {
    running_mean[ch] = (1.0f - momentum) * running_mean[ch] + momentum * mean[ch];
    running_var[ch] = (1.0f - momentum) * running_var[ch] + momentum * var[ch] * unbias;
  }
}

__global__ void forward_kernel(BatchNormShape s, const float* x, const float* mean, const float* var, float eps,
                               const float* weight, const float* bias, float* y) {
  const int64_t n = s.n * s.c * s.hw;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const int64_t ch = (i / s.hw) % s.c;
    const float invstd = 1.0f / sqrtf(var[ch] + eps);
    const float scale = (weight ? weight[ch] : 1.0f) * invstd;
    const float shift = (bias ? bias[ch] : 0.0f) - mean[ch] * scale;
    y[i] = x[i] * scale + shift;
  }
}

__global__ void backward_kernel(BatchNormShape s, const float* x, const float* dy, const float* mean,
                                const float* var, float eps, const float* weight, bool training, float* dx,
                                float* dweight, float* dbias) {
  __shared__ double scratch[33];
  const int64_t ch = blockIdx.x, count = s.n * s.hw;
  const float m = mean[ch];
  const float invstd = 1.0f / sqrtf(var[ch] + eps);
  double sum_dy = 0.0, sum_dy_xhat = 0.0;
  for (int64_t j = threadIdx.x; j < count; j += blockDim.x) {
    const int64_t o = channel_offset(s, ch, j);
    sum_dy += dy[o];
    sum_dy_xhat += static_cast<double>(dy[o]) * ((x[o] - m) * invstd);
  }
  sum_dy = block_sum_all(sum_dy, scratch);
  sum_dy_xhat = block_sum_all(sum_dy_xhat, scratch);
  if (threadIdx.x == 0) {
    if (dweight) dweight[ch] = static_cast<float>(sum_dy_xhat);
    if (dbias) dbias[ch] = static_cast<float>(sum_dy);
  }
  if (!dx) return;
  const float k = (weight ? weight[ch] : 1.0f) * invstd;
  const float mean_dy = training ? static_cast<float>(sum_dy / static_cast<double>(count)) : 0.0f;
  const float mean_dy_xhat = training ? static_cast<float>(sum_dy_xhat / static_cast<double>(count)) : 0.0f;
  for (int64_t j = threadIdx.x; j < count; j += blockDim.x) {
    const int64_t o = channel_offset(s, ch, j);
    const float xhat = (x[o] - m) * invstd;
    dx[o] = k * (dy[o] - mean_dy - xhat * mean_dy_xhat);
  }
}

}  // namespace

void batch_norm_stats(const kern::Context& ctx, const BatchNormShape& s, const float* x, float* mean, float* var) {
  if (s.c <= 0) return;
  UPRES_LAUNCH(stats_kernel, dim3(static_cast<unsigned>(s.c)), dim3(kNormThreads), 0, ctx.stream, s, x, mean, var);
}

void batch_norm_update_running(const kern::Context& ctx, const BatchNormShape& s, const float* mean,
                               const float* var, float momentum, float* running_mean, float* running_var) {
  if (s.c <= 0) return;
  const int64_t count = s.n * s.hw;
  const float unbias = static_cast<float>(static_cast<double>(count) / static_cast<double>(count - 1));
  UPRES_LAUNCH(update_running_kernel, dim3(kern::stream_blocks(s.c)), dim3(kern::kStreamThreads), 0, ctx.stream,
               s.c, momentum, unbias, mean, var, running_mean, running_var);
}

void batch_norm_forward(const kern::Context& ctx, const BatchNormShape& s, const float* x, const float* mean,
                        const float* var, float eps, const float* weight, const float* bias, float* y) {
  const int64_t n = s.n * s.c * s.hw;
  if (n <= 0) return;
  UPRES_LAUNCH(forward_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream, s, x,
               mean, var, eps, weight, bias, y);
}

void batch_norm_backward(const kern::Context& ctx, const BatchNormShape& s, const float* x, const float* dy,
                         const float* mean, const float* var, float eps, const float* weight, bool training,
                         float* dx, float* dweight, float* dbias) {
  if (s.c <= 0) return;
  UPRES_LAUNCH(backward_kernel, dim3(static_cast<unsigned>(s.c)), dim3(kNormThreads), 0, ctx.stream, s, x, dy,
               mean, var, eps, weight, training, dx, dweight, dbias);
}

}  // namespace upres::UPRES_KERNEL_NS
