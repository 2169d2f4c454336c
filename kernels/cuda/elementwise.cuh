// elementwise.cuh - pointwise arithmetic as CUDA kernels: one grid-stride loop (grid.h) over the
// output, stamped out per formula by a small functor, as in activation.cuh.
//
// Broadcast binary ops walk the merged description of kernels/shapes/elementwise.h: thread i
// turns its flat output index into the operands' offsets with an odometer over the merged dims
// (a div/mod per dim; the common one-dim cases - same shape, tensor-scalar - skip it).
//
// Napkin math (H100: ~3.3 TB/s, ~60 TFLOP/s FP32 without tensor cores):
//   binary, same shape: 12 B and 1 FLOP per element, 0.08 FLOP/B -> ~275 Gelem/s at full
//     bandwidth, 0.5% of the FP32 peak: memory-bound, like every kernel in this file. With a
//     broadcast operand (a [C] bias) it reads ~8 B per element and goes ~1.5x faster.
//   3-dim odometer: ~3 64-bit div/mod (~25 integer instructions each) per element, ~80 per
//     element; ~15 T integer instructions/s feed ~190 Gelem/s, close to the bandwidth bound.
//   scalar and unary: 8 B per element forward, 12-16 B backward; expf/logf/powf are ~10-40
//     FLOPs, still far below the ~7 FLOP/B ridge point of the machine.
// Results: +, -, *, / and sqrtf round once (IEEE, nvcc's default -prec-div/-prec-sqrt), so they
// match the cpu bit for bit; expf, logf, powf are within a few ulp of glibc's.
#pragma once

#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/grid.h"
#include "kernels/cuda/launch.h"

namespace upres::UPRES_KERNEL_NS {

namespace {

using kern::BinaryOp;
using kern::BroadcastShape;
using kern::ScalarOp;
using kern::UnaryOp;

// y[i] = f(g[i], a[.], b[.]) over the output of s; g and b may be null (then 0 is passed).
template <typename F>
__global__ void broadcast_kernel(BroadcastShape s, F f, const float* g, const float* a,
                                 const float* b, float* y) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < s.numel; i += stride) {
    int64_t oa = 0, ob = 0;
    if (s.ndim == 1) {  // same shape or tensor-scalar: one stride per operand, no division
      oa = i * s.a_stride[0];
      ob = i * s.b_stride[0];
    } else {
      int64_t rest = i;
      for (int d = s.ndim - 1; d >= 0; --d) {
        const int64_t k = rest % s.size[d];
        rest /= s.size[d];
        oa += k * s.a_stride[d];
        ob += k * s.b_stride[d];
      }
    }
    y[i] = f(g ? g[i] : 0.0f, a[oa], b ? b[ob] : 0.0f);
  }
}

template <typename F>
void broadcast(const kern::Context& ctx, const BroadcastShape& s, F f, const float* g,
               const float* a, const float* b, float* y) {
  if (s.numel <= 0) return;
  UPRES_LAUNCH(broadcast_kernel<F>, dim3(kern::stream_blocks(s.numel)), dim3(kern::kStreamThreads),
               0, ctx.stream, s, f, g, a, b, y);
}

// The binary formulas f(g, a, b), in the cpu kernels' operand order.
struct AddF {
  __device__ float operator()(float, float x, float z) const { return x + z; }
};
struct SubF {
  __device__ float operator()(float, float x, float z) const { return x - z; }
};
struct MulF {
  __device__ float operator()(float, float x, float z) const { return x * z; }
};
struct DivF {
  __device__ float operator()(float, float x, float z) const { return x / z; }
};
struct CopyAF {
  __device__ float operator()(float, float x, float) const { return x; }
};
struct GradTimesBF {  // mul, d/da: g * b
  __device__ float operator()(float d, float, float z) const { return d * z; }
};
struct GradTimesAF {  // mul, d/db: g * a
  __device__ float operator()(float d, float x, float) const { return d * x; }
};
struct GradOverBF {  // div, d/da: g / b
  __device__ float operator()(float d, float, float z) const { return d / z; }
};
struct DivGradBF {  // div, d/db: -g a / b^2
  __device__ float operator()(float d, float x, float z) const { return -d * x / (z * z); }
};
struct SignedGradF {  // add/sub: +-g
  float sign;
  __device__ float operator()(float d, float, float) const { return sign * d; }
};

// out[i] = f(x[i], y[i], dy[i]) for n elements; y and dy may be null (then 0 is passed).
template <typename F>
__global__ void map_kernel(int64_t n, F f, const float* x, const float* y, const float* dy, float* out) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    out[i] = f(x[i], y ? y[i] : 0.0f, dy ? dy[i] : 0.0f);
}

