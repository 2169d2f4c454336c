// reduce.cuh - sums over dims and the fused pixel losses as CUDA kernels.
//
// sum_reduce sees the merged kept/reduced blocks of kernels/shapes/reduce.h and picks one of two
// layouts by the role of the innermost (contiguous) block, as the cpu kernel does:
//  * innermost reduced (sum over all, per channel, over H*W): one block per output. Its threads
//    stride over the output's reduced elements (consecutive threads read consecutive floats,
//    so loads coalesce), each sums in double, then the block adds the 256 partial sums: warp
//    shuffles (__shfl_down_sync) inside each warp, the 8 warp totals through shared memory.
//  * innermost kept (sum over the batch, sum_to [1,1,1,W]): one thread per output, summing its
//    column of reduced rows in double; neighbouring threads read neighbouring floats.
// Either way every partial sum covers a set of elements fixed by blockDim alone and the tree is
// fixed, so the result is the same in every run and every simt scheduling order.
//
// The losses (l1, mse) sum f(a - b) over everything with one block of 1024 threads: no scratch
// buffer is needed (kernels get no workspace) and the order is fixed.
//
// Napkin math (H100: ~3.3 TB/s; FP64 adds run at half the ~60 TFLOP/s FP32 rate, no limit
// here): 4 B read per element and one double add, 0.25 FLOP/B: memory-bound. The layouts reach full bandwidth when they have enough blocks/threads: per-
// channel sums of a [16, 64, 128, 128] gradient give 64 blocks (half the 132 SMs: ~1.5 TB/s,
// ~0.04 ms for 67 MB); a full sum or a loss runs on one SM (~0.1-0.2 TB/s: ~40 us for the 6 MB
// of a [16, 3, 128, 128] loss). A two-pass version with a workspace would lift that cap.
// Index arithmetic: a 64-bit div/mod per merged dim per element; for the usual 1-2 reduced
// dims that stays below the memory time.
#pragma once

#include "kernels/cuda/grid.h"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/reduce.h"

namespace upres::UPRES_KERNEL_NS {

namespace {

constexpr int kReduceThreads = 256;      // sum_reduce, innermost reduced: threads per output
constexpr int kLossThreads = 1024;       // the one block of a loss
constexpr unsigned kMaxReduceBlocks = 65535;

// Some dims of the input with their element strides: index -> offset (row-major over the list).
struct DimList {
  int n = 0;
  int64_t size[kern::kMaxReduceDims] = {};
  int64_t stride[kern::kMaxReduceDims] = {};
  int64_t count = 1;
  void add(int64_t sz, int64_t st) {
    size[n] = sz;
    stride[n] = st;
    ++n;
    count *= sz;
  }
  __host__ __device__ int64_t offset(int64_t idx) const {
    int64_t off = 0;
    for (int d = n - 1; d >= 0; --d) {
      off += (idx % size[d]) * stride[d];
      idx /= size[d];
    }
    return off;
  }
};

// Sum of v over the 32 lanes of a full warp, in a fixed tree (lane 0 holds it).
__device__ __forceinline__ double warp_sum(double v) {
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
  return v;
}

// Sum of v over the block (blockDim.x a multiple of 32, at most 1024); valid in thread 0.
// `warp_sums` is a __shared__ double[32]; the trailing barrier lets the caller reuse it.
__device__ double block_sum(double v, double* warp_sums) {
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  v = warp_sum(v);
  if (lane == 0) warp_sums[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < static_cast<int>(blockDim.x / 32) ? warp_sums[lane] : 0.0;
    v = warp_sum(v);
  }
  __syncthreads();
  return v;
}

// Innermost block reduced: block b sums outputs b, b + gridDim.x, ...
__global__ void sum_rows_kernel(DimList kept, DimList red, float scale, const float* x, float* y) {
  __shared__ double warp_sums[32];
  for (int64_t o = blockIdx.x; o < kept.count; o += gridDim.x) {
    const float* base = x + kept.offset(o);
    double acc = 0.0;
    for (int64_t r = threadIdx.x; r < red.count; r += blockDim.x) acc += base[red.offset(r)];
    acc = block_sum(acc, warp_sums);
    if (threadIdx.x == 0) y[o] = static_cast<float>(scale * acc);
  }
}

// Innermost block kept: thread e sums output e's column over the reduced rows.
__global__ void sum_columns_kernel(DimList kept, DimList red, float scale, const float* x, float* y) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < kept.count; e += stride) {
    const float* base = x + kept.offset(e);
    double acc = 0.0;
    for (int64_t r = 0; r < red.count; ++r) acc += base[red.offset(r)];
    y[e] = static_cast<float>(scale * acc);
  }
}

__global__ void fill_kernel(int64_t n, float value, float* y) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    y[i] = value;
}

