// ssim.cpp - separable window statistics, one output row per unit of work.
//
// For an output row oy the window covers input rows oy .. oy + taps - 1. A
// vertical pass folds those rows into one row per quantity (x, y, x^2, y^2, xy)
// with the weights g; a horizontal pass then slides g along that row. Rows are
// independent, so threads take contiguous blocks of output rows, each with its
// own scratch of 5 input-width rows (5 * 8 * width bytes, in L1/L2).
#include "kernels/cpu/ssim.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

namespace {

// Rows per parallel chunk so that a chunk is ~32k multiply-adds or more.
int64_t row_grain(const kern::WindowShape& s, int64_t quantities) {
  return 1 + 32768 / (s.out_width() * s.taps * 2 * quantities + 1);
}

}  // namespace

void gaussian_taps(int64_t taps, double sigma, double* g) {
  const double centre = 0.5 * static_cast<double>(taps - 1);
  double sum = 0.0;
  for (int64_t i = 0; i < taps; ++i) {
    const double d = static_cast<double>(i) - centre;
    g[i] = std::exp(-d * d / (2.0 * sigma * sigma));
    sum += g[i];
  }
  for (int64_t i = 0; i < taps; ++i) g[i] /= sum;
}

void window_filter(const kern::Context& ctx, const kern::WindowShape& s, const double* g, const double* x0,
                   double* out) {
  const int64_t oh = s.out_height(), ow = s.out_width(), W = s.width, k = s.taps;
  parallel_for(
      ctx, s.planes * oh,
      [&](int64_t lo, int64_t hi) {
        std::vector<double> col(static_cast<size_t>(W));
        for (int64_t r = lo; r < hi; ++r) {  // output row r: row oy of plane r / oh
          const int64_t oy = r % oh;
          const double* x = x0 + (r / oh) * s.height * W;
          for (int64_t c = 0; c < W; ++c) col[c] = 0.0;
          for (int64_t i = 0; i < k; ++i) {  // vertical: fold rows oy .. oy+k-1
            const double* row = x + (oy + i) * W;
            const double gi = g[i];
            for (int64_t c = 0; c < W; ++c) col[c] += gi * row[c];
          }
          double* o = out + r * ow;
          for (int64_t ox = 0; ox < ow; ++ox) {  // horizontal: slide g along the folded row
            double acc = 0.0;
            for (int64_t j = 0; j < k; ++j) acc += g[j] * col[ox + j];
            o[ox] = acc;
          }
        }
      },
      row_grain(s, 1));
}

void local_moments(const kern::Context& ctx, const kern::WindowShape& s, const double* g, const double* x0,
                   const double* y0, double* mu_x, double* mu_y, double* var_x, double* var_y, double* cov) {
  const int64_t oh = s.out_height(), ow = s.out_width(), W = s.width, k = s.taps;
  parallel_for(
      ctx, s.planes * oh,
      [&](int64_t lo, int64_t hi) {
        // Folded rows of x, y, x^2, y^2, x*y.
        std::vector<double> scratch(static_cast<size_t>(5 * W));
        double *fx = scratch.data(), *fy = fx + W, *fxx = fy + W, *fyy = fxx + W, *fxy = fyy + W;
        for (int64_t r = lo; r < hi; ++r) {  // output row r: row oy of plane r / oh
          const int64_t oy = r % oh;
          const double* x = x0 + (r / oh) * s.height * W;
          const double* y = y0 + (r / oh) * s.height * W;
          for (auto& v : scratch) v = 0.0;
          for (int64_t i = 0; i < k; ++i) {
            const double* xr = x + (oy + i) * W;
            const double* yr = y + (oy + i) * W;
            const double gi = g[i];
            for (int64_t c = 0; c < W; ++c) {
              const double a = xr[c], b = yr[c];
              fx[c] += gi * a;
              fy[c] += gi * b;
              fxx[c] += gi * a * a;
              fyy[c] += gi * b * b;
              fxy[c] += gi * a * b;
            }
          }
          for (int64_t ox = 0; ox < ow; ++ox) {
            double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
            for (int64_t j = 0; j < k; ++j) {
              const double gj = g[j];
              sx += gj * fx[ox + j];
              sy += gj * fy[ox + j];
              sxx += gj * fxx[ox + j];
              syy += gj * fyy[ox + j];
              sxy += gj * fxy[ox + j];
            }
            const int64_t o = r * ow + ox;
            mu_x[o] = sx;
            mu_y[o] = sy;
            var_x[o] = sxx - sx * sx;
            var_y[o] = syy - sy * sy;
            cov[o] = sxy - sx * sy;
          }
        }
      },
      row_grain(s, 5));
}

