// resize.h - one separable resampling pass of MATLAB's imresize, and its backward, on the GPU
// backends (cuda, simt). Same signatures and order of additions as kernels/cpu/resize.h: the
// index/weight tables are computed on the host (engine/resize_weights.h) and passed as device
// pointers. Under simt the results are bit-identical to cpu; nvcc may contract a multiply and
// an add into one FMA (within ~1e-6 relative).
#pragma once

#include <cstdint>

#include "kernels/context.h"
#include "kernels/cuda/declare.h"
#include "kernels/shapes/resize.h"

UPRES_DECLARE_GPU_KERNELS(
void resize_width_forward(const kern::Context& ctx, const kern::ResizeShape& s, const float* x,
                          const int32_t* index, const float* weight, float* y);
void resize_height_forward(const kern::Context& ctx, const kern::ResizeShape& s, const float* x,
                           const int32_t* index, const float* weight, float* y);
void resize_width_backward(const kern::Context& ctx, const kern::ResizeShape& s, int64_t taps_t, const float* dy,
                           const int32_t* index_t, const float* weight_t, float* dx);
void resize_height_backward(const kern::Context& ctx, const kern::ResizeShape& s, int64_t taps_t, const float* dy,
                            const int32_t* index_t, const float* weight_t, float* dx);
)
