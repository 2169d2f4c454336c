// ssim.cuh - SSIM window statistics, the SSIM map, its gradient and the float64 helpers as CUDA
// kernels.
//
// One thread per output sample (grid-stride, kern::stream_blocks). A window kernel sums in
// exactly the order of the cpu kernel (for each window column j: fold the taps rows of that
// column with g, then add g[j] times the folded value), so the two backends round alike and
// agree to the last bits but for FMA contraction; nothing depends on scheduling.
//
// Napkin math, 11 taps, H100 (~34 TFLOP/s FP64 without tensor cores, ~3.3 TB/s):
//   local_moments: 5 quantities x 121 window samples x (1 + 1) FMAs ~ 1.3 kFLOP per output
//     for 16 B of fresh input (the other 120 samples of its window hit L1/L2, shared with the
//     neighbours): compute bound, ~25 G outputs/s, a 1080p plane in ~80 us. A shared-memory
//     tile with the separable 2 x 11 taps would cut the FLOPs 5x; not needed for losses on
//     training crops (a 16 x 3 x 96 x 96 batch: ~0.6 GFLOP, ~20 us).
//   ssim_map: ~12 FLOPs per position for 56 B read + 16 B written: memory bound.
//   ssim_backward: pass 1 as local_moments plus ~30 FLOPs for a, b, c (24 B written per
//     position); pass 2 gathers 3 x 121 FMAs per pixel (the transposed window) and writes 8 B.
//   sum_f64: one block of 256 threads (a fixed tree, so the sum is the same in every run), 8 B
//     per element: ~100-200 GB/s for one block, ~15 us for the batch above; plenty for a scalar
//     loss, and deterministic without atomics.
#pragma once

#include "kernels/cuda/grid.h"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/ssim.h"

