// optim.cuh - SGD, Adam/AdamW and the gradient-norm reductions as CUDA kernels.
//
// The updates are one thread per element (grid-stride loops, grid.h): each thread reads its
// parameter, gradient and state, runs the whole update in registers and writes them back, the
// float operations in exactly the order of kernels/cpu/optim.cpp. The scalars derived from the
// double hyperparameters (-lr / bias_correction1, sqrt(bias_correction2), 1 - beta, ...) are
// formed on the host in double and rounded to float once, as the cpu kernel does, and passed by
// value. The multiply-adds that PyTorch fuses are explicit fmaf here, so the GPU rounds where the
// cpu (built with FMA) rounds; sqrtf and '/' are IEEE (nvcc's -prec-sqrt/-prec-div defaults).
//
// Napkin math, bytes per parameter per step (fp32):
//   SGD          4 (param) + 4 (grad) read, 4 written                  12 B
//   SGD+momentum + 4 read + 4 written (momentum buffer)                 20 B
//   Adam/AdamW   4 param + 4 grad + 4 m + 4 v read, 4 + 4 + 4 written  28 B, ~15 FLOPs + sqrt + div
// That is ~0.5 FLOP/B: memory-bound. On an H100 (~3.3 TB/s) an Adam step over the 1.5 M
// parameters of EDSR-baseline moves 42 MB: ~13 us, less than one small convolution.
//
// The reductions (sum x^2, sum |x|^p, max |x|) run in one block of 1024 threads: thread t
// accumulates elements t, t + 1024, ... in double, a fixed warp-shuffle tree and the 32 warp
// totals through shared memory finish, so the result is the same in every run and every simt
// scheduling order (as kernels/cuda/reduce.cuh). One block reaches ~0.1-0.2 TB/s: ~30 us for
// the 6 MB of EDSR-baseline's gradients, once per step for clipping; a two-pass version with a
// workspace would lift that cap.
#pragma once

#include <cmath>

#include "kernels/cuda/grid.h"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/optim.h"

namespace upres::UPRES_KERNEL_NS {

namespace {

constexpr int kNormThreads = 1024;  // the one block of a norm reduction

// a * b + c with one rounding where the cpu kernel rounds once (it uses std::fma when the
// host has FMA, kernels/cpu/optim.cpp), so the two backends agree bit for bit there.
__device__ __forceinline__ float madd(float a, float b, float c) {
#if defined(__CUDA_ARCH__) || defined(__FMA__)
  return fmaf(a, b, c);
#else
  return a * b + c;
#endif
}

struct SgdScalars {
  float wd, mom, keep, neg_lr;  // weight decay, momentum, 1 - dampening, -lr
  bool use_wd, use_momentum, nesterov, first_step;
};

__global__ void sgd_kernel(int64_t n, SgdScalars s, float* param, const float* grad, float* buf) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const float p = param[i];
    float g = grad[i];
    if (s.use_wd) g = madd(s.wd, p, g);
    if (s.use_momentum) {
      float b = s.first_step ? g : buf[i] * s.mom;  // mul_(momentum) ...
      if (!s.first_step) b = madd(s.keep, g, b);    // ... .add_(g, alpha=1 - dampening)
      buf[i] = b;
      g = s.nesterov ? madd(s.mom, b, g) : b;
    }
    param[i] = madd(s.neg_lr, g, p);
  }
}

struct AdamScalars {
  float neg_step_size, bc2_sqrt, w1, b2, w2, eps, wd, shrink;
  bool use_wd, decoupled, small_w1;
};

__global__ void adam_kernel(int64_t n, AdamScalars s, float* param, const float* grad, float* exp_avg,
                            float* exp_avg_sq) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    float p = param[i];
    float g = grad[i];
    if (s.use_wd) {
      if (s.decoupled)
        p = p * s.shrink;  // AdamW: decay the weight itself
      else
        g = madd(s.wd, p, g);  // Adam: L2 penalty on the gradient
    }
    // lerp(m, g, w1) from the nearer end, as PyTorch (and the cpu kernel).
    float m = exp_avg[i];
    m = s.small_w1 ? madd(s.w1, g - m, m) : madd(-(g - m), 1.0f - s.w1, g);
    float v = exp_avg_sq[i] * s.b2;
    v = madd(s.w2 * g, g, v);
    const float denom = sqrtf(v) / s.bc2_sqrt + s.eps;
    exp_avg[i] = m;
    exp_avg_sq[i] = v;
    param[i] = p + s.neg_step_size * m / denom;
  }
}

__global__ void scale_kernel(int64_t n, float alpha, float* x) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    x[i] *= alpha;
}

// The terms of the sums, in double.
struct SquareTerm {
  __device__ double operator()(float x) const {
    const double v = x;
    return v * v;
  }
};
struct AbsPowTerm {
  double p;
  __device__ double operator()(float x) const { return pow(fabs(static_cast<double>(x)), p); }
};

