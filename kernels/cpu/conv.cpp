// conv.cpp - fast CPU convolution: im2col + GEMM (and a slower direct loop kept for reading).
//
// Work is cut into tasks (image, group, band of output rows). With at least as
// many tasks as threads, each thread runs whole tasks on a private im2col buffer
// and a single-threaded GEMM (no synchronisation inside a task). With fewer tasks
// (one big image), tasks run one after another and the GEMM and im2col inside
// them use all threads.
//
// Napkin math for a 64 -> 64, 3x3 layer on one 48x48 patch: 2*64*576*2304 = 170
// MFLOP per pass; the im2col buffer is 576 x 2304 floats = 5.3 MB, so bands of
// rows keep it near kColumnBudget (1 MB, about an L2 cache).
#include "kernels/cpu/conv.h"

#include <algorithm>
#include <vector>

#include "kernels/cpu/gemm.h"
#include "kernels/cpu/im2col.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/winograd.h"

namespace upres::cpu {

namespace {

constexpr int64_t kColumnBudget = 256 * 1024;  // floats in one im2col band (1 MB)

// A 1x1 kernel with stride 1 and no padding needs no im2col: x itself is the column matrix.
bool is_pointwise(const kern::ConvShape& s) {
  return s.KH == 1 && s.KW == 1 && s.stride_h == 1 && s.stride_w == 1 && s.pad_h == 0 &&
         s.pad_w == 0 && s.Hout == s.H && s.Wout == s.W;
}

// Output rows per band so the band's im2col buffer stays within kColumnBudget.
int64_t band_rows(const kern::ConvShape& s) {
  if (is_pointwise(s)) return s.Hout;
  int64_t per_row = std::max<int64_t>(1, s.patch_size() * s.Wout);
  return std::clamp<int64_t>(kColumnBudget / per_row, 1, std::max<int64_t>(s.Hout, 1));
}

}  // namespace

// Measured on one AVX-512 core (single thread, CPU time), GFLOP/s direct vs GEMM:
// 1->64 5x5 on 128x128: 12 vs 49; 3->64 3x3: 12 vs 53; 1->32 3x3: 11 vs 30;
// 64->1 3x3: 9 vs 11. The GEMM path wins even for the shortest patches, so the
// forward always takes it; the direct kernel stays as the readable alternative.
//
// Stride-1 3x3 and 5x5 layers with 16+ channels on both sides go to Winograd's
// algorithm (winograd.h: 4x and 2.8x fewer multiply-adds), the rest to im2col + GEMM.
void conv2d_forward(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                    const float* w, const float* bias, float* y) {
  if (winograd_applies(s)) conv2d_forward_winograd(ctx, s, x, w, bias, y);
  else conv2d_forward_gemm(ctx, s, x, w, bias, y);
}

void conv2d_forward_gemm(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                         const float* w, const float* bias, float* y) {
  const int64_t cig = s.cin_per_group(), cog = s.cout_per_group(), K = s.patch_size();
  const int64_t P = s.out_plane(), rows = band_rows(s);
  const int64_t bands = (s.Hout + rows - 1) / rows;
  const bool pointwise = is_pointwise(s);
  run_tasks(ctx, s.N * s.groups * bands, pointwise ? 0 : K * rows * s.Wout,
            [&](int64_t t, const kern::Context& c, float* col) {
    const int64_t band = t % bands, g = (t / bands) % s.groups, n = t / bands / s.groups;
    const int64_t oh0 = band * rows, oh1 = std::min(s.Hout, oh0 + rows), len = (oh1 - oh0) * s.Wout;
    const float* xg = x + (n * s.Cin + g * cig) * s.in_plane();
    float* yg = y + (n * s.Cout + g * cog) * P + oh0 * s.Wout;  // [cog, len] with row stride P
    const float* B = xg + oh0 * s.W;                               // pointwise: x is the columns
    int64_t ldb = s.in_plane();
    if (!pointwise) {
      im2col(c, s, xg, oh0, oh1, col);
      B = col;
      ldb = len;
    }
    float beta = 0.0f;
    if (bias) {  // start from the bias and let the GEMM add onto it
      for (int64_t co = 0; co < cog; ++co) std::fill(yg + co * P, yg + co * P + len, bias[g * cog + co]);
      beta = 1.0f;
    }
    gemm(c, false, false, cog, len, K, 1.0f, w + g * cog * K, K, B, ldb, beta, yg, P);
  });
}

// Direct convolution: for each (image, output channel, output row) the row is
// built in place by adding w[co, ci, kh, kw] * (a row of x) for every tap - an
// axpy of Wout floats that stays in L1. 2 FLOPs per 1 load + 1 load/store of the
// output row: bound by loads and stores, a quarter of the GEMM's speed (measured
// above), even when the patch (the GEMM's K) is as short as 9 or 25 taps.
void conv2d_forward_direct(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                           const float* w, const float* bias, float* y) {
  const int64_t cig = s.cin_per_group(), cog = s.cout_per_group();
  const int64_t planes = s.N * s.Cout;
  parallel_for(ctx, planes * s.Hout, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const int64_t oh = i % s.Hout, plane = i / s.Hout, co = plane % s.Cout, n = plane / s.Cout;
      const int64_t g = co / cog;
      float* yr = y + plane * s.out_plane() + oh * s.Wout;
      std::fill(yr, yr + s.Wout, bias ? bias[co] : 0.0f);
      for (int64_t ci = 0; ci < cig; ++ci) {
        const float* xc = x + (n * s.Cin + g * cig + ci) * s.in_plane();
        const float* wc = w + (co * cig + ci) * s.KH * s.KW;
        for (int64_t kh = 0; kh < s.KH; ++kh) {
          const int64_t ih = oh * s.stride_h - s.pad_h + kh * s.dilation_h;
          if (ih < 0 || ih >= s.H) continue;
          const float* xr = xc + ih * s.W;
          for (int64_t kw = 0; kw < s.KW; ++kw) {
            const Range cols = valid_range(s.W, s.Wout, s.stride_w, s.pad_w, kw * s.dilation_w);
            if (cols.lo >= cols.hi) continue;
            const float wv = wc[kh * s.KW + kw];
            const float* xs = xr + cols.lo * s.stride_w - s.pad_w + kw * s.dilation_w;
            const int64_t len = cols.hi - cols.lo;
            float* yo = yr + cols.lo;
            // x and y never overlap: tell the compiler so it vectorises at -O2.
            if (s.stride_w == 1) {
#pragma omp simd
              for (int64_t j = 0; j < len; ++j) yo[j] += wv * xs[j];
            } else {
              const int64_t sw = s.stride_w;
#pragma omp simd
              for (int64_t j = 0; j < len; ++j) yo[j] += wv * xs[j * sw];
            }
          }
        }
      }
    }
  }, std::max<int64_t>(1, 8192 / std::max<int64_t>(1, s.Wout * s.patch_size())));
}

