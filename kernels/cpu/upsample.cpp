// upsample.cpp - resizing as a separable stencil.
//
// For one axis (in -> out samples) each output index o gets T taps: input
// indices idx[o][t] and weights wt[o][t]. Since the 2-D stencil is the outer
// product of the row and column stencils,
//   y[oy][ox] = sum_a sum_b wy[oy][a] * wx[ox][b] * x[iy[oy][a]][ix[ox][b]].
// Napkin math: T*T multiply-adds per output (1, 4, 16), 4 bytes written per
// output; reads mostly hit cache, so bicubic is compute bound, nearest is a copy.
//
// Source coordinate (align_corners=False, PyTorch): with scale = in/out in
// float, output o samples s = scale * (o + 0.5) - 0.5.
//   nearest   idx = min(floor(o * scale), in - 1)   (PyTorch's legacy 'nearest',
//             with its exact shortcuts for out == in and out == 2*in)
//   bilinear  s clamped to >= 0; taps floor(s), floor(s)+1 (the last one
//             clamped), weights 1 - t, t with t = s - floor(s)
//   bicubic   s not clamped; taps floor(s)-1 .. floor(s)+2, each clamped into
//             [0, in-1]; Keys' cubic weights with a = -0.75
#include "kernels/cpu/upsample.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

