// color.cpp - the colour transform, one pixel at a time, in the order of kernels/shapes/color.h.
#include "kernels/cpu/color.h"

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

void color_transform(const kern::Context& ctx, const kern::ColorTransform& t, const float* x, float* y) {
  const int64_t P = t.plane;
  parallel_for(
      ctx, t.batch * P,
      [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) {
          const int64_t n = i / P, p = i % P;
          const float* xp = x + n * t.in_channels * P + p;
          float* yp = y + n * t.out_channels * P + p;
          double d[3] = {0.0, 0.0, 0.0};
          for (int c = 0; c < t.in_channels; ++c) d[c] = t.in_scale * xp[c * P] - t.in_offset[c];
          for (int k = 0; k < t.out_channels; ++k) {
            double acc = t.out_offset[k];
            for (int c = 0; c < t.in_channels; ++c) acc += t.m[k][c] * d[c];
            yp[k * P] = static_cast<float>(acc / t.out_div);
          }
        }
      },
      /*grain=*/4096);
}

}  // namespace upres::cpu
