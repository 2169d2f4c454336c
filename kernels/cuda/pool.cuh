// pool.cuh - pooling as CUDA kernels.
//
// Forward: one thread per output pixel runs the cpu's loop over its (clipped) window.
// Backward: one thread per input pixel gathers from the outputs whose windows contain it, in
// ascending output row then column - the order in which the cpu's scatter adds them - so the
// float sums are bit-identical, with no atomics. Output rows whose stride-s window of size k
// (shifted by the padding) covers input row iy are ceil((iy + pad - k + 1) / s) ..
// floor((iy + pad) / s); max pooling re-finds each such window's argmax (as the cpu backward
// does) and takes the gradient only where it is this pixel. The average pool's backward adds
// dy * (1/k^2) terms, where a compiler may fuse multiply and add (nvcc does by default; GCC
// with -march=native may, on either side): equal to the cpu within a rounding per term.
//
// Napkin math (H100 ~3.3 TB/s): for k <= s each input is read once, 4-8 B and k*k/(s*s) ~ 1
// add per element: memory-bound. Overlapping windows (3x3, stride 1) read each input 9 times,
// from L1/L2, and the max backward re-scans ~(k/s)^2 windows of k*k per pixel (81 compares for
// 3x3/1): ~20 FLOP/B, around the ~18 FLOP/B ridge, i.e. still fine at SR feature-map sizes.
#pragma once

#include "kernels/cuda/grid.h"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/pool.h"

namespace upres::UPRES_KERNEL_NS {

namespace {

using kern::PoolShape;

struct Range {
  int64_t lo, hi;
};

// The in-image part [lo, hi) of the window starting at `start` (may be negative).
__device__ __forceinline__ Range clip(int64_t start, int64_t kernel, int64_t size) {
  return {start > 0 ? start : 0, start + kernel < size ? start + kernel : size};
}

// Adaptive pooling: cell i of `out` covers [floor(i*in/out), ceil((i+1)*in/out)).
__device__ __forceinline__ Range adaptive(int64_t i, int64_t in, int64_t out) {
  return {(i * in) / out, ((i + 1) * in + out - 1) / out};
}

// The outputs [lo, hi) along one axis whose windows contain input index i.
__device__ __forceinline__ Range covering(int64_t i, const PoolShape& s, int64_t out) {
  const int64_t first = i + s.padding - s.kernel + 1;
  const int64_t lo = first <= 0 ? 0 : (first + s.stride - 1) / s.stride;
  const int64_t last = (i + s.padding) / s.stride;
  return {lo, last + 1 < out ? last + 1 : out};
}

// Row-major index of the first largest in-image value of a window (a NaN wins, as in PyTorch).
__device__ int64_t window_argmax(const float* xp, const PoolShape& s, Range r, Range c) {
  int64_t best_i = r.lo * s.in_w + c.lo;
  float best = -INFINITY;
  for (int64_t iy = r.lo; iy < r.hi; ++iy)
    for (int64_t ix = c.lo; ix < c.hi; ++ix) {
      const float v = xp[iy * s.in_w + ix];
      if (v > best || v != v) {  // v != v: NaN (no isnan in both builds alike)
        best = v;
        best_i = iy * s.in_w + ix;
      }
    }
  return best_i;
}

enum class Pool : int { avg, max, adaptive };

__global__ void pool_forward_kernel(Pool kind, PoolShape s, const float* x, float* y) {
  const int64_t n = s.planes * s.out_h * s.out_w;
  const float inv = 1.0f / static_cast<float>(s.kernel * s.kernel);
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const int64_t ox = i % s.out_w, po = i / s.out_w, oy = po % s.out_h, p = po / s.out_h;
    const float* xp = x + p * s.in_h * s.in_w;
    Range r, c;
    if (kind == Pool::adaptive) {
      r = adaptive(oy, s.in_h, s.out_h);
      c = adaptive(ox, s.in_w, s.out_w);
    } else {
      r = clip(oy * s.stride - s.padding, s.kernel, s.in_h);
      c = clip(ox * s.stride - s.padding, s.kernel, s.in_w);
    }
    if (kind == Pool::max) {
      y[i] = xp[window_argmax(xp, s, r, c)];
      continue;
    }
    float acc = 0.0f;
    for (int64_t iy = r.lo; iy < r.hi; ++iy)
      for (int64_t ix = c.lo; ix < c.hi; ++ix) acc += xp[iy * s.in_w + ix];
    y[i] = kind == Pool::avg ? acc * inv : acc / static_cast<float>((r.hi - r.lo) * (c.hi - c.lo));
  }
}

__global__ void pool_backward_kernel(Pool kind, PoolShape s, const float* x, const float* dy, float* dx) {
  const int64_t n = s.planes * s.in_h * s.in_w;
  const float inv = 1.0f / static_cast<float>(s.kernel * s.kernel);
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const int64_t ix = i % s.in_w, pi = i / s.in_w, iy = pi % s.in_h, p = pi / s.in_h;
    const float* dyp = dy + p * s.out_h * s.out_w;
    float acc = 0.0f;
    if (kind == Pool::adaptive) {
      for (int64_t oy = 0; oy < s.out_h; ++oy) {
        const Range r = adaptive(oy, s.in_h, s.out_h);
        if (iy < r.lo || iy >= r.hi) continue;
        for (int64_t ox = 0; ox < s.out_w; ++ox) {
          const Range c = adaptive(ox, s.in_w, s.out_w);
          if (ix < c.lo || ix >= c.hi) continue;
          acc += dyp[oy * s.out_w + ox] / static_cast<float>((r.hi - r.lo) * (c.hi - c.lo));
        }
      }
    } else {
      const Range rows = covering(iy, s, s.out_h), cols = covering(ix, s, s.out_w);
      const float* xp = x ? x + p * s.in_h * s.in_w : nullptr;
      for (int64_t oy = rows.lo; oy < rows.hi; ++oy)
        for (int64_t ox = cols.lo; ox < cols.hi; ++ox) {
          if (kind == Pool::avg) {
            acc += dyp[oy * s.out_w + ox] * inv;
            continue;
          }
          const Range r = clip(oy * s.stride - s.padding, s.kernel, s.in_h);
          const Range c = clip(ox * s.stride - s.padding, s.kernel, s.in_w);
          if (window_argmax(xp, s, r, c) == iy * s.in_w + ix) acc += dyp[oy * s.out_w + ox];
        }
    }
    dx[i] = acc;
  }
}

