// shape.cuh - copies and padding as CUDA kernels: one thread per output element, grid-stride
// (grid.h), so consecutive threads write consecutive floats.
//
// strided_copy: element i of the [planes, rows, cols] block reads src at its plane/row offset.
// pad_forward: output pixel (p, r, c) reads x at (p, src(r), src(c)) or writes the constant.
// pad_backward is a gather, not the cpu's scatter: thread (p, i, j) of dx sums the dy pixels
// whose source is (i, j). Those rows form at most three ranges in ascending order (the border
// before the plane, the pixel itself, the border after it; likewise the columns), and the
// thread adds them row by row, column by column - the order in which the cpu loop adds them -
// so the float sums are bit-identical, with no atomics and no dependence on scheduling.
//
// Napkin math (H100 ~3.3 TB/s): all of these move 8 B per output element and compute nothing
// (the backward: a handful of adds for border pixels only): pure bandwidth, ~400 Gelem/s at
// peak. The index arithmetic (3 64-bit div/mod per element) costs ~75 integer instructions per
// element, about what the bandwidth allows; a 2-d grid would remove it if it ever shows.
#pragma once

#include "kernels/cuda/grid.h"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/shape.h"

namespace upres::UPRES_KERNEL_NS {

namespace {

using kern::PadMode;
using kern::PadShape;

__global__ void strided_copy_kernel(kern::CopyShape s, const float* src, float* dst) {
  const int64_t n = s.planes * s.rows * s.cols;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const int64_t c = i % s.cols, pr = i / s.cols, r = pr % s.rows, p = pr / s.rows;
    dst[p * s.dst_plane_stride + r * s.dst_row_stride + c] = src[p * s.src_plane_stride + r * s.src_row_stride + c];
  }
}

// kern::pad_source for device code (the shapes header is plain host C++): the source index of
// padded index i along a dim of size n with `before` padded in front, or -1 for the constant.
__device__ __forceinline__ int64_t pad_src(int64_t i, int64_t n, int64_t before, PadMode mode) {
  const int64_t s = i - before;
  if (s >= 0 && s < n) return s;
  if (mode == PadMode::zero) return -1;
  if (mode == PadMode::replicate) return s < 0 ? 0 : n - 1;
  return s < 0 ? -s : 2 * (n - 1) - s;  // reflect: mirror about the edge pixel
}

__global__ void pad_forward_kernel(PadShape s, const float* x, float* y) {
  const int64_t oh = s.h + s.top + s.bottom, ow = s.w + s.left + s.right;
  const int64_t n = s.planes * oh * ow;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const int64_t c = i % ow, pr = i / ow, r = pr % oh, p = pr / oh;
    const int64_t sr = pad_src(r, s.h, s.top, s.mode), sc = pad_src(c, s.w, s.left, s.mode);
    y[i] = (sr < 0 || sc < 0) ? s.value : x[(p * s.h + sr) * s.w + sc];
  }
}

// The padded indices [begin, end) whose source is k, along a dim of size n padded by `before`
// and `after`: up to three ranges, in ascending order (before the plane, k itself, after it).
struct Ranges {
  int64_t begin[3], end[3];
};

__device__ __forceinline__ Ranges sources_of(int64_t k, int64_t n, int64_t before, int64_t after,
                                             PadMode mode) {
  const int64_t out = n + before + after;
  Ranges g = {{0, before + k, 0}, {0, before + k + 1, 0}};
  if (mode == PadMode::replicate) {
    if (k == 0) g.end[0] = before;  // every padded index in front copies pixel 0
    if (k == n - 1) {
      g.begin[2] = before + n;
      g.end[2] = out;
    }
  } else if (mode == PadMode::reflect) {
    if (k >= 1 && k <= before) {  // padded index before - k mirrors k
      g.begin[0] = before - k;
      g.end[0] = before - k + 1;
    }
    const int64_t j = before + 2 * (n - 1) - k;  // mirrors k from behind
    if (j >= before + n && j < out) {
      g.begin[2] = j;
      g.end[2] = j + 1;
    }
  }
  return g;
}

__global__ void pad_backward_kernel(PadShape s, const float* dy, float* dx) {
  const int64_t oh = s.h + s.top + s.bottom, ow = s.w + s.left + s.right;
  const int64_t n = s.planes * s.h * s.w;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const int64_t j = i % s.w, pk = i / s.w, k = pk % s.h, p = pk / s.h;
    const Ranges rows = sources_of(k, s.h, s.top, s.bottom, s.mode);
    const Ranges cols = sources_of(j, s.w, s.left, s.right, s.mode);
    const float* plane = dy + p * oh * ow;
    float acc = 0.0f;
    for (int a = 0; a < 3; ++a)
      for (int64_t r = rows.begin[a]; r < rows.end[a]; ++r)
        for (int b = 0; b < 3; ++b)
          for (int64_t c = cols.begin[b]; c < cols.end[b]; ++c) acc += plane[r * ow + c];
    dx[i] = acc;
  }
}

}  // namespace

void strided_copy(const kern::Context& ctx, const kern::CopyShape& s, const float* src, float* dst) {
  const int64_t n = s.planes * s.rows * s.cols;
  if (n <= 0) return;
  UPRES_LAUNCH(strided_copy_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0,
               ctx.stream, s, src, dst);
}

void pad_forward(const kern::Context& ctx, const PadShape& s, const float* x, float* y) {
  const int64_t n = s.planes * s.out_h() * s.out_w();
  if (n <= 0) return;
  UPRES_LAUNCH(pad_forward_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0,
               ctx.stream, s, x, y);
}

void pad_backward(const kern::Context& ctx, const PadShape& s, const float* dy, float* dx) {
  const int64_t n = s.planes * s.h * s.w;
  if (n <= 0) return;
  UPRES_LAUNCH(pad_backward_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0,
               ctx.stream, s, dy, dx);
}

}  // namespace upres::UPRES_KERNEL_NS
