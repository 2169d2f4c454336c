// resize.cuh - the two gather passes of MATLAB's imresize as CUDA kernels (see
// kernels/cpu/resize.cpp and kernels/shapes/resize.h). One thread per output sample
// (grid-stride): it reads its table row (index, weight) and sums taps products, starting from
// 0 and adding tap by tap - the cpu's order, so simt matches it bit for bit. The height pass
// uses fmaf, as the cpu's std::fma (one rounding per tap), so cuda matches it too; the width
// pass multiplies and adds separately, as the cpu (nvcc may still contract it: ~1e-7).
//   width pass:  y[p, r, o] = sum_k w[o, k] * x[p, r, idx[o, k]]   (threads of a warp: adjacent o,
//                so the gathers hit neighbouring addresses of one row)
//   height pass: y[p, o, c] = sum_k w[o, k] * x[p, idx[o, k], c]   (adjacent c: coalesced rows)
// The backward is the same gather on the transposed table (engine/resize_weights.h), with
// input and output swapped (kern::transposed_pass): each input sample gathers from the outputs
// whose taps touch it, so no two threads write one element and no atomics are needed.
//
// Napkin math (H100 ~3.3 TB/s, ~60 TFLOP/s FP32): bicubic x1/3 has 4*3 + 2 = 14 taps, ~28 FLOPs
// and 14 table loads (cached) per 4-byte output; the input rows come from L1/L2. A height pass
// of [16, 3, 512, 512] -> 171 rows: 4.2 Mpixel written, ~50 MB in + 17 MB out ~ 20 us,
// memory-bound.
#pragma once

#include "kernels/cuda/grid.h"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/resize.h"

namespace upres::UPRES_KERNEL_NS {

namespace {

// The height pass's w * x + acc, as kernels/cpu/resize.cpp computes it: fused on the GPU and
// wherever the host has FMA (simt on such a host then matches the cpu bit for bit).
__device__ __forceinline__ float resize_madd(float w, float x, float acc) {
#if defined(__CUDACC__) || defined(__FMA__)
  return fmaf(w, x, acc);
#else
  return w * x + acc;
#endif
}

__global__ void resize_width_kernel(kern::ResizeShape s, const float* x, const int32_t* index, const float* weight,
                                    float* y) {
  const int64_t n = s.planes * s.in_h * s.out_w;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const int64_t o = i % s.out_w, r = i / s.out_w;  // r: row of all planes
    const float* in = x + r * s.in_w;
    const int32_t* idx = index + o * s.taps;
    const float* w = weight + o * s.taps;
    float acc = 0.0f;
    for (int64_t k = 0; k < s.taps; ++k) acc += w[k] * in[idx[k]];
    y[i] = acc;
  }
}

__global__ void resize_height_kernel(kern::ResizeShape s, const float* x, const int32_t* index, const float* weight,
                                     float* y) {
  const int64_t W = s.in_w, n = s.planes * s.out_h * W;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const int64_t c = i % W, r = i / W, o = r % s.out_h, p = r / s.out_h;
    const float* plane = x + p * s.in_h * W + c;
    float acc = 0.0f;
    for (int64_t k = 0; k < s.taps; ++k)
      acc = resize_madd(weight[o * s.taps + k], plane[static_cast<int64_t>(index[o * s.taps + k]) * W], acc);
    y[i] = acc;
  }
}

}  // namespace

void resize_width_forward(const kern::Context& ctx, const kern::ResizeShape& s, const float* x,
                          const int32_t* index, const float* weight, float* y) {
  const int64_t n = s.planes * s.in_h * s.out_w;
  if (n <= 0) return;
  UPRES_LAUNCH(resize_width_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream, s,
               x, index, weight, y);
}

void resize_height_forward(const kern::Context& ctx, const kern::ResizeShape& s, const float* x,
                           const int32_t* index, const float* weight, float* y) {
  const int64_t n = s.planes * s.out_h * s.in_w;
  if (n <= 0) return;
  UPRES_LAUNCH(resize_height_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream, s,
               x, index, weight, y);
}

void resize_width_backward(const kern::Context& ctx, const kern::ResizeShape& s, int64_t taps_t, const float* dy,
                           const int32_t* index_t, const float* weight_t, float* dx) {
  resize_width_forward(ctx, kern::transposed_pass(s, taps_t), dy, index_t, weight_t, dx);
}

void resize_height_backward(const kern::Context& ctx, const kern::ResizeShape& s, int64_t taps_t, const float* dy,
                            const int32_t* index_t, const float* weight_t, float* dx) {
  resize_height_forward(ctx, kern::transposed_pass(s, taps_t), dy, index_t, weight_t, dx);
}

}  // namespace upres::UPRES_KERNEL_NS
