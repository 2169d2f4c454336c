// im2col.cpp - see im2col.h. Napkin math: im2col writes patch_size * band * Wout
// floats and reads about as many (each input pixel KH*KW times, from cache); at
// ~10 GB/s per core it costs 1/(KH*KW*Cout/groups) of the GEMM that follows per
// byte, i.e. a few percent for 64-channel layers.
#include "kernels/cpu/im2col.h"

#include <algorithm>

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

namespace {
int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }
}  // namespace

Range valid_range(int64_t in, int64_t out, int64_t stride, int64_t pad, int64_t offset) {
  // 0 <= o*stride - pad + offset <= in - 1
  int64_t lo = std::min(out, std::max<int64_t>(0, ceil_div(pad - offset, stride)));
  int64_t hi = std::min<int64_t>(out, floor_div(in - 1 + pad - offset, stride) + 1);
  return {lo, std::max(lo, hi)};
}

void im2col(const kern::Context& ctx, const kern::ConvShape& s, const float* x, int64_t oh0,
            int64_t oh1, float* col) {
  const int64_t band = (oh1 - oh0) * s.Wout, taps = s.KH * s.KW;
  const int64_t rows = s.cin_per_group() * taps;
  parallel_for(ctx, rows, [&](int64_t r_lo, int64_t r_hi) {
    for (int64_t r = r_lo; r < r_hi; ++r) {
      const int64_t c = r / taps, kh = (r / s.KW) % s.KH, kw = r % s.KW;
      const float* xc = x + c * s.H * s.W;
      const Range cols = valid_range(s.W, s.Wout, s.stride_w, s.pad_w, kw * s.dilation_w);
      const int64_t iw0 = cols.lo * s.stride_w - s.pad_w + kw * s.dilation_w;
      float* out = col + r * band;
      for (int64_t oh = oh0; oh < oh1; ++oh, out += s.Wout) {
        const int64_t ih = oh * s.stride_h - s.pad_h + kh * s.dilation_h;
        if (ih < 0 || ih >= s.H) {
          std::fill(out, out + s.Wout, 0.0f);
          continue;
        }
        std::fill(out, out + cols.lo, 0.0f);
        const float* xr = xc + ih * s.W + (cols.lo < cols.hi ? iw0 : 0);
        if (s.stride_w == 1) {
          std::copy(xr, xr + (cols.hi - cols.lo), out + cols.lo);
        } else {
          for (int64_t ow = cols.lo; ow < cols.hi; ++ow) out[ow] = xr[(ow - cols.lo) * s.stride_w];
        }
        std::fill(out + cols.hi, out + s.Wout, 0.0f);
      }
    }
  }, std::max<int64_t>(1, 32768 / std::max<int64_t>(band, 1)));
}

void col2im_add(const kern::Context& ctx, const kern::ConvShape& s, const float* col, int64_t oh0,
                int64_t oh1, float* dx) {
  const int64_t band = (oh1 - oh0) * s.Wout, taps = s.KH * s.KW;
  // Threads own whole input channels: the taps of one channel add onto the same pixels.
  parallel_for(ctx, s.cin_per_group(), [&](int64_t c_lo, int64_t c_hi) {
    for (int64_t c = c_lo; c < c_hi; ++c) {
      float* dxc = dx + c * s.H * s.W;
      for (int64_t kh = 0; kh < s.KH; ++kh) {
        for (int64_t kw = 0; kw < s.KW; ++kw) {
          const Range cols = valid_range(s.W, s.Wout, s.stride_w, s.pad_w, kw * s.dilation_w);
          const int64_t iw0 = cols.lo * s.stride_w - s.pad_w + kw * s.dilation_w;
          const float* in = col + ((c * s.KH + kh) * s.KW + kw) * band;
          for (int64_t oh = oh0; oh < oh1; ++oh, in += s.Wout) {
            const int64_t ih = oh * s.stride_h - s.pad_h + kh * s.dilation_h;
            if (ih < 0 || ih >= s.H || cols.lo >= cols.hi) continue;
            float* dr = dxc + ih * s.W + iw0;
            const int64_t sw = s.stride_w;
#pragma omp simd  // col and dx are different buffers, and distinct ow hit distinct pixels
            for (int64_t ow = cols.lo; ow < cols.hi; ++ow) dr[(ow - cols.lo) * sw] += in[ow];
          }
        }
      }
    }
  }, std::max<int64_t>(1, 32768 / std::max<int64_t>(band * taps, 1)));
}

}  // namespace upres::cpu
