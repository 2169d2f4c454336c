// resize.cpp - the two gather passes of a separable resize.
//
// Width pass: each output sample gathers `taps` neighbours of one input row.
// Height pass: each output row is a weighted sum of `taps` whole input rows,
// so the inner loop runs along contiguous memory (vectorisable) for every tap.
#include "kernels/cpu/resize.h"

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

void resize_width_forward(const kern::Context& ctx, const kern::ResizeShape& s, const float* x,
                          const int32_t* index, const float* weight, float* y) {
  const int64_t rows = s.planes * s.in_h, taps = s.taps;
  parallel_for(
      ctx, rows,
      [&](int64_t lo, int64_t hi) {
        for (int64_t r = lo; r < hi; ++r) {
          const float* in = x + r * s.in_w;
          float* out = y + r * s.out_w;
          for (int64_t o = 0; o < s.out_w; ++o) {
            const int32_t* idx = index + o * taps;
            const float* w = weight + o * taps;
            float acc = 0.0f;
            for (int64_t k = 0; k < taps; ++k) acc += w[k] * in[idx[k]];
            out[o] = acc;
          }
        }
      },
      /*grain=*/64);
}

void resize_height_forward(const kern::Context& ctx, const kern::ResizeShape& s, const float* x,
                           const int32_t* index, const float* weight, float* y) {
  const int64_t W = s.in_w, taps = s.taps;
  parallel_for(
      ctx, s.planes * s.out_h,
      [&](int64_t lo, int64_t hi) {
        for (int64_t r = lo; r < hi; ++r) {
          const int64_t p = r / s.out_h, o = r % s.out_h;
          const float* plane = x + p * s.in_h * W;
          float* out = y + r * W;
          for (int64_t c = 0; c < W; ++c) out[c] = 0.0f;
          for (int64_t k = 0; k < taps; ++k) {
            const float w = weight[o * taps + k];
            const float* in = plane + static_cast<int64_t>(index[o * taps + k]) * W;
#pragma omp simd
            for (int64_t c = 0; c < W; ++c) out[c] += w * in[c];
          }
        }
      },
      /*grain=*/16);
}

}  // namespace upres::cpu
