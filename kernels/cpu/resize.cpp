// resize.cpp - the two gather passes of a separable resize.
//
// Width pass: each output sample gathers `taps` neighbours of one input row.
// Height pass: each output row is a weighted sum of `taps` whole input rows,
// so the inner loop runs along contiguous memory (vectorisable) for every tap.
// The height pass's multiply-add is an explicit fused std::fma where the target has FMA: compilers
// contract `out += w * in` in this vectorised loop anyway where the CPU has FMA, so writing it
// out keeps the results of such builds and makes the GPU kernels (fmaf) match them bit for bit
// instead of depending on each compiler's contraction choice. The width pass's scalar gather
// is left as separate multiply and add, which compilers here do not contract.
// Backward: the same passes on the transposed table (kernels/shapes/resize.h: transposed_pass).
#include "kernels/cpu/resize.h"

#include <cmath>

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

namespace {

// w * x + acc: fused where the target has FMA (as compilers contract it there anyway), two
// roundings elsewhere, where a software fma would be slow. kernels/cuda/resize.cuh does the same.
inline float madd(float w, float x, float acc) {
#if defined(__FMA__)
  return std::fma(w, x, acc);
#else
  return w * x + acc;
#endif
}

}  // namespace

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
            for (int64_t c = 0; c < W; ++c) out[c] = madd(w, in[c], out[c]);
          }
        }
      },
      /*grain=*/16);
}

void resize_width_backward(const kern::Context& ctx, const kern::ResizeShape& s, int64_t taps_t, const float* dy,
                           const int32_t* index_t, const float* weight_t, float* dx) {
  resize_width_forward(ctx, kern::transposed_pass(s, taps_t), dy, index_t, weight_t, dx);
}

void resize_height_backward(const kern::Context& ctx, const kern::ResizeShape& s, int64_t taps_t, const float* dy,
                            const int32_t* index_t, const float* weight_t, float* dx) {
  resize_height_forward(ctx, kern::transposed_pass(s, taps_t), dy, index_t, weight_t, dx);
}

}  // namespace upres::cpu