template <typename F>
void map(const kern::Context& ctx, int64_t n, F f, const float* x, const float* y, const float* dy,
         float* out) {
  if (n <= 0) return;
  UPRES_LAUNCH(map_kernel<F>, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0,
               ctx.stream, n, f, x, y, dy, out);
}

// Tensor-scalar: one functor with the op as data (a uniform branch, no divergence).
struct ScalarF {
  ScalarOp op;
  float s;
  __device__ float operator()(float v, float, float) const {
    switch (op) {
      case ScalarOp::add: return v + s;
      case ScalarOp::sub: return v - s;
      case ScalarOp::rsub: return s - v;
      case ScalarOp::mul: return v * s;
      case ScalarOp::div: return v / s;
    }
    return 0.0f;
  }
};

// Unary maths forward: f(x).
struct UnaryF {
  UnaryOp op;
  float p0, p1;
  __device__ float operator()(float v, float, float) const {
    switch (op) {
      case UnaryOp::neg: return -v;
      case UnaryOp::square: return v * v;
      case UnaryOp::sqrt: return sqrtf(v);
      case UnaryOp::pow: return powf(v, p0);
      case UnaryOp::exp: return expf(v);
      case UnaryOp::log: return logf(v);
      case UnaryOp::abs: return fabsf(v);
      case UnaryOp::clamp: return v < p0 ? p0 : (v > p1 ? p1 : v);  // NaN passes through
    }
    return 0.0f;
  }
};

// Unary maths backward: dx = dy * f'(x), from x (v) or the output (r), as the cpu kernel.
struct UnaryBackF {
  UnaryOp op;
  float p0, p1;
  __device__ float operator()(float v, float r, float g) const {
    switch (op) {
      case UnaryOp::neg: return -g;
      case UnaryOp::square: return 2.0f * v * g;
      case UnaryOp::sqrt: return g / (2.0f * r);
      case UnaryOp::pow: return p0 == 0.0f ? 0.0f : g * p0 * powf(v, p0 - 1.0f);
      case UnaryOp::exp: return g * r;
      case UnaryOp::log: return g / v;
      case UnaryOp::abs: return v > 0.0f ? g : (v < 0.0f ? -g : 0.0f);
      case UnaryOp::clamp: return (v > p0 && v < p1) ? g : 0.0f;  // 0 at the bounds (PyTorch 2)
    }
    return 0.0f;
  }
};

}  // namespace

void binary_forward(const kern::Context& ctx, BinaryOp op, const BroadcastShape& s, const float* a,
                    const float* b, float* y) {
  switch (op) {
    case BinaryOp::add: return broadcast(ctx, s, AddF{}, nullptr, a, b, y);
    case BinaryOp::sub: return broadcast(ctx, s, SubF{}, nullptr, a, b, y);
    case BinaryOp::mul: return broadcast(ctx, s, MulF{}, nullptr, a, b, y);
    case BinaryOp::div: return broadcast(ctx, s, DivF{}, nullptr, a, b, y);
  }
}

void binary_backward(const kern::Context& ctx, BinaryOp op, int operand, const BroadcastShape& s,
                     const float* g, const float* a, const float* b, float* out) {
  if (op == BinaryOp::mul) {
    if (operand == 0) return broadcast(ctx, s, GradTimesBF{}, g, a, b, out);
    return broadcast(ctx, s, GradTimesAF{}, g, a, b, out);
  }
  if (op == BinaryOp::div) {
    if (operand == 0) return broadcast(ctx, s, GradOverBF{}, g, a, b, out);
    return broadcast(ctx, s, DivGradBF{}, g, a, b, out);
  }
  const float sign = (op == BinaryOp::sub && operand == 1) ? -1.0f : 1.0f;
  broadcast(ctx, s, SignedGradF{sign}, g, a, b, out);
}

void broadcast_copy(const kern::Context& ctx, const BroadcastShape& s, const float* a, float* y) {
  broadcast(ctx, s, CopyAF{}, nullptr, a, nullptr, y);  // b is not read
}

void scalar_forward(const kern::Context& ctx, ScalarOp op, int64_t n, const float* x, float s,
                    float* y) {
  map(ctx, n, ScalarF{op, s}, x, nullptr, nullptr, y);
}

void unary_forward(const kern::Context& ctx, const kern::UnaryParams& p, int64_t n, const float* x,
                   float* y) {
  map(ctx, n, UnaryF{p.op, p.p0, p.p1}, x, nullptr, nullptr, y);
}

void unary_backward(const kern::Context& ctx, const kern::UnaryParams& p, int64_t n, const float* x,
                    const float* y, const float* dy, float* dx) {
  map(ctx, n, UnaryBackF{p.op, p.p0, p.p1}, x, y, dy, dx);
}

}  // namespace upres::UPRES_KERNEL_NS
