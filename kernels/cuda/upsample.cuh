// upsample.cuh - resizing as CUDA kernels, with the separable stencil of kernels/cpu/upsample.cpp
// (read it for the source-coordinate and weight formulas, repeated here for device code).
//
// Forward: one thread per output pixel computes its row and column taps (1, 2 or 4 each) and
// sums T*T weighted inputs in the cpu's order.
// Backward: a gather per input row instead of the cpu's scatter, so no two threads write the same
// element and no atomics are needed: thread (plane, iy) clears dx row iy, then walks the output
// rows whose taps include iy and adds their contributions to its row, looping output row, output
// column, row tap, column tap - the order in which the cpu adds them - so on simt the result is
// bit-identical and on a GPU it differs only by FMA contraction.
//
// Napkin math (H100 ~3.3 TB/s, ~60 TFLOP/s FP32): bicubic forward does 16 multiply-adds (32
// FLOPs) plus ~40 for the taps per 4-byte output; the inputs come from cache (each is read by
// ~16 outputs), so ~75 FLOP per 4 B written: ~19 FLOP/B, above the ~18 FLOP/B ridge: compute-
// bound but only just; x4 upscaling of [16, 3, 128, 128] to 512x512 = 12.6 Mpixel * ~75 FLOP
// ~ 1 GFLOP ~ 20 us. The backward's threads each scan every output row (a cheap tap test) and
// process ~4r of them: planes * in_h threads, enough for N*C >= 8 planes of 128 rows.
#pragma once

#include "kernels/cuda/grid.h"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/upsample.h"