void conv2d_backward_data(const kern::Context& ctx, const kern::ConvShape& s, const float* dy,
                          const float* w, float* dx) {
  if (winograd_applies(s)) {  // a stride-1 conv^T is a conv with the flipped filter
    conv2d_backward_data_winograd(ctx, s, dy, w, dx);
    return;
  }
  const int64_t cig = s.cin_per_group(), cog = s.cout_per_group(), K = s.patch_size();
  const int64_t P = s.out_plane(), rows = band_rows(s);
  const bool pointwise = is_pointwise(s);
  // One task per (image, group): the bands of one image overlap in dx, so they
  // run in order inside the task.
  run_tasks(ctx, s.N * s.groups, pointwise ? 0 : K * rows * s.Wout,
            [&](int64_t t, const kern::Context& c, float* col) {
    const int64_t g = t % s.groups, n = t / s.groups;
    float* dxg = dx + (n * s.Cin + g * cig) * s.in_plane();
    const float* dyg = dy + (n * s.Cout + g * cog) * P;
    const float* wg = w + g * cog * K;
    if (pointwise) {  // dx_g = W_g^T dy_g
      gemm(c, true, false, cig, P, cog, 1.0f, wg, K, dyg, P, 0.0f, dxg, s.in_plane());
      return;
    }
    std::fill(dxg, dxg + cig * s.in_plane(), 0.0f);
    for (int64_t oh0 = 0; oh0 < s.Hout; oh0 += rows) {
      const int64_t oh1 = std::min(s.Hout, oh0 + rows), len = (oh1 - oh0) * s.Wout;
      gemm(c, true, false, K, len, cog, 1.0f, wg, K, dyg + oh0 * s.Wout, P, 0.0f, col, len);
      col2im_add(c, s, col, oh0, oh1, dxg);
    }
  });
}

