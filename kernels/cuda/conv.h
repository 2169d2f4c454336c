// conv.h - 2-D convolution on the GPU backends (cuda, simt): forward, the three backward
// kernels and the per-channel helpers of conv_transpose2d. Same signatures and layouts as
// kernels/cpu/conv.h (read it for the maths); the geometry is a kern::ConvShape.
//
// Two forward paths:
//   conv2d_forward       a hand-written implicit GEMM (conv.cuh): the x patches are gathered
//                        straight into shared-memory tiles, nothing is materialised;
//   conv2d_forward_gemm  explicit im2col into a workspace + cublasSgemmStridedBatched (under
//                        simt: the cuBLAS shim over the CPU GEMM). Kept to compare against.
// conv2d_backward_data (also conv_transpose2d's forward) and conv2d_backward_weight are
// implicit GEMMs too; see conv.cuh for how each is laid out.
#pragma once

#include <cstdint>

#include "kernels/context.h"
#include "kernels/cuda/declare.h"
#include "kernels/shapes/conv.h"

UPRES_DECLARE_GPU_KERNELS(
// y is overwritten; bias may be null.
void conv2d_forward(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                    const float* w, const float* bias, float* y);
// The forward through explicit im2col + cuBLAS, whatever the shape.
void conv2d_forward_gemm(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                         const float* w, const float* bias, float* y);
// dx is overwritten (pixels no window covers get 0). Gather form: no atomics.
void conv2d_backward_data(const kern::Context& ctx, const kern::ConvShape& s, const float* dy,
                          const float* w, float* dx);
// dw is overwritten. Split-K over N*Hout*Wout with a deterministic second pass.
void conv2d_backward_weight(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                            const float* dy, float* dw);
// db[c] = sum over n, oh, ow of dy[n, c, oh, ow], overwritten.
void conv2d_backward_bias(const kern::Context& ctx, const kern::ConvShape& s, const float* dy,
                          float* db);
// y[n, c, :] += bias[c] for y [N, C, plane].
void channel_bias_add(const kern::Context& ctx, int64_t N, int64_t C, int64_t plane,
                      const float* bias, float* y);
// out[c] = sum of x[:, c, :], overwritten (summed in double, in a fixed order).
void channel_sum(const kern::Context& ctx, int64_t N, int64_t C, int64_t plane, const float* x,
                 float* out);
)
