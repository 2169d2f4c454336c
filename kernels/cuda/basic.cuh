// basic.cuh - fill and axpy as grid-stride CUDA kernels (see grid.h).
//
// Napkin math: fill writes 4 bytes per element; axpy reads 8, writes 4 and does 2 FLOPs. Both are
// bound by memory bandwidth: axpy over 10^8 floats moves 1.2 GB, ~0.4 ms at an H100's ~3 TB/s.
#pragma once

#include "kernels/cuda/basic.h"
#include "kernels/cuda/grid.h"
#include "kernels/cuda/launch.h"

namespace upres::UPRES_KERNEL_NS {

namespace {

__global__ void fill_kernel(int64_t n, float value, float* y) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    y[i] = value;
}

__global__ void axpy_kernel(int64_t n, float alpha, const float* x, float* y) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    y[i] += alpha * x[i];
}

}  // namespace

void fill(const kern::Context& ctx, int64_t n, float value, float* y) {
  if (n <= 0) return;
  UPRES_LAUNCH(fill_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream,
               n, value, y);
}

void axpy(const kern::Context& ctx, int64_t n, float alpha, const float* x, float* y) {
  if (n <= 0) return;
  UPRES_LAUNCH(axpy_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream,
               n, alpha, x, y);
}

}  // namespace upres::UPRES_KERNEL_NS