namespace {

// T taps per output index, for one axis.
struct Taps {
  int T = 1;
  std::vector<int64_t> idx;  // [out * T]
  std::vector<float> wt;     // [out * T]
};

float source_coord(float scale, int64_t o) { return scale * (static_cast<float>(o) + 0.5f) - 0.5f; }

Taps nearest_taps(int64_t in, int64_t out) {
  Taps t;
  t.idx.resize(out);
  t.wt.assign(out, 1.0f);
  const float scale = static_cast<float>(in) / static_cast<float>(out);
  for (int64_t o = 0; o < out; ++o) {
    if (out == in) t.idx[o] = o;
    else if (out == 2 * in) t.idx[o] = o >> 1;
    else t.idx[o] = std::min(static_cast<int64_t>(std::floor(static_cast<float>(o) * scale)), in - 1);
  }
  return t;
}

Taps linear_taps(int64_t in, int64_t out) {
  Taps t;
  t.T = 2;
  t.idx.resize(2 * out);
  t.wt.resize(2 * out);
  const float scale = static_cast<float>(in) / static_cast<float>(out);
  for (int64_t o = 0; o < out; ++o) {
    float s = std::max(source_coord(scale, o), 0.0f);
    int64_t i0 = std::min(static_cast<int64_t>(std::floor(s)), in - 1);
    float l1 = std::min(std::max(s - static_cast<float>(i0), 0.0f), 1.0f);
    t.idx[2 * o] = i0;
    t.idx[2 * o + 1] = i0 + (i0 < in - 1 ? 1 : 0);
    t.wt[2 * o] = 1.0f - l1;
    t.wt[2 * o + 1] = l1;
  }
  return t;
}

// Keys' cubic convolution kernel with parameter a, at distance d:
//   |d| <= 1:      (a+2)|d|^3 - (a+3)|d|^2 + 1
//   1 < |d| < 2:   a|d|^3 - 5a|d|^2 + 8a|d| - 4a
constexpr float kCubicA = -0.75f;
float cubic_near(float d) { return ((kCubicA + 2.0f) * d - (kCubicA + 3.0f)) * d * d + 1.0f; }
float cubic_far(float d) { return ((kCubicA * d - 5.0f * kCubicA) * d + 8.0f * kCubicA) * d - 4.0f * kCubicA; }

Taps cubic_taps(int64_t in, int64_t out) {
  Taps t;
  t.T = 4;
  t.idx.resize(4 * out);
  t.wt.resize(4 * out);
  const float scale = static_cast<float>(in) / static_cast<float>(out);
  for (int64_t o = 0; o < out; ++o) {
    float s = source_coord(scale, o);
    int64_t i0 = std::min(static_cast<int64_t>(std::floor(s)), in - 1);
    float f = std::min(std::max(s - static_cast<float>(i0), 0.0f), 1.0f);
    const float w[4] = {cubic_far(f + 1.0f), cubic_near(f), cubic_near(1.0f - f), cubic_far(2.0f - f)};
    for (int k = 0; k < 4; ++k) {
      t.idx[4 * o + k] = std::min(std::max(i0 - 1 + k, int64_t{0}), in - 1);
      t.wt[4 * o + k] = w[k];
    }
  }
  return t;
}

int64_t plane_grain(int64_t work_per_plane) { return 1 + 32768 / std::max<int64_t>(work_per_plane, 1); }

void resize_forward(const kern::Context& ctx, const kern::UpsampleShape& s, const Taps& ty, const Taps& tx,
                    const float* x, float* y) {
  const int64_t in_plane = s.in_h * s.in_w, out_plane = s.out_h * s.out_w;
  parallel_for(ctx, s.planes, [&](int64_t lo, int64_t hi) {
    for (int64_t p = lo; p < hi; ++p) {
      const float* xp = x + p * in_plane;
      float* yp = y + p * out_plane;
      for (int64_t oy = 0; oy < s.out_h; ++oy) {
        for (int64_t ox = 0; ox < s.out_w; ++ox) {
          float acc = 0.0f;
          for (int a = 0; a < ty.T; ++a) {
            const float* row = xp + ty.idx[oy * ty.T + a] * s.in_w;
            float racc = 0.0f;
            for (int b = 0; b < tx.T; ++b) racc += tx.wt[ox * tx.T + b] * row[tx.idx[ox * tx.T + b]];
            acc += ty.wt[oy * ty.T + a] * racc;
          }
          yp[oy * s.out_w + ox] = acc;
        }
      }
    }
  }, plane_grain(out_plane * ty.T * tx.T));
}

// The transpose: each output gradient is scattered to the stencil it read.
// Planes are independent, so threads never write the same element.
void resize_backward(const kern::Context& ctx, const kern::UpsampleShape& s, const Taps& ty, const Taps& tx,
                     const float* dy, float* dx) {
  const int64_t in_plane = s.in_h * s.in_w, out_plane = s.out_h * s.out_w;
  parallel_for(ctx, s.planes, [&](int64_t lo, int64_t hi) {
    for (int64_t p = lo; p < hi; ++p) {
      float* dxp = dx + p * in_plane;
      const float* dyp = dy + p * out_plane;
      std::fill(dxp, dxp + in_plane, 0.0f);
      for (int64_t oy = 0; oy < s.out_h; ++oy) {
        for (int64_t ox = 0; ox < s.out_w; ++ox) {
          const float g = dyp[oy * s.out_w + ox];
          for (int a = 0; a < ty.T; ++a) {
            float* row = dxp + ty.idx[oy * ty.T + a] * s.in_w;
            const float ga = g * ty.wt[oy * ty.T + a];
            for (int b = 0; b < tx.T; ++b) row[tx.idx[ox * tx.T + b]] += ga * tx.wt[ox * tx.T + b];
          }
        }
      }
    }
  }, plane_grain(out_plane * ty.T * tx.T));
}

}  // namespace

void upsample_nearest_forward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* x, float* y) {
  resize_forward(ctx, s, nearest_taps(s.in_h, s.out_h), nearest_taps(s.in_w, s.out_w), x, y);
}
void upsample_bilinear_forward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* x, float* y) {
  resize_forward(ctx, s, linear_taps(s.in_h, s.out_h), linear_taps(s.in_w, s.out_w), x, y);
}
void upsample_bicubic_forward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* x, float* y) {
  resize_forward(ctx, s, cubic_taps(s.in_h, s.out_h), cubic_taps(s.in_w, s.out_w), x, y);
}
void upsample_nearest_backward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* dy, float* dx) {
  resize_backward(ctx, s, nearest_taps(s.in_h, s.out_h), nearest_taps(s.in_w, s.out_w), dy, dx);
}
void upsample_bilinear_backward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* dy, float* dx) {
  resize_backward(ctx, s, linear_taps(s.in_h, s.out_h), linear_taps(s.in_w, s.out_w), dy, dx);
}
void upsample_bicubic_backward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* dy, float* dx) {
  resize_backward(ctx, s, cubic_taps(s.in_h, s.out_h), cubic_taps(s.in_w, s.out_w), dy, dx);
}

}  // namespace upres::cpu
