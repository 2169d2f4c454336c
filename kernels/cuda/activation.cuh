// activation.cuh - activations as CUDA kernels: one grid-stride loop per formula (grid.h), and
// a block-per-channel reduction for PReLU's weight gradient.
//
// Napkin math: the pointwise kernels move 8 bytes per element forward (x in, y out) and 12
// backward (x or y, dy in, dx out), with a handful of FLOPs: memory-bound, like cpu/activation.
// prelu's dw reads 8 bytes per element and sums in double; one block per channel keeps the
// summation order fixed (the result does not depend on scheduling), at the price of using only
// `channels` blocks: fine for the SR layer sizes (C = 32..64 channels of ~10^5 pixels).
#pragma once

#include "kernels/cuda/activation.h"
#include "kernels/cuda/grid.h"
#include "kernels/cuda/launch.h"

namespace upres::UPRES_KERNEL_NS {

namespace {

// Elementwise: out[i] = f(a[i], b[i]) over [0, n). `F` is a small functor; the launch below
// stamps out one kernel per formula.
template <typename F>
__global__ void map2_kernel(int64_t n, F f, const float* a, const float* b, float* out) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    out[i] = f(a[i], b ? b[i] : 0.0f);
}

template <typename F>
void map2(const kern::Context& ctx, int64_t n, F f, const float* a, const float* b, float* out) {
  if (n <= 0) return;
  UPRES_LAUNCH(map2_kernel<F>, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0,
               ctx.stream, n, f, a, b, out);
}

// The formulas, as functors usable on host and device (PyTorch's conventions at 0: x > 0 picks
// the positive branch, so x == 0 takes the slope / zero branch).
struct ReluF {
  __device__ float operator()(float x, float) const { return x > 0.0f ? x : 0.0f; }
};
struct ReluBackF {
  __device__ float operator()(float x, float dy) const { return x > 0.0f ? dy : 0.0f; }
};
struct LeakyF {
  float slope;
  __device__ float operator()(float x, float) const { return x > 0.0f ? x : slope * x; }
};
struct LeakyBackF {
  float slope;
  __device__ float operator()(float x, float dy) const { return x > 0.0f ? dy : slope * dy; }
};
struct SigmoidF {
  __device__ float operator()(float x, float) const { return 1.0f / (1.0f + expf(-x)); }
};
struct SigmoidBackF {  // from the saved output y
  __device__ float operator()(float y, float dy) const { return dy * y * (1.0f - y); }
};
struct TanhF {
  __device__ float operator()(float x, float) const { return tanhf(x); }
};
struct TanhBackF {  // from the saved output y
  __device__ float operator()(float y, float dy) const { return dy * (1.0f - y * y); }
};

// PReLU, forward (v = x) or dx (v = dy): out = x > 0 ? v : w[c] * v, with c the channel of i
// in the [outer, channels, inner] layout.
__global__ void prelu_map_kernel(kern::PreluShape s, const float* x, const float* w, const float* v,
                                 float* out) {
  const int64_t n = s.outer * s.channels * s.inner;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const float a = w[(i / s.inner) % s.channels];
    out[i] = x[i] > 0.0f ? v[i] : a * v[i];
  }
}

constexpr int kPreluReduceThreads = 256;

// dw[c] = sum over outer, inner of (x > 0 ? 0 : dy * x). Block c owns channel c: thread t sums
// the elements t, t + 256, ... of each (outer, c) row in double, then a shared-memory tree adds
// the 256 partial sums. The order is fixed, so every run gives the same bits.
__global__ void prelu_dw_kernel(kern::PreluShape s, const float* x, const float* dy, float* dw) {
  __shared__ double partial[kPreluReduceThreads];
  const int64_t c = blockIdx.x;
  const int t = threadIdx.x;
  double acc = 0.0;
  for (int64_t o = 0; o < s.outer; ++o) {
    const int64_t row = (o * s.channels + c) * s.inner;
    for (int64_t i = t; i < s.inner; i += kPreluReduceThreads) {
      const float xv = x[row + i];
      if (!(xv > 0.0f)) acc += static_cast<double>(dy[row + i]) * xv;
    }
  }
  partial[t] = acc;
  __syncthreads();
  for (int half = kPreluReduceThreads / 2; half > 0; half /= 2) {
    if (t < half) partial[t] += partial[t + half];
    __syncthreads();
  }
  if (t == 0) dw[c] = static_cast<float>(partial[0]);
}

}  // namespace

void relu_forward(const kern::Context& ctx, int64_t n, const float* x, float* y) {
  map2(ctx, n, ReluF{}, x, nullptr, y);
}
void relu_backward(const kern::Context& ctx, int64_t n, const float* x, const float* dy, float* dx) {
  map2(ctx, n, ReluBackF{}, x, dy, dx);
}

void leaky_relu_forward(const kern::Context& ctx, int64_t n, float slope, const float* x, float* y) {
  map2(ctx, n, LeakyF{slope}, x, nullptr, y);
}
void leaky_relu_backward(const kern::Context& ctx, int64_t n, float slope, const float* x,
                         const float* dy, float* dx) {
  map2(ctx, n, LeakyBackF{slope}, x, dy, dx);
}

void prelu_forward(const kern::Context& ctx, const kern::PreluShape& s, const float* x,
                   const float* w, float* y) {
  const int64_t n = s.outer * s.channels * s.inner;
  if (n <= 0) return;
  UPRES_LAUNCH(prelu_map_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0,
               ctx.stream, s, x, w, x, y);
}

void prelu_backward(const kern::Context& ctx, const kern::PreluShape& s, const float* x,
                    const float* w, const float* dy, float* dx, float* dw) {
  const int64_t n = s.outer * s.channels * s.inner;
  if (dx && n > 0)
    UPRES_LAUNCH(prelu_map_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0,
                 ctx.stream, s, x, w, dy, dx);
  if (dw && s.channels > 0)  // an empty input still writes dw = 0
    UPRES_LAUNCH(prelu_dw_kernel, dim3(static_cast<unsigned>(s.channels)),
                 dim3(kPreluReduceThreads), 0, ctx.stream, s, x, dy, dw);
}

void sigmoid_forward(const kern::Context& ctx, int64_t n, const float* x, float* y) {
  map2(ctx, n, SigmoidF{}, x, nullptr, y);
}
void sigmoid_backward(const kern::Context& ctx, int64_t n, const float* y, const float* dy, float* dx) {
  map2(ctx, n, SigmoidBackF{}, y, dy, dx);
}

void tanh_forward(const kern::Context& ctx, int64_t n, const float* x, float* y) {
  map2(ctx, n, TanhF{}, x, nullptr, y);
}
void tanh_backward(const kern::Context& ctx, int64_t n, const float* y, const float* dy, float* dx) {
  map2(ctx, n, TanhBackF{}, y, dy, dx);
}

}  // namespace upres::UPRES_KERNEL_NS
