// elementwise.cpp - CPU pointwise kernels. The binary ops share one walker: the
// flat output range is split into chunks (one per thread); each chunk is walked
// row by row, a row being the last merged dim, whose inner loop is specialised
// for the operand strides (1,1) same shape, (1,0) tensor-scalar/per-channel,
// (0,1), and a general strided loop.
#include "kernels/cpu/elementwise.h"

#include <algorithm>
#include <cmath>

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

namespace {

using kern::BinaryOp;
using kern::BroadcastShape;

// Element offsets of a and b at the start of output row `row` (rows index the
// output with its last merged dim removed).
inline void row_offsets(const BroadcastShape& s, int64_t row, int64_t* oa, int64_t* ob) {
  int64_t a = 0, b = 0;
  for (int d = s.ndim - 2; d >= 0; --d) {
    int64_t i = row % s.size[d];
    row /= s.size[d];
    a += i * s.a_stride[d];
    b += i * s.b_stride[d];
  }
  *oa = a;
  *ob = b;
}

// y[i] = f(g[i], a[.], b[.]) over the output of s. kHasG: whether g is read.
template <bool kHasG, typename F>
void walk(const kern::Context& ctx, const BroadcastShape& s, const float* g, const float* a,
          const float* b, float* y, F f) {
  if (s.numel == 0) return;
  if (s.ndim == 0) {
    y[0] = f(kHasG ? g[0] : 0.0f, a[0], b[0]);
    return;
  }
  const int last = s.ndim - 1;
  const int64_t inner = s.size[last], sa = s.a_stride[last], sb = s.b_stride[last];
  parallel_for(ctx, s.numel, [&](int64_t lo, int64_t hi) {
    int64_t row = lo / inner, col = lo % inner;
    for (int64_t i = lo; i < hi; ++row, col = 0) {
      int64_t oa, ob;
      row_offsets(s, row, &oa, &ob);
      const int64_t len = std::min(inner - col, hi - i);
      const float* pa = a + oa + col * sa;
      const float* pb = b + ob + col * sb;
      const float* pg = kHasG ? g + i : nullptr;
      float* py = y + i;
      if (sa == 1 && sb == 1) {
        for (int64_t k = 0; k < len; ++k) py[k] = f(kHasG ? pg[k] : 0.0f, pa[k], pb[k]);
      } else if (sa == 1 && sb == 0) {
        const float bv = *pb;
        for (int64_t k = 0; k < len; ++k) py[k] = f(kHasG ? pg[k] : 0.0f, pa[k], bv);
      } else if (sa == 0 && sb == 1) {
        const float av = *pa;
        for (int64_t k = 0; k < len; ++k) py[k] = f(kHasG ? pg[k] : 0.0f, av, pb[k]);
      } else {
        for (int64_t k = 0; k < len; ++k) py[k] = f(kHasG ? pg[k] : 0.0f, pa[k * sa], pb[k * sb]);
      }
      i += len;
    }
  });
}

template <typename F>
void map(const kern::Context& ctx, int64_t n, const float* x, float* y, F f) {
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) y[i] = f(x[i]);
  });
}

template <typename F>
void map_backward(const kern::Context& ctx, int64_t n, const float* x, const float* y,
                  const float* dy, float* dx, F f) {
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) dx[i] = f(x[i], y[i], dy[i]);
  });
}

}  // namespace

void binary_forward(const kern::Context& ctx, BinaryOp op, const BroadcastShape& s, const float* a,
                    const float* b, float* y) {
  switch (op) {
    case BinaryOp::add: return walk<false>(ctx, s, nullptr, a, b, y, [](float, float x, float z) { return x + z; });
    case BinaryOp::sub: return walk<false>(ctx, s, nullptr, a, b, y, [](float, float x, float z) { return x - z; });
    case BinaryOp::mul: return walk<false>(ctx, s, nullptr, a, b, y, [](float, float x, float z) { return x * z; });
    case BinaryOp::div: return walk<false>(ctx, s, nullptr, a, b, y, [](float, float x, float z) { return x / z; });
  }
}

void binary_backward(const kern::Context& ctx, BinaryOp op, int operand, const BroadcastShape& s,
                     const float* g, const float* a, const float* b, float* out) {
  if (op == BinaryOp::mul) {
    if (operand == 0) return walk<true>(ctx, s, g, a, b, out, [](float d, float, float z) { return d * z; });
    return walk<true>(ctx, s, g, a, b, out, [](float d, float x, float) { return d * x; });
  }
  if (op == BinaryOp::div) {
    if (operand == 0) return walk<true>(ctx, s, g, a, b, out, [](float d, float, float z) { return d / z; });
    return walk<true>(ctx, s, g, a, b, out, [](float d, float x, float z) { return -d * x / (z * z); });
  }
  // add / sub: d/da = 1, d/db = +-1.
  const float sign = (op == BinaryOp::sub && operand == 1) ? -1.0f : 1.0f;
  walk<true>(ctx, s, g, a, b, out, [sign](float d, float, float) { return sign * d; });
}

