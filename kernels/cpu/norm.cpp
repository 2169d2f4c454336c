// norm.cpp - batch norm, one channel per parallel task.
//
// Napkin math: the statistics read x twice (two passes: mean, then squared
// deviations, which is more accurate than E[x^2] - E[x]^2), the forward reads x
// once more and writes y: about 16 bytes and 6 FLOPs per element, memory bound.
// The backward reads x and dy twice (two reductions, then dx).
//
// A channel's values are n strided blocks of hw contiguous floats.
#include "kernels/cpu/norm.h"

#include <algorithm>
#include <cmath>

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

namespace {

int64_t channel_grain(const kern::BatchNormShape& s) { return 1 + 32768 / std::max<int64_t>(s.n * s.hw, 1); }

// Calls f(block pointer offset) for the n blocks of channel ch.
template <typename F>
void for_blocks(const kern::BatchNormShape& s, int64_t ch, F&& f) {
  for (int64_t i = 0; i < s.n; ++i) f((i * s.c + ch) * s.hw);
}

}  // namespace

void batch_norm_stats(const kern::Context& ctx, const kern::BatchNormShape& s, const float* x, float* mean,
                      float* var) {
  const double count = static_cast<double>(s.n * s.hw);
  parallel_for(ctx, s.c, [&](int64_t lo, int64_t hi) {
    for (int64_t ch = lo; ch < hi; ++ch) {
      double sum = 0.0;
      for_blocks(s, ch, [&](int64_t off) {
        for (int64_t p = 0; p < s.hw; ++p) sum += x[off + p];
      });
      const double m = sum / count;
      double sq = 0.0;
      for_blocks(s, ch, [&](int64_t off) {
        for (int64_t p = 0; p < s.hw; ++p) {
          double d = x[off + p] - m;
          sq += d * d;
        }
      });
      mean[ch] = static_cast<float>(m);
      var[ch] = static_cast<float>(sq / count);
    }
  }, channel_grain(s));
}

void batch_norm_update_running(const kern::Context& ctx, const kern::BatchNormShape& s, const float* mean,
                               const float* var, float momentum, float* running_mean, float* running_var) {
  const int64_t count = s.n * s.hw;
  const float unbias = static_cast<float>(static_cast<double>(count) / static_cast<double>(count - 1));
  parallel_for(ctx, s.c, [&](int64_t lo, int64_t hi) {
    for (int64_t ch = lo; ch < hi; ++ch) {
      running_mean[ch] = (1.0f - momentum) * running_mean[ch] + momentum * mean[ch];
      running_var[ch] = (1.0f - momentum) * running_var[ch] + momentum * var[ch] * unbias;
    }
  });
}

void batch_norm_forward(const kern::Context& ctx, const kern::BatchNormShape& s, const float* x, const float* mean,
                        const float* var, float eps, const float* weight, const float* bias, float* y) {
  parallel_for(ctx, s.c, [&](int64_t lo, int64_t hi) {
    for (int64_t ch = lo; ch < hi; ++ch) {
      // y = x * scale + shift, with scale = weight * invstd, shift = bias - mean * scale.
      const float invstd = 1.0f / std::sqrt(var[ch] + eps);
      const float scale = (weight ? weight[ch] : 1.0f) * invstd;
      const float shift = (bias ? bias[ch] : 0.0f) - mean[ch] * scale;
      for_blocks(s, ch, [&](int64_t off) {
        for (int64_t p = 0; p < s.hw; ++p) y[off + p] = x[off + p] * scale + shift;
      });
    }
  }, channel_grain(s));
}

void batch_norm_backward(const kern::Context& ctx, const kern::BatchNormShape& s, const float* x, const float* dy,
                         const float* mean, const float* var, float eps, const float* weight, bool training,
                         float* dx, float* dweight, float* dbias) {
  const double count = static_cast<double>(s.n * s.hw);
  parallel_for(ctx, s.c, [&](int64_t lo, int64_t hi) {
    for (int64_t ch = lo; ch < hi; ++ch) {
      const float m = mean[ch];
      const float invstd = 1.0f / std::sqrt(var[ch] + eps);
      double sum_dy = 0.0, sum_dy_xhat = 0.0;
      for_blocks(s, ch, [&](int64_t off) {
        for (int64_t p = 0; p < s.hw; ++p) {
          sum_dy += dy[off + p];
          sum_dy_xhat += static_cast<double>(dy[off + p]) * ((x[off + p] - m) * invstd);
        }
      });
      if (dweight) dweight[ch] = static_cast<float>(sum_dy_xhat);
      if (dbias) dbias[ch] = static_cast<float>(sum_dy);
      if (!dx) continue;
      const float k = (weight ? weight[ch] : 1.0f) * invstd;
      const float mean_dy = training ? static_cast<float>(sum_dy / count) : 0.0f;
      const float mean_dy_xhat = training ? static_cast<float>(sum_dy_xhat / count) : 0.0f;
      for_blocks(s, ch, [&](int64_t off) {
        for (int64_t p = 0; p < s.hw; ++p) {
          const float xhat = (x[off + p] - m) * invstd;
          dx[off + p] = k * (dy[off + p] - mean_dy - xhat * mean_dy_xhat);
        }
      });
    }
  }, channel_grain(s));
}

}  // namespace upres::cpu