// out[0] = sum_i term(x_i), one block, fixed order (see the header comment).
template <typename Term>
__global__ void norm_sum_kernel(int64_t n, Term term, const float* x, float* out) {
  __shared__ double warp_sums[32];
  double acc = 0.0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) acc += term(x[i]);
  for (int offset = 16; offset > 0; offset /= 2) acc += __shfl_down_sync(0xffffffffu, acc, offset);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) warp_sums[warp] = acc;
  __syncthreads();
  if (warp == 0) {
    acc = lane < static_cast<int>(blockDim.x / 32) ? warp_sums[lane] : 0.0;
    for (int offset = 16; offset > 0; offset /= 2) acc += __shfl_down_sync(0xffffffffu, acc, offset);
    if (lane == 0) out[0] = static_cast<float>(acc);
  }
}

// The larger of two |x| maxima, NaN sticky (a != a: NaN, with no isnan needed in both builds).
__device__ __forceinline__ float max_nan(float m, float a) { return (a > m || a != a) ? a : m; }

__global__ void max_abs_kernel(int64_t n, const float* x, float* out) {
  __shared__ float warp_max[32];
  float m = 0.0f;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) m = max_nan(m, fabsf(x[i]));
  for (int offset = 16; offset > 0; offset /= 2) m = max_nan(m, __shfl_down_sync(0xffffffffu, m, offset));
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) warp_max[warp] = m;
  __syncthreads();
  if (warp == 0) {
    m = lane < static_cast<int>(blockDim.x / 32) ? warp_max[lane] : 0.0f;
    for (int offset = 16; offset > 0; offset /= 2) m = max_nan(m, __shfl_down_sync(0xffffffffu, m, offset));
    if (lane == 0) out[0] = m;
  }
}

}  // namespace

void sgd_step(const kern::Context& ctx, int64_t n, float* param, const float* grad, float* momentum_buf,
              double lr, double momentum, double dampening, double weight_decay, bool nesterov,
              bool first_step) {
  if (n <= 0) return;
  SgdScalars s;
  s.wd = static_cast<float>(weight_decay);
  s.mom = static_cast<float>(momentum);
  s.keep = static_cast<float>(1.0 - dampening);
  s.neg_lr = static_cast<float>(-lr);
  s.use_wd = weight_decay != 0.0;
  s.use_momentum = momentum != 0.0;
  s.nesterov = nesterov;
  s.first_step = first_step;
  UPRES_LAUNCH(sgd_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream, n, s,
               param, grad, momentum_buf);
}

void adam_step(const kern::Context& ctx, int64_t n, float* param, const float* grad, float* exp_avg,
               float* exp_avg_sq, double lr, double beta1, double beta2, double eps,
               double weight_decay, bool decoupled, int64_t step) {
  if (n <= 0) return;
  const double t = static_cast<double>(step);
  const double bias_correction1 = 1.0 - std::pow(beta1, t);
  const double bias_correction2 = 1.0 - std::pow(beta2, t);
  AdamScalars s;
  s.neg_step_size = static_cast<float>(-(lr / bias_correction1));
  s.bc2_sqrt = static_cast<float>(std::sqrt(bias_correction2));
  s.w1 = static_cast<float>(1.0 - beta1);
  s.b2 = static_cast<float>(beta2);
  s.w2 = static_cast<float>(1.0 - beta2);
  s.eps = static_cast<float>(eps);
  s.wd = static_cast<float>(weight_decay);
  s.shrink = static_cast<float>(1.0 - lr * weight_decay);
  s.use_wd = weight_decay != 0.0;
  s.decoupled = decoupled;
  s.small_w1 = std::fabs(s.w1) < 0.5f;
  UPRES_LAUNCH(adam_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream, n, s,
               param, grad, exp_avg, exp_avg_sq);
}

// n == 0 still writes out (0), as the cpu kernels.
void sum_squares(const kern::Context& ctx, int64_t n, const float* x, float* out) {
  UPRES_LAUNCH(norm_sum_kernel<SquareTerm>, dim3(1), dim3(kNormThreads), 0, ctx.stream, n, SquareTerm{}, x,
               out);
}

void sum_abs_pow(const kern::Context& ctx, int64_t n, const float* x, double p, float* out) {
  UPRES_LAUNCH(norm_sum_kernel<AbsPowTerm>, dim3(1), dim3(kNormThreads), 0, ctx.stream, n, AbsPowTerm{p}, x,
               out);
}

void max_abs(const kern::Context& ctx, int64_t n, const float* x, float* out) {
  UPRES_LAUNCH(max_abs_kernel, dim3(1), dim3(kNormThreads), 0, ctx.stream, n, x, out);
}

void scale_in_place(const kern::Context& ctx, int64_t n, float alpha, float* x) {
  if (n <= 0) return;
  UPRES_LAUNCH(scale_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0, ctx.stream, n,
               alpha, x);
}

}  // namespace upres::UPRES_KERNEL_NS
