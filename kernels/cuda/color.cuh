// color.cuh - the colour transform as a CUDA kernel: one thread per pixel (grid-stride), each
// reads its in_channels values (stride H*W apart: coalesced across the warp per channel) and
// writes out_channels values: kern::color_transform_pixel, the function the CPU loop calls.
//
// Napkin math (H100 ~3.3 TB/s): 24 bytes per RGB pixel moved, 9 double multiply-adds
// (~67 TFLOP/s FP64 on H100 is plenty): memory-bound; a [16, 3, 512, 512] batch (50 MB in+out)
// ~ 15 us.
#pragma once

#include "kernels/cuda/color.h"
#include "kernels/cuda/grid.h"
#include "kernels/cuda/launch.h"

namespace upres::UPRES_KERNEL_NS {

namespace {

__global__ void color_transform_kernel(kern::ColorTransform t, const float* x, float* y) {
  const int64_t P = t.plane, n = t.batch * P;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const int64_t b = i / P, p = i % P;
    kern::color_transform_pixel(t, x + b * t.in_channels * P + p, y + b * t.out_channels * P + p, P);
  }
}

}  // namespace

void color_transform(const kern::Context& ctx, const kern::ColorTransform& t, const float* x, float* y) {
  const int64_t n = t.batch * t.plane;
  if (n <= 0) return;
  UPRES_LAUNCH(color_transform_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream,
               t, x, y);
}

}  // namespace upres::UPRES_KERNEL_NS