void pool_forward(const kern::Context& ctx, Pool kind, const PoolShape& s, const float* x, float* y) {
  const int64_t n = s.planes * s.out_h * s.out_w;
  if (n <= 0) return;
  UPRES_LAUNCH(pool_forward_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream,
               kind, s, x, y);
}

void pool_backward(const kern::Context& ctx, Pool kind, const PoolShape& s, const float* x, const float* dy,
                   float* dx) {
  const int64_t n = s.planes * s.in_h * s.in_w;
  if (n <= 0) return;
  UPRES_LAUNCH(pool_backward_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream,
               kind, s, x, dy, dx);
}

}  // namespace

void avg_pool2d_forward(const kern::Context& ctx, const PoolShape& s, const float* x, float* y) {
  pool_forward(ctx, Pool::avg, s, x, y);
}
void avg_pool2d_backward(const kern::Context& ctx, const PoolShape& s, const float* dy, float* dx) {
  pool_backward(ctx, Pool::avg, s, nullptr, dy, dx);
}
void max_pool2d_forward(const kern::Context& ctx, const PoolShape& s, const float* x, float* y) {
  pool_forward(ctx, Pool::max, s, x, y);
}
void max_pool2d_backward(const kern::Context& ctx, const PoolShape& s, const float* x, const float* dy,
                         float* dx) {
  pool_backward(ctx, Pool::max, s, x, dy, dx);
}
void adaptive_avg_pool2d_forward(const kern::Context& ctx, const PoolShape& s, const float* x, float* y) {
  pool_forward(ctx, Pool::adaptive, s, x, y);
}
void adaptive_avg_pool2d_backward(const kern::Context& ctx, const PoolShape& s, const float* dy, float* dx) {
  pool_backward(ctx, Pool::adaptive, s, nullptr, dy, dx);
}

}  // namespace upres::UPRES_KERNEL_NS
