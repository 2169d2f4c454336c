// conv.h - 2-D convolution on the CPU: forward, and the three backward kernels.
//
// Layouts (PyTorch's): x [N, Cin, H, W], w [Cout, Cin/groups, KH, KW], bias [Cout],
// y [N, Cout, Hout, Wout]; the geometry is a kern::ConvShape.
//
//   forward          y  = conv(x, w) + bias
//   backward_data    dx = conv^T(dy, w)        (also the forward of conv_transpose2d)
//   backward_weight  dw = sum over images of dy (x) x-patches
//   backward_bias    db = sum of dy over images and pixels
//
// The fast kernels take Winograd's algorithm for stride-1 3x3 and 5x5 layers with
// 16+ channels (winograd.h) and otherwise unfold patches (im2col.h) and call gemm;
// the reference kernels are the definition written as plain loops, for tests and
// benchmarks.
#pragma once

#include <cstdint>

#include "kernels/context.h"
#include "kernels/shapes/conv.h"

namespace upres::cpu {

// y is overwritten; bias may be null.
void conv2d_forward(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                    const float* w, const float* bias, float* y);
// dx is overwritten (pixels no window covers get 0).
void conv2d_backward_data(const kern::Context& ctx, const kern::ConvShape& s, const float* dy,
                          const float* w, float* dx);
// dw is overwritten.
void conv2d_backward_weight(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                            const float* dy, float* dw);
// db is overwritten: db[c] = sum over n, oh, ow of dy[n, c, oh, ow].
void conv2d_backward_bias(const kern::Context& ctx, const kern::ConvShape& s, const float* dy,
                          float* db);

// Per-channel helpers for tensors [N, C, plane] (conv_transpose2d's bias).
void channel_bias_add(const kern::Context& ctx, int64_t N, int64_t C, int64_t plane,
                      const float* bias, float* y);  // y[n, c, :] += bias[c]
void channel_sum(const kern::Context& ctx, int64_t N, int64_t C, int64_t plane, const float* x,
                 float* out);  // out[c] = sum of x[:, c, :], overwritten

// The forward kernel that loops over taps directly (no im2col). Readable, but
// slower than the GEMM path on every shape measured (see conv.cpp), so
// conv2d_forward does not pick it; tests keep it correct.
void conv2d_forward_direct(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                           const float* w, const float* bias, float* y);
// The forward through im2col + GEMM, whatever the shape.
void conv2d_forward_gemm(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                         const float* w, const float* bias, float* y);

// References: the definitions as nested loops with double accumulation. Outputs overwritten.
void conv2d_forward_reference(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                              const float* w, const float* bias, float* y);
void conv2d_backward_data_reference(const kern::Context& ctx, const kern::ConvShape& s,
                                    const float* dy, const float* w, float* dx);
void conv2d_backward_weight_reference(const kern::Context& ctx, const kern::ConvShape& s,
                                      const float* x, const float* dy, float* dw);

}  // namespace upres::cpu