void conv2d_backward_weight(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                            const float* dy, float* dw) {
  if (winograd_applies(s)) {
    conv2d_backward_weight_winograd(ctx, s, x, dy, dw);
    return;
  }
  const int64_t cig = s.cin_per_group(), cog = s.cout_per_group(), K = s.patch_size();
  const int64_t P = s.out_plane(), rows = band_rows(s);
  const int64_t bands = (s.Hout + rows - 1) / rows, tasks = s.N * s.groups * bands;
  const bool pointwise = is_pointwise(s);
  const int64_t wsize = s.Cout * K, col_floats = pointwise ? 0 : K * rows * s.Wout;
  // dw sums over every task: per-thread copies, added at the end (parallel.h).
  auto task = [&](int64_t t, const kern::Context& c, float* col, float* acc) {
    const int64_t band = t % bands, g = (t / bands) % s.groups, n = t / bands / s.groups;
    const int64_t oh0 = band * rows, oh1 = std::min(s.Hout, oh0 + rows), len = (oh1 - oh0) * s.Wout;
    const float* xg = x + (n * s.Cin + g * cig) * s.in_plane();
    const float* B = xg + oh0 * s.W;
    int64_t ldb = s.in_plane();
    if (!pointwise) {
      im2col(c, s, xg, oh0, oh1, col);
      B = col;
      ldb = len;
    }
    // acc_g [cog, K] += dy_g[:, band] [cog, len] * cols^T [len, K]
    gemm(c, false, true, cog, K, len, 1.0f, dy + (n * s.Cout + g * cog) * P + oh0 * s.Wout, P, B,
         ldb, 1.0f, acc + g * cog * K, K);
  };
  const std::vector<float> copies = run_tasks_summed(ctx, tasks, col_floats, wsize, task);
  const int64_t n_copies = static_cast<int64_t>(copies.size()) / std::max<int64_t>(wsize, 1);
  parallel_for(ctx, wsize, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      float sum = 0.0f;
      for (int64_t c = 0; c < n_copies; ++c) sum += copies[static_cast<size_t>(c * wsize + i)];
      dw[i] = sum;
    }
  });
}

void conv2d_backward_bias(const kern::Context& ctx, const kern::ConvShape& s, const float* dy,
                          float* db) {
  channel_sum(ctx, s.N, s.Cout, s.out_plane(), dy, db);
}

void channel_bias_add(const kern::Context& ctx, int64_t N, int64_t C, int64_t plane,
                      const float* bias, float* y) {
  parallel_for(ctx, N * C, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const float b = bias[i % C];
      float* p = y + i * plane;
      for (int64_t j = 0; j < plane; ++j) p[j] += b;
    }
  }, std::max<int64_t>(1, 32768 / std::max<int64_t>(plane, 1)));
}

void channel_sum(const kern::Context& ctx, int64_t N, int64_t C, int64_t plane, const float* x,
                 float* out) {
  // One thread per channel; each plane is summed in double (planes can hold 1e6 pixels).
  parallel_for(ctx, C, [&](int64_t lo, int64_t hi) {
    for (int64_t c = lo; c < hi; ++c) {
      double sum = 0.0;
      for (int64_t n = 0; n < N; ++n) {
        const float* p = x + (n * C + c) * plane;
        for (int64_t j = 0; j < plane; ++j) sum += p[j];
      }
      out[c] = static_cast<float>(sum);
    }
  }, std::max<int64_t>(1, 32768 / std::max<int64_t>(N * plane, 1)));
}

}  // namespace upres::cpu
