// filter2d.cpp - 'valid' cross-correlation, one output row per task: for each
// tap, a contiguous run of the padded row is scaled and added (vectorisable).
#include "kernels/cpu/filter2d.h"

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

void filter2d_forward(const kern::Context& ctx, const kern::Filter2dShape& s, const float* xpad, const float* k,
                      float* y) {
  const int64_t PH = s.padded_h(), PW = s.padded_w();
  parallel_for(
      ctx, s.planes * s.H,
      [&](int64_t lo, int64_t hi) {
        for (int64_t r = lo; r < hi; ++r) {
          const int64_t p = r / s.H, i = r % s.H;
          float* out = y + r * s.W;
          for (int64_t j = 0; j < s.W; ++j) out[j] = 0.0f;
          for (int64_t a = 0; a < s.KH; ++a) {
            const float* row = xpad + (p * PH + i + a) * PW;
            for (int64_t b = 0; b < s.KW; ++b) {
              const float w = k[a * s.KW + b];
              const float* in = row + b;
#pragma omp simd
              for (int64_t j = 0; j < s.W; ++j) out[j] += w * in[j];
            }
          }
        }
      },
      /*grain=*/8);
}

}  // namespace upres::cpu