void ssim_map(const kern::Context& ctx, int64_t n, double c1, double c2, const double* mu_x, const double* mu_y,
              const double* var_x, const double* var_y, const double* cov, double* ssim, double* cs_map) {
  // ~12 flops and 48-56 bytes per position: memory bound.
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const double mx = mu_x[i], my = mu_y[i];
      const double l = (2.0 * mx * my + c1) / (mx * mx + my * my + c1);
      const double cs = (2.0 * cov[i] + c2) / (var_x[i] + var_y[i] + c2);
      ssim[i] = l * cs;
      if (cs_map) cs_map[i] = cs;
    }
  });
}

void downsample_mean2(const kern::Context& ctx, int64_t height, int64_t width, const double* x, double* out) {
  const int64_t oh = (height + 1) / 2, ow = (width + 1) / 2;
  parallel_for(
      ctx, oh,
      [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) {
          const int64_t r0 = 2 * i, r1 = std::min(2 * i + 1, height - 1);  // mirror an odd last row
          for (int64_t j = 0; j < ow; ++j) {
            const int64_t c0 = 2 * j, c1 = std::min(2 * j + 1, width - 1);
            out[i * ow + j] = 0.25 * (x[r0 * width + c0] + x[r0 * width + c1] + x[r1 * width + c0] + x[r1 * width + c1]);
          }
        }
      },
      1 + 8192 / (ow + 1));
}

void ssim_backward(const kern::Context& ctx, const kern::WindowShape& s, const double* g, double c1, double c2,
                   const double* x, const double* y, double* work, double* dx) {
  const int64_t H = s.height, W = s.width, k = s.taps;
  const int64_t positions = s.planes * s.out_plane();
  double *a = work, *b = a + positions, *c = b + positions;
  // 1. Per window position: the moments, then the coefficients a, b, c (kernels/shapes/ssim.h,
  //    shared with the CUDA kernel).
  parallel_for(
      ctx, positions,
      [&](int64_t lo, int64_t hi) {
        for (int64_t p = lo; p < hi; ++p) kern::ssim_coefficients_at(s, g, c1, c2, x, y, p, a, b, c);
      },
      1 + 32768 / (5 * k * k + 1));
  // 2. Per pixel: gather the positions whose window covers it (the transpose of the filter).
  const double inv_m = 1.0 / static_cast<double>(positions);
  parallel_for(
      ctx, s.planes * H * W,
      [&](int64_t lo, int64_t hi) {
        for (int64_t q = lo; q < hi; ++q) dx[q] = kern::ssim_gather_at(s, g, inv_m, x, y, a, b, c, q);
      },
      1 + 32768 / (3 * k * k + 1));
}

void to_f64(const kern::Context& ctx, int64_t n, const float* x, double* y) {
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) y[i] = static_cast<double>(x[i]);
  });
}

void to_f32_scaled(const kern::Context& ctx, int64_t n, double alpha, const float* scale, const double* x,
                   float* y) {
  const double a = alpha * (scale ? static_cast<double>(scale[0]) : 1.0);
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) y[i] = static_cast<float>(a * x[i]);
  });
}

void sum_f64(const kern::Context&, int64_t n, const double* x, double* out) {
  double acc = 0.0;
  for (int64_t i = 0; i < n; ++i) acc += x[i];
  out[0] = acc;
}

}  // namespace upres::cpu
