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
          kern::color_transform_pixel(t, x + n * t.in_channels * P + p, y + n * t.out_channels * P + p, P);
        }
      },
      /*grain=*/4096);
}

}  // namespace upres::cpu
