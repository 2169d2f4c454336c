// ssim.h - the sliding-window statistics of SSIM (and MS-SSIM, VIF, IFC) on the GPU backends
// (cuda, simt), float64 like kernels/cpu/ssim.h, with the same signatures and formulas; plus
// the gradient of the mean SSIM (the SSIM loss) and the float32 <-> float64 helpers of the
// engine's ssim op. (gaussian_taps is host code: callers use cpu::gaussian_taps and upload.)
#pragma once

#include <cstdint>

#include "kernels/context.h"
#include "kernels/cuda/declare.h"
#include "kernels/shapes/ssim.h"

UPRES_DECLARE_GPU_KERNELS(
void window_filter(const kern::Context& ctx, const kern::WindowShape& s, const double* g, const double* x,
                   double* out);
void local_moments(const kern::Context& ctx, const kern::WindowShape& s, const double* g, const double* x,
                   const double* y, double* mu_x, double* mu_y, double* var_x, double* var_y, double* cov);
void ssim_map(const kern::Context& ctx, int64_t n, double c1, double c2, const double* mu_x, const double* mu_y,
              const double* var_x, const double* var_y, const double* cov, double* ssim, double* cs_map);
void downsample_mean2(const kern::Context& ctx, int64_t height, int64_t width, const double* x, double* out);
void ssim_backward(const kern::Context& ctx, const kern::WindowShape& s, const double* g, double c1, double c2,
                   const double* x, const double* y, double* work, double* dx);
void to_f64(const kern::Context& ctx, int64_t n, const float* x, double* y);
void to_f32_scaled(const kern::Context& ctx, int64_t n, double alpha, const float* scale, const double* x,
                   float* y);
void sum_f64(const kern::Context& ctx, int64_t n, const double* x, double* out);
)
