// activation.cpp - CPU activations: plain loops split over threads (tanh through
// kernels/cpu/vmath.h, which vectorises; glibc's tanhf does not).
#include "kernels/cpu/activation.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/cpu/parallel.h"
#include "kernels/cpu/vmath.h"

namespace upres::cpu {

void relu_forward(const kern::Context& ctx, int64_t n, const float* x, float* y) {
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
  });
}

void relu_backward(const kern::Context& ctx, int64_t n, const float* x, const float* dy, float* dx) {
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    // dy is read unconditionally: a load under the condition is not vectorised.
    for (int64_t i = lo; i < hi; ++i) {
      const float g = dy[i];
      dx[i] = x[i] > 0.0f ? g : 0.0f;
    }
  });
}

void leaky_relu_forward(const kern::Context& ctx, int64_t n, float slope, const float* x, float* y) {
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) y[i] = x[i] > 0.0f ? x[i] : slope * x[i];
  });
}

void leaky_relu_backward(const kern::Context& ctx, int64_t n, float slope, const float* x,
                         const float* dy, float* dx) {
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) dx[i] = x[i] > 0.0f ? dy[i] : slope * dy[i];
  });
}

// Rows are the (n, c) planes of `inner` floats; each row has one slope.
void prelu_forward(const kern::Context& ctx, const kern::PreluShape& s, const float* x,
                   const float* w, float* y) {
  const int64_t total = s.outer * s.channels * s.inner;
  parallel_for(ctx, total, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi;) {
      const int64_t row = i / s.inner, end = std::min(hi, (row + 1) * s.inner);
      const float a = w[row % s.channels];
      for (; i < end; ++i) y[i] = x[i] > 0.0f ? x[i] : a * x[i];
    }
  });
}

void prelu_backward(const kern::Context& ctx, const kern::PreluShape& s, const float* x,
                    const float* w, const float* dy, float* dx, float* dw) {
  const int64_t total = s.outer * s.channels * s.inner;
  if (dx) {
    parallel_for(ctx, total, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi;) {
        const int64_t row = i / s.inner, end = std::min(hi, (row + 1) * s.inner);
        const float a = w[row % s.channels];
        for (; i < end; ++i) {
          const float g = dy[i];
          dx[i] = x[i] > 0.0f ? g : a * g;
        }
      }
    });
  }
  if (!dw) return;
  if (total == 0) {
    for (int64_t c = 0; c < s.channels; ++c) dw[c] = 0.0f;
    return;
  }
  // dw: partial sums per piece of each row (fixed 8192-float pieces, so the
  // result does not depend on the thread count), then added per channel.
  constexpr int64_t kPiece = 8192;
  const int64_t pieces = std::max<int64_t>(1, (s.inner + kPiece - 1) / kPiece);
  const int64_t rows = s.outer * s.channels;
  std::vector<double> part(static_cast<size_t>(rows * pieces), 0.0);
  parallel_for(ctx, rows * pieces, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const int64_t row = i / pieces, p = i % pieces;
      const int64_t b = row * s.inner + p * kPiece, e = row * s.inner + std::min(s.inner, (p + 1) * kPiece);
      double acc = 0.0;
      for (int64_t k = b; k < e; ++k)
        if (!(x[k] > 0.0f)) acc += static_cast<double>(dy[k]) * x[k];
      part[i] = acc;
    }
  }, std::max<int64_t>(1, 32768 / std::min(s.inner, kPiece) + 1));
  for (int64_t c = 0; c < s.channels; ++c) {
    double acc = 0.0;
    for (int64_t n = 0; n < s.outer; ++n)
      for (int64_t p = 0; p < pieces; ++p) acc += part[(n * s.channels + c) * pieces + p];
    dw[c] = static_cast<float>(acc);
  }
}

void sigmoid_forward(const kern::Context& ctx, int64_t n, const float* x, float* y) {
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) y[i] = 1.0f / (1.0f + std::exp(-x[i]));
  });
}

void sigmoid_backward(const kern::Context& ctx, int64_t n, const float* y, const float* dy, float* dx) {
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) dx[i] = dy[i] * y[i] * (1.0f - y[i]);
  });
}

void tanh_forward(const kern::Context& ctx, int64_t n, const float* x, float* y) {
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
#pragma omp simd
    for (int64_t i = lo; i < hi; ++i) y[i] = tanh_f32(x[i]);
  });
}

void tanh_backward(const kern::Context& ctx, int64_t n, const float* y, const float* dy, float* dx) {
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) dx[i] = dy[i] * (1.0f - y[i] * y[i]);
  });
}

}  // namespace upres::cpu