namespace upres::UPRES_KERNEL_NS {

namespace {

using kern::WindowShape;  // (its member functions are host code: kernels spell out the sizes)

constexpr int kSumThreads = 256;

__device__ __forceinline__ int64_t grid_start() { return static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; }
__device__ __forceinline__ int64_t grid_stride() { return static_cast<int64_t>(gridDim.x) * blockDim.x; }

__global__ void window_filter_kernel(WindowShape s, const double* g, const double* x, double* out) {
  const int64_t oh = (s.height - s.taps + 1), ow = (s.width - s.taps + 1), W = s.width, k = s.taps;
  const int64_t n = s.planes * oh * ow;
  for (int64_t o = grid_start(); o < n; o += grid_stride()) {
    const int64_t plane = o / (oh * ow), oy = (o / ow) % oh, ox = o % ow;
    const double* xp = x + (plane * s.height + oy) * W + ox;  // top-left of the window
    double acc = 0.0;
    for (int64_t j = 0; j < k; ++j) {
      double col = 0.0;
      for (int64_t i = 0; i < k; ++i) col += g[i] * xp[i * W + j];
      acc += g[j] * col;
    }
    out[o] = acc;
  }
}

__global__ void local_moments_kernel(WindowShape s, const double* g, const double* x, const double* y,
                                     double* mu_x, double* mu_y, double* var_x, double* var_y, double* cov) {
  const int64_t oh = (s.height - s.taps + 1), ow = (s.width - s.taps + 1), W = s.width, k = s.taps;
  const int64_t n = s.planes * oh * ow;
  for (int64_t o = grid_start(); o < n; o += grid_stride()) {
    const int64_t plane = o / (oh * ow), oy = (o / ow) % oh, ox = o % ow;
    const int64_t top_left = (plane * s.height + oy) * W + ox;
    const double* xp = x + top_left;
    const double* yp = y + top_left;
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (int64_t j = 0; j < k; ++j) {
      double fx = 0, fy = 0, fxx = 0, fyy = 0, fxy = 0;
      for (int64_t i = 0; i < k; ++i) {
        const double gi = g[i], a = xp[i * W + j], b = yp[i * W + j];
        fx += gi * a;
        fy += gi * b;
        fxx += gi * a * a;
        fyy += gi * b * b;
        fxy += gi * a * b;
      }
      const double gj = g[j];
      sx += gj * fx;
      sy += gj * fy;
      sxx += gj * fxx;
      syy += gj * fyy;
      sxy += gj * fxy;
    }
    mu_x[o] = sx;
    mu_y[o] = sy;
    var_x[o] = sxx - sx * sx;
    var_y[o] = syy - sy * sy;
    cov[o] = sxy - sx * sy;
  }
}

__global__ void ssim_map_kernel(int64_t n, double c1, double c2, const double* mu_x, const double* mu_y,
                                const double* var_x, const double* var_y, const double* cov, double* ssim,
                                double* cs_map) {
  for (int64_t i = grid_start(); i < n; i += grid_stride()) {
    const double mx = mu_x[i], my = mu_y[i];
    const double l = (2.0 * mx * my + c1) / (mx * mx + my * my + c1);
    const double cs = (2.0 * cov[i] + c2) / (var_x[i] + var_y[i] + c2);
    ssim[i] = l * cs;
    if (cs_map) cs_map[i] = cs;
  }
}

__global__ void downsample_mean2_kernel(int64_t height, int64_t width, const double* x, double* out) {
  const int64_t oh = (height + 1) / 2, ow = (width + 1) / 2;
  for (int64_t o = grid_start(); o < oh * ow; o += grid_stride()) {
    const int64_t i = o / ow, j = o % ow;
    const int64_t r0 = 2 * i, r1 = 2 * i + 1 < height ? 2 * i + 1 : height - 1;  // mirror an odd last row
    const int64_t c0 = 2 * j, c1 = 2 * j + 1 < width ? 2 * j + 1 : width - 1;
    out[o] = 0.25 * (x[r0 * width + c0] + x[r0 * width + c1] + x[r1 * width + c0] + x[r1 * width + c1]);
  }
}

// Pass 1 of the gradient (formulas in kernels/cpu/ssim.h): per window position the moments,
// then a, b, c - kern::ssim_coefficients_at, the function the cpu loop calls.
__global__ void ssim_coefficients_kernel(WindowShape s, const double* g, double c1, double c2, const double* x,
                                         const double* y, double* a, double* b, double* c) {
  const int64_t n = s.planes * (s.height - s.taps + 1) * (s.width - s.taps + 1);
  for (int64_t p = grid_start(); p < n; p += grid_stride()) kern::ssim_coefficients_at(s, g, c1, c2, x, y, p, a, b, c);
}

// Pass 2: each pixel gathers a, b, c from the positions whose window covers it (no atomics):
// kern::ssim_gather_at.
__global__ void ssim_gather_kernel(WindowShape s, const double* g, double inv_m, const double* x, const double* y,
                                   const double* a, const double* b, const double* c, double* dx) {
  const int64_t n = s.planes * s.height * s.width;
  for (int64_t q = grid_start(); q < n; q += grid_stride()) dx[q] = kern::ssim_gather_at(s, g, inv_m, x, y, a, b, c, q);
}

__global__ void to_f64_kernel(int64_t n, const float* x, double* y) {
  for (int64_t i = grid_start(); i < n; i += grid_stride()) y[i] = static_cast<double>(x[i]);
}

__global__ void to_f32_scaled_kernel(int64_t n, double alpha, const float* scale, const double* x, float* y) {
  const double a = alpha * (scale ? static_cast<double>(scale[0]) : 1.0);
  for (int64_t i = grid_start(); i < n; i += grid_stride()) y[i] = static_cast<float>(a * x[i]);
}

// One block: thread t sums elements t, t + 256, ...; then a shared-memory tree halves the
// 256 partial sums in a fixed pattern.
__global__ void sum_f64_kernel(int64_t n, const double* x, double* out) {
  __shared__ double partial[kSumThreads];
  double acc = 0.0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) acc += x[i];
  partial[threadIdx.x] = acc;
  __syncthreads();
  for (int half = kSumThreads / 2; half > 0; half /= 2) {
    if (static_cast<int>(threadIdx.x) < half) partial[threadIdx.x] += partial[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0) out[0] = partial[0];
}

}  // namespace

void window_filter(const kern::Context& ctx, const WindowShape& s, const double* g, const double* x, double* out) {
  const int64_t n = s.planes * s.out_plane();
  if (n <= 0) return;
  UPRES_LAUNCH(window_filter_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream, s, g,
               x, out);
}

void local_moments(const kern::Context& ctx, const WindowShape& s, const double* g, const double* x, const double* y,
                   double* mu_x, double* mu_y, double* var_x, double* var_y, double* cov) {
  const int64_t n = s.planes * s.out_plane();
  if (n <= 0) return;
  UPRES_LAUNCH(local_moments_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream, s, g,
               x, y, mu_x, mu_y, var_x, var_y, cov);
}

void ssim_map(const kern::Context& ctx, int64_t n, double c1, double c2, const double* mu_x, const double* mu_y,
              const double* var_x, const double* var_y, const double* cov, double* ssim, double* cs_map) {
  if (n <= 0) return;
  UPRES_LAUNCH(ssim_map_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream, n, c1, c2,
               mu_x, mu_y, var_x, var_y, cov, ssim, cs_map);
}

void downsample_mean2(const kern::Context& ctx, int64_t height, int64_t width, const double* x, double* out) {
  const int64_t n = ((height + 1) / 2) * ((width + 1) / 2);
  if (n <= 0) return;
  UPRES_LAUNCH(downsample_mean2_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream,
               height, width, x, out);
}

void ssim_backward(const kern::Context& ctx, const WindowShape& s, const double* g, double c1, double c2,
                   const double* x, const double* y, double* work, double* dx) {
  const int64_t positions = s.planes * s.out_plane(), pixels = s.planes * s.height * s.width;
  if (positions <= 0) return;
  double *a = work, *b = a + positions, *c = b + positions;
  UPRES_LAUNCH(ssim_coefficients_kernel, dim3(kern::stream_blocks(positions)), dim3(kern::kStreamThreads), 0,
               ctx.stream, s, g, c1, c2, x, y, a, b, c);
  const double inv_m = 1.0 / static_cast<double>(positions);
  UPRES_LAUNCH(ssim_gather_kernel, dim3(kern::stream_blocks(pixels)), dim3(kern::kStreamThreads), 0, ctx.stream, s,
               g, inv_m, x, y, a, b, c, dx);
}

void to_f64(const kern::Context& ctx, int64_t n, const float* x, double* y) {
  if (n <= 0) return;
  UPRES_LAUNCH(to_f64_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream, n, x, y);
}

void to_f32_scaled(const kern::Context& ctx, int64_t n, double alpha, const float* scale, const double* x,
                   float* y) {
  if (n <= 0) return;
  UPRES_LAUNCH(to_f32_scaled_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream, n,
               alpha, scale, x, y);
}

void sum_f64(const kern::Context& ctx, int64_t n, const double* x, double* out) {
  UPRES_LAUNCH(sum_f64_kernel, dim3(1), dim3(kSumThreads), 0, ctx.stream, n, x, out);
}

}  // namespace upres::UPRES_KERNEL_NS