namespace upres::UPRES_KERNEL_NS {

namespace {

enum class Resize : int { nearest, linear, cubic };

// The taps of output index o along one axis (in -> out samples).
struct Taps {
  int T;
  int64_t idx[4];
  float wt[4];
};

constexpr float kCubicA = -0.75f;  // Keys' a, as PyTorch
__device__ __forceinline__ float cubic_near(float d) {
  return ((kCubicA + 2.0f) * d - (kCubicA + 3.0f)) * d * d + 1.0f;
}
__device__ __forceinline__ float cubic_far(float d) {
  return ((kCubicA * d - 5.0f * kCubicA) * d + 8.0f * kCubicA) * d - 4.0f * kCubicA;
}

__device__ Taps taps_of(Resize mode, int64_t in, int64_t out, int64_t o) {
  Taps t;
  const float scale = static_cast<float>(in) / static_cast<float>(out);
  if (mode == Resize::nearest) {
    t.T = 1;
    t.wt[0] = 1.0f;
    if (out == in) t.idx[0] = o;
    else if (out == 2 * in) t.idx[0] = o >> 1;
    else {
      const int64_t i = static_cast<int64_t>(floorf(static_cast<float>(o) * scale));
      t.idx[0] = i < in - 1 ? i : in - 1;
    }
    return t;
  }
  const float src = scale * (static_cast<float>(o) + 0.5f) - 0.5f;
  if (mode == Resize::linear) {
    const float s = src > 0.0f ? src : 0.0f;
    int64_t i0 = static_cast<int64_t>(floorf(s));
    if (i0 > in - 1) i0 = in - 1;
    const float l1 = fminf(fmaxf(s - static_cast<float>(i0), 0.0f), 1.0f);
    t.T = 2;
    t.idx[0] = i0;
    t.idx[1] = i0 + (i0 < in - 1 ? 1 : 0);
    t.wt[0] = 1.0f - l1;
    t.wt[1] = l1;
    return t;
  }
  int64_t i0 = static_cast<int64_t>(floorf(src));
  if (i0 > in - 1) i0 = in - 1;
  const float f = fminf(fmaxf(src - static_cast<float>(i0), 0.0f), 1.0f);
  t.T = 4;
  t.wt[0] = cubic_far(f + 1.0f);
  t.wt[1] = cubic_near(f);
  t.wt[2] = cubic_near(1.0f - f);
  t.wt[3] = cubic_far(2.0f - f);
  for (int k = 0; k < 4; ++k) {
    int64_t i = i0 - 1 + k;
    i = i < 0 ? 0 : (i > in - 1 ? in - 1 : i);
    t.idx[k] = i;
  }
  return t;
}

__global__ void resize_forward_kernel(Resize mode, kern::UpsampleShape s, const float* x, float* y) {
  const int64_t n = s.planes * s.out_h * s.out_w;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const int64_t ox = i % s.out_w, po = i / s.out_w, oy = po % s.out_h, p = po / s.out_h;
    const Taps ty = taps_of(mode, s.in_h, s.out_h, oy), tx = taps_of(mode, s.in_w, s.out_w, ox);
    const float* xp = x + p * s.in_h * s.in_w;
    float acc = 0.0f;
    for (int a = 0; a < ty.T; ++a) {
      const float* row = xp + ty.idx[a] * s.in_w;
      float racc = 0.0f;
      for (int b = 0; b < tx.T; ++b) racc += tx.wt[b] * row[tx.idx[b]];
      acc += ty.wt[a] * racc;
    }
    y[i] = acc;
  }
}

__global__ void resize_backward_kernel(Resize mode, kern::UpsampleShape s, const float* dy, float* dx) {
  const int64_t n = s.planes * s.in_h;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const int64_t iy = i % s.in_h, p = i / s.in_h;
    float* row = dx + i * s.in_w;  // dx row iy of plane p
    for (int64_t k = 0; k < s.in_w; ++k) row[k] = 0.0f;
    const float* dyp = dy + p * s.out_h * s.out_w;
    for (int64_t oy = 0; oy < s.out_h; ++oy) {
      const Taps ty = taps_of(mode, s.in_h, s.out_h, oy);
      bool hit = false;
      for (int a = 0; a < ty.T; ++a) hit = hit || ty.idx[a] == iy;
      if (!hit) continue;
      for (int64_t ox = 0; ox < s.out_w; ++ox) {
        const Taps tx = taps_of(mode, s.in_w, s.out_w, ox);
        const float g = dyp[oy * s.out_w + ox];
        for (int a = 0; a < ty.T; ++a) {
          if (ty.idx[a] != iy) continue;
          const float ga = g * ty.wt[a];
          for (int b = 0; b < tx.T; ++b) row[tx.idx[b]] += ga * tx.wt[b];
        }
      }
    }
  }
}

void resize_forward(const kern::Context& ctx, Resize mode, const kern::UpsampleShape& s, const float* x,
                    float* y) {
  const int64_t n = s.planes * s.out_h * s.out_w;
  if (n <= 0) return;
  UPRES_LAUNCH(resize_forward_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0,
               ctx.stream, mode, s, x, y);
}

void resize_backward(const kern::Context& ctx, Resize mode, const kern::UpsampleShape& s, const float* dy,
                     float* dx) {
  const int64_t n = s.planes * s.in_h;
  if (n <= 0 || s.in_w <= 0) return;
  UPRES_LAUNCH(resize_backward_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0,
               ctx.stream, mode, s, dy, dx);
}

}  // namespace

void upsample_nearest_forward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* x, float* y) {
  resize_forward(ctx, Resize::nearest, s, x, y);
}
void upsample_bilinear_forward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* x, float* y) {
  resize_forward(ctx, Resize::linear, s, x, y);
}
void upsample_bicubic_forward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* x, float* y) {
  resize_forward(ctx, Resize::cubic, s, x, y);
}
void upsample_nearest_backward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* dy, float* dx) {
  resize_backward(ctx, Resize::nearest, s, dy, dx);
}
void upsample_bilinear_backward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* dy, float* dx) {
  resize_backward(ctx, Resize::linear, s, dy, dx);
}
void upsample_bicubic_backward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* dy, float* dx) {
  resize_backward(ctx, Resize::cubic, s, dy, dx);
}

}  // namespace upres::UPRES_KERNEL_NS
