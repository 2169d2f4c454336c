// color.h - a per-pixel colour transform on NCHW float planes, shared by every backend:
// the BT.601 "studio swing" RGB <-> YCbCr conversion of super-resolution papers (MATLAB's
// rgb2ycbcr / ycbcr2rgb, the formulas of data/color.h) and the transposed linear maps that are
// their gradients.
//
// For each pixel, with x_c the input channels (c < in_channels) and y_k the outputs:
//   d_c = in_scale * x_c - in_offset[c]
//   y_k = (out_offset[k] + m[k][0] d_0 + m[k][1] d_1 + m[k][2] d_2) / out_div
// computed in double, in exactly this order, and rounded once to float. The three factory
// functions below fill it so that it reproduces data/color.cpp term for term:
//   rgb_to_ycbcr: Y = (16 + 65.481 R + 128.553 G + 24.966 B) / 255 (Cb, Cr alike), RGB in [0, 1]
//   ycbcr_to_rgb: RGB = inverse(M) (255 * YCbCr - [16, 128, 128]), the inverse by the adjugate
//   rgb_to_y:     the first row of rgb_to_ycbcr.
// transposed() is the vector-Jacobian product of a transform: the offsets vanish and
// gx_c = sum_k m[k][c] * in_scale / out_div * gy_k.
#pragma once

#include <cstdint>

#include "kernels/shapes/host_device.h"

namespace upres::kern {

struct ColorTransform {
  int64_t batch = 1;         // N
  int64_t plane = 1;         // H * W
  int in_channels = 3;       // 1 or 3
  int out_channels = 3;      // 1 or 3
  double m[3][3] = {};       // [out][in]
  double in_scale = 1.0;
  double in_offset[3] = {};
  double out_offset[3] = {};
  double out_div = 1.0;

  // Multiply-adds per call (for benchmarks): in_channels per output value.
  double macs() const { return double(batch) * plane * out_channels * in_channels; }
};

// BT.601 in 8-bit units: rows Y, Cb, Cr; columns R, G, B (inputs in [0, 1]).
constexpr double kBt601[3][3] = {{65.481, 128.553, 24.966}, {-37.797, -74.203, 112.0}, {112.0, -93.786, -18.214}};
constexpr double kBt601Offset[3] = {16.0, 128.0, 128.0};

inline ColorTransform rgb_to_ycbcr_transform(int64_t batch, int64_t plane) {
  ColorTransform t;
  t.batch = batch;
  t.plane = plane;
  for (int k = 0; k < 3; ++k) {
    for (int c = 0; c < 3; ++c) t.m[k][c] = kBt601[k][c];
    t.out_offset[k] = kBt601Offset[k];
  }
  t.out_div = 255.0;
  return t;
}

inline ColorTransform rgb_to_y_transform(int64_t batch, int64_t plane) {
  ColorTransform t = rgb_to_ycbcr_transform(batch, plane);
  t.out_channels = 1;
  return t;
}

inline ColorTransform ycbcr_to_rgb_transform(int64_t batch, int64_t plane) {
  ColorTransform t;
  t.batch = batch;
  t.plane = plane;
  const auto& a = kBt601;
  const double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
                     a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
                     a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {  // the cofactor of a[j][i], over the determinant
      const int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
      t.m[i][j] = (a[r0][c0] * a[r1][c1] - a[r0][c1] * a[r1][c0]) / det;
    }
  t.in_scale = 255.0;
  for (int c = 0; c < 3; ++c) t.in_offset[c] = kBt601Offset[c];
  return t;
}

// The gradient map of t: input channels and outputs swap, offsets drop out.
inline ColorTransform transposed(const ColorTransform& t) {
  ColorTransform g;
  g.batch = t.batch;
  g.plane = t.plane;
  g.in_channels = t.out_channels;
  g.out_channels = t.in_channels;
  for (int k = 0; k < 3; ++k)
    for (int c = 0; c < 3; ++c) g.m[c][k] = t.m[k][c] * t.in_scale / t.out_div;
  return g;
}

// One pixel of t: reads x[c * stride] for c < in_channels and writes y[k * stride]
// for k < out_channels, by the formula at the top. The CPU loop (kernels/cpu/color.cpp)
// and the CUDA kernel (kernels/cuda/color.cuh) both call this.
UPRES_HOST_DEVICE inline void color_transform_pixel(const ColorTransform& t, const float* x, float* y,
                                                    int64_t stride) {
  double d[3] = {0.0, 0.0, 0.0};
  for (int c = 0; c < t.in_channels; ++c) d[c] = t.in_scale * x[c * stride] - t.in_offset[c];
  for (int k = 0; k < t.out_channels; ++k) {
    double acc = t.out_offset[k];
    for (int c = 0; c < t.in_channels; ++c) acc += t.m[k][c] * d[c];
    y[k * stride] = static_cast<float>(acc / t.out_div);
  }
}

}  // namespace upres::kern
