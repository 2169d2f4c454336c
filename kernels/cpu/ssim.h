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
//
// Batches: the window kernels take s.planes consecutive planes (kernels/shapes/ssim.h).
//
// The gradient of the mean SSIM with respect to x (the SSIM loss; y is the target).
// With A1 = 2 mu_x mu_y + C1, B1 = mu_x^2 + mu_y^2 + C1, A2 = 2 cov + C2,
// B2 = var_x + var_y + C2 (so l = A1/B1, cs = A2/B2), at each window position p:
//   dS/dmu_x  = 2 cs (mu_y - l mu_x) / B1
//   dS/dvar_x = -l cs / B2              (= b_p)
//   dS/dcov   = 2 l / B2                (= c_p)
// and a pixel q under the window enters as dmu_x/dx_q = w, dvar_x/dx_q = 2 w (x_q - mu_x),
// dcov/dx_q = w (y_q - mu_y), w = w(q - p). Collecting the terms that do not depend on q,
//   dS_p/dx_q = w(q - p) [a_p + 2 b_p x_q + c_p y_q],  a_p = dS/dmu_x - 2 mu_x b_p - mu_y c_p.
// Summed over the M positions of the mean:
//   dL/dx_q = (1/M) [ (W^T a)_q + 2 x_q (W^T b)_q + y_q (W^T c)_q ]
// where W^T is the transpose of the 'valid' window filter: a 'full' correlation with the
// flipped window, which for the symmetric Gaussian is the window itself - each input pixel
// gathers the (up to taps^2) positions whose window covers it.
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

// dx = d(mean of the SSIM map over all s.planes planes) / dx, given x and the target y
// (written, not accumulated). `work` is scratch of 3 * s.planes * s.out_plane() doubles (the
// a, b, c maps above). This cpu version is the plain reference: direct taps^2 sums.
// Napkin math: per position 5 moments x taps^2 FMAs (605 for 11 taps) plus ~30 flops for
// a, b, c; per pixel 3 x taps^2 FMAs for the transpose: ~1000 flops per pixel, compute bound.
void ssim_backward(const kern::Context& ctx, const kern::WindowShape& s, const double* g, double c1, double c2,
                   const double* x, const double* y, double* work, double* dx);

// Helpers of the engine's ssim op (whose tensors are float32) and of metrics on a device:
// y[i] = x[i] widened to float64;
void to_f64(const kern::Context& ctx, int64_t n, const float* x, double* y);
// y[i] = float(alpha * scale[0] * x[i]) (scale: one float in the device's memory, or null for 1);
void to_f32_scaled(const kern::Context& ctx, int64_t n, double alpha, const float* scale, const double* x,
                   float* y);
// out[0] = x[0] + ... + x[n-1] (in order here; a fixed tree on the GPU backends).
void sum_f64(const kern::Context& ctx, int64_t n, const double* x, double* out);

}  // namespace upres::cpu