void broadcast_copy(const kern::Context& ctx, const BroadcastShape& s, const float* a, float* y) {
  BroadcastShape t = s;
  for (int d = 0; d < t.ndim; ++d) t.b_stride[d] = 0;  // b is not read; keep its pointer in range
  walk<false>(ctx, t, nullptr, a, a, y, [](float, float x, float) { return x; });
}

void scalar_forward(const kern::Context& ctx, kern::ScalarOp op, int64_t n, const float* x, float s,
                    float* y) {
  using kern::ScalarOp;
  switch (op) {
    case ScalarOp::add: return map(ctx, n, x, y, [s](float v) { return v + s; });
    case ScalarOp::sub: return map(ctx, n, x, y, [s](float v) { return v - s; });
    case ScalarOp::rsub: return map(ctx, n, x, y, [s](float v) { return s - v; });
    case ScalarOp::mul: return map(ctx, n, x, y, [s](float v) { return v * s; });
    case ScalarOp::div: return map(ctx, n, x, y, [s](float v) { return v / s; });
  }
}

void unary_forward(const kern::Context& ctx, const kern::UnaryParams& p, int64_t n, const float* x,
                   float* y) {
  using kern::UnaryOp;
  const float p0 = p.p0, p1 = p.p1;
  switch (p.op) {
    case UnaryOp::neg: return map(ctx, n, x, y, [](float v) { return -v; });
    case UnaryOp::square: return map(ctx, n, x, y, [](float v) { return v * v; });
    case UnaryOp::sqrt: return map(ctx, n, x, y, [](float v) { return std::sqrt(v); });
    case UnaryOp::pow: return map(ctx, n, x, y, [p0](float v) { return std::pow(v, p0); });
    case UnaryOp::exp: return map(ctx, n, x, y, [](float v) { return std::exp(v); });
    case UnaryOp::log: return map(ctx, n, x, y, [](float v) { return std::log(v); });
    case UnaryOp::abs: return map(ctx, n, x, y, [](float v) { return std::fabs(v); });
    // NaN passes through, as torch.clamp.
    case UnaryOp::clamp:
      return map(ctx, n, x, y, [p0, p1](float v) { return v < p0 ? p0 : (v > p1 ? p1 : v); });
  }
}

void unary_backward(const kern::Context& ctx, const kern::UnaryParams& p, int64_t n, const float* x,
                    const float* y, const float* dy, float* dx) {
  using kern::UnaryOp;
  const float p0 = p.p0, p1 = p.p1;
  switch (p.op) {
    case UnaryOp::neg: return map_backward(ctx, n, x, y, dy, dx, [](float, float, float g) { return -g; });
    case UnaryOp::square:
      return map_backward(ctx, n, x, y, dy, dx, [](float v, float, float g) { return 2.0f * v * g; });
    case UnaryOp::sqrt:
      return map_backward(ctx, n, x, y, dy, dx, [](float, float r, float g) { return g / (2.0f * r); });
    case UnaryOp::pow:  // d/dx x^e = e x^(e-1); exactly 0 for e == 0 (also at x == 0)
      return map_backward(ctx, n, x, y, dy, dx, [p0](float v, float, float g) {
        return p0 == 0.0f ? 0.0f : g * p0 * std::pow(v, p0 - 1.0f);
      });
    case UnaryOp::exp: return map_backward(ctx, n, x, y, dy, dx, [](float, float r, float g) { return g * r; });
    case UnaryOp::log: return map_backward(ctx, n, x, y, dy, dx, [](float v, float, float g) { return g / v; });
    case UnaryOp::abs:  // sign(x) * g, with sign(0) = 0
      return map_backward(ctx, n, x, y, dy, dx, [](float v, float, float g) {
        return v > 0.0f ? g : (v < 0.0f ? -g : 0.0f);
      });
    case UnaryOp::clamp:  // 1 strictly between lo and hi, 0 at the bounds and outside (PyTorch 2)
      return map_backward(ctx, n, x, y, dy, dx, [p0, p1](float v, float, float g) {
        return (v > p0 && v < p1) ? g : 0.0f;
      });
  }
}

}  // namespace upres::cpu
