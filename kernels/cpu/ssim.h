// ssim.h - the sliding-window statistics behind SSIM, MS-SSIM, VIF and IFC, on the CPU.
//
// Image-quality metrics compare two images x (reference) and y (test) through
// local statistics under a normalised window w (sum w = 1), 'valid' filtering:
//   mu_x  = sum w x            mu_y  = sum w y
//   var_x = sum w x^2 - mu_x^2   var_y = sum w y^2 - mu_y^2   cov = sum w x y - mu_x mu_y
// (the "population" moments of Wang et al.'s code: weights, not N - 1). The
// window is separable, w(i, j) = g(i) g(j), so each moment costs 2 * taps
// multiply-adds per output instead of taps^2. Everything is float64: metrics are
// reported to many digits, and E[x^2] - mu^2 cancels badly in float32.
//
// From the moments, SSIM (Wang, Bovik, Sheikh, Simoncelli 2004) per position:
//   l  = (2 mu_x mu_y + C1) / (mu_x^2 + mu_y^2 + C1)     luminance
//   cs = (2 cov + C2) / (var_x + var_y + C2)             contrast-structure
//   ssim = l * cs
#pragma once

#include <cstdint>

#include "kernels/context.h"
#include "kernels/shapes/ssim.h"

namespace upres::cpu {

// The normalised 1-D Gaussian of `taps` samples centred on the middle one:
// g(i) proportional to exp(-(i - (taps-1)/2)^2 / (2 sigma^2)), sum g = 1.
// (The outer product g g^T is MATLAB's fspecial('gaussian', taps, sigma).)
void gaussian_taps(int64_t taps, double sigma, double* g);

// out = x filtered by the window g g^T, 'valid' (s.out_height() x s.out_width()).
void window_filter(const kern::Context& ctx, const kern::WindowShape& s, const double* g, const double* x,
                   double* out);

// The five local moments of x and y under the window g g^T, each an output plane
// of s.out_height() x s.out_width().
// Napkin math: per output 5 quantities x (taps vertical + taps horizontal)
// multiply-adds = 10 taps FMAs (110 for 11 taps), reading 16 bytes of input: compute bound.
void local_moments(const kern::Context& ctx, const kern::WindowShape& s, const double* g, const double* x,
                   const double* y, double* mu_x, double* mu_y, double* var_x, double* var_y, double* cov);

// Per position: ssim = l * cs (and cs itself when cs_map is not null), n positions.
void ssim_map(const kern::Context& ctx, int64_t n, double c1, double c2, const double* mu_x, const double* mu_y,
              const double* var_x, const double* var_y, const double* cov, double* ssim, double* cs_map);

// 2x2 block means: out(i, j) = mean of x(2i + a, 2j + b), a, b in {0, 1}, out size
// ceil(h/2) x ceil(w/2). An odd last row/column is mirrored (averaged with
// itself), as MATLAB's imfilter(x, ones(2)/4, 'symmetric') then x(1:2:end, 1:2:end).
void downsample_mean2(const kern::Context& ctx, int64_t height, int64_t width, const double* x, double* out);

}  // namespace upres::cpu