struct AbsF {
  __device__ double operator()(double d) const { return fabs(d); }
};
struct SquareF {
  __device__ double operator()(double d) const { return d * d; }
};

// out[0] = scale * sum_i f(a_i - b_i), the difference taken in double as on the cpu.
template <typename F>
__global__ void diff_sum_kernel(int64_t n, F f, const float* a, const float* b, float scale, float* out) {
  __shared__ double warp_sums[32];
  double acc = 0.0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x)
    acc += f(static_cast<double>(a[i]) - static_cast<double>(b[i]));
  acc = block_sum(acc, warp_sums);
  if (threadIdx.x == 0) out[0] = static_cast<float>(scale * acc);
}

struct SignF {
  __device__ float operator()(float d) const { return d > 0.0f ? 1.0f : (d < 0.0f ? -1.0f : 0.0f); }
};
struct IdentityF {
  __device__ float operator()(float d) const { return d; }
};

// ga = c f(a - b), gb = -ga with c = scale * g[0] (g lives on the device); ga or gb may be null.
template <typename F>
__global__ void diff_backward_kernel(int64_t n, F f, const float* a, const float* b, const float* g,
                                     float scale, float* ga, float* gb) {
  const float c = scale * g[0];
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const float v = c * f(a[i] - b[i]);
    if (ga) ga[i] = v;
    if (gb) gb[i] = -v;
  }
}

template <typename F>
void diff_sum(const kern::Context& ctx, int64_t n, F f, const float* a, const float* b, float scale,
              float* out) {
  // n == 0 still writes out (0, or NaN for a mean), as the cpu kernel.
  UPRES_LAUNCH(diff_sum_kernel<F>, dim3(1), dim3(kLossThreads), 0, ctx.stream, n, f, a, b, scale, out);
}

template <typename F>
void diff_backward(const kern::Context& ctx, int64_t n, F f, const float* a, const float* b,
                   const float* g, float scale, float* ga, float* gb) {
  if (n <= 0 || (!ga && !gb)) return;
  UPRES_LAUNCH(diff_backward_kernel<F>, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0,
               ctx.stream, n, f, a, b, g, scale, ga, gb);
}

}  // namespace

void sum_reduce(const kern::Context& ctx, const kern::ReduceShape& s, float scale, const float* x,
                float* y) {
  const int64_t out_n = s.out_numel;
  if (out_n == 0) return;
  if (s.in_numel == 0) {  // empty sums are 0; scaled, an empty mean is 0 * inf = NaN, as torch
    UPRES_LAUNCH(fill_kernel, dim3(kern::stream_blocks(out_n)), dim3(kern::kStreamThreads), 0,
                 ctx.stream, out_n, scale * 0.0f, y);
    return;
  }
  // Element strides of the merged dims, split into kept and reduced lists.
  int64_t stride[kern::kMaxReduceDims];
  int64_t st = 1;
  for (int d = s.ndim - 1; d >= 0; --d) {
    stride[d] = st;
    st *= s.size[d];
  }
  DimList kept, red;
  for (int d = 0; d < s.ndim; ++d) (s.reduced[d] ? red : kept).add(s.size[d], stride[d]);
  // ndim == 0 (one element) takes the first layout: one block, one element.
  if (s.ndim == 0 || s.reduced[s.ndim - 1]) {
    const unsigned blocks = static_cast<unsigned>(out_n < kMaxReduceBlocks ? out_n : kMaxReduceBlocks);
    UPRES_LAUNCH(sum_rows_kernel, dim3(blocks), dim3(kReduceThreads), 0, ctx.stream, kept, red, scale,
                 x, y);
  } else {
    UPRES_LAUNCH(sum_columns_kernel, dim3(kern::stream_blocks(out_n)), dim3(kern::kStreamThreads), 0,
                 ctx.stream, kept, red, scale, x, y);
  }
}

void l1_loss_forward(const kern::Context& ctx, int64_t n, const float* a, const float* b, float scale,
                     float* out) {
  diff_sum(ctx, n, AbsF{}, a, b, scale, out);
}

void mse_loss_forward(const kern::Context& ctx, int64_t n, const float* a, const float* b,
                      float scale, float* out) {
  diff_sum(ctx, n, SquareF{}, a, b, scale, out);
}

void l1_loss_backward(const kern::Context& ctx, int64_t n, const float* a, const float* b,
                      const float* g, float scale, float* ga, float* gb) {
  diff_backward(ctx, n, SignF{}, a, b, g, scale, ga, gb);
}

void mse_loss_backward(const kern::Context& ctx, int64_t n, const float* a, const float* b,
                       const float* g, float scale, float* ga, float* gb) {
  diff_backward(ctx, n, IdentityF{}, a, b, g, 2.0f * scale, ga, gb);  // c = (2 scale) g, as the cpu
}

}  // namespace upres::UPRES_KERNEL_NS
