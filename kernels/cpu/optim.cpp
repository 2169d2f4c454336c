// optim.cpp - the fused optimizer updates and gradient-norm reductions (see optim.h).
#include "kernels/cpu/optim.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

namespace {

// a * b + c. PyTorch's CPU kernels compute `x + alpha * y` (add with alpha,
// addcmul, lerp) as one fused multiply-add, rounding once; we do the same, which
// makes SGD bit-identical to PyTorch on the same machine. Without hardware FMA
// (portable builds) std::fma would be a slow library call, so we round twice
// there: a difference of an ulp, nothing more.
inline float madd(float a, float b, float c) {
#ifdef __FMA__
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}

}  // namespace

void sgd_step(const kern::Context& ctx, int64_t n, float* param, const float* grad, float* momentum_buf,
              double lr, double momentum, double dampening, double weight_decay, bool nesterov,
              bool first_step) {
  // Scalars rounded to float once, as PyTorch passes them to its kernels.
  const float wd = static_cast<float>(weight_decay);
  const float mom = static_cast<float>(momentum);
  const float keep = static_cast<float>(1.0 - dampening);  // weight of the new gradient
  const float neg_lr = static_cast<float>(-lr);
  const bool use_wd = weight_decay != 0.0, use_momentum = momentum != 0.0;
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      float p = param[i];
      float g = grad[i];
      if (use_wd) g = madd(wd, p, g);
      if (use_momentum) {
        float b = first_step ? g : momentum_buf[i] * mom;  // mul_(momentum) ...
        if (!first_step) b = madd(keep, g, b);             // ... .add_(g, alpha=1 - dampening)
        momentum_buf[i] = b;
        g = nesterov ? madd(mom, b, g) : b;
      }
      param[i] = madd(neg_lr, g, p);
    }
  });
}

void adam_step(const kern::Context& ctx, int64_t n, float* param, const float* grad, float* exp_avg,
               float* exp_avg_sq, double lr, double beta1, double beta2, double eps,
               double weight_decay, bool decoupled, int64_t step) {
  // Bias corrections: early on m and v are biased towards their zero start;
  // dividing by 1 - beta^t undoes that (Kingma & Ba 2015, section 3).
  const double t = static_cast<double>(step);
  const double bias_correction1 = 1.0 - std::pow(beta1, t);
  const double bias_correction2 = 1.0 - std::pow(beta2, t);
  const float neg_step_size = static_cast<float>(-(lr / bias_correction1));
  const float bc2_sqrt = static_cast<float>(std::sqrt(bias_correction2));
  const float w1 = static_cast<float>(1.0 - beta1);  // lerp weight of the new gradient
  const float b2 = static_cast<float>(beta2), w2 = static_cast<float>(1.0 - beta2);
  const float epsf = static_cast<float>(eps);
  const float wd = static_cast<float>(weight_decay);
  const float shrink = static_cast<float>(1.0 - lr * weight_decay);  // AdamW's decay factor
  const bool use_wd = weight_decay != 0.0;
  const bool small_w1 = std::fabs(w1) < 0.5f;
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      float p = param[i];
      float g = grad[i];
      if (use_wd) {
        if (decoupled)
          p = p * shrink;  // AdamW: decay the weight itself, outside the adaptive scaling
        else
          g = madd(wd, p, g);  // Adam: L2 penalty added to the gradient
      }
      // lerp(m, g, w) = m + w (g - m), evaluated from the nearer end for accuracy.
      float m = exp_avg[i];
      m = small_w1 ? madd(w1, g - m, m) : madd(-(g - m), 1.0f - w1, g);
      float v = exp_avg_sq[i] * b2;
      v = madd(w2 * g, g, v);
      const float denom = std::sqrt(v) / bc2_sqrt + epsf;
      exp_avg[i] = m;
      exp_avg_sq[i] = v;
      param[i] = p + neg_step_size * m / denom;
    }
  });
}

namespace {

// Fixed-size blocks: each block's partial sum is computed in double on one
// thread, and the partials are added in block order, so the result is the same
// for any thread count.
constexpr int64_t kBlock = 8192;

template <typename Term>
double block_sum(const kern::Context& ctx, int64_t n, Term term) {
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  std::vector<double> partial(static_cast<size_t>(blocks), 0.0);
  parallel_for(
      ctx, blocks,
      [&](int64_t blo, int64_t bhi) {
        for (int64_t b = blo; b < bhi; ++b) {
          const int64_t lo = b * kBlock, hi = std::min(n, lo + kBlock);
          double s = 0.0;
          for (int64_t i = lo; i < hi; ++i) s += term(i);
          partial[static_cast<size_t>(b)] = s;
        }
      },
      /*grain=*/4);
  double total = 0.0;
  for (double s : partial) total += s;
  return total;
}

}  // namespace

void sum_squares(const kern::Context& ctx, int64_t n, const float* x, float* out) {
  *out = static_cast<float>(block_sum(ctx, n, [x](int64_t i) {
    const double v = x[i];
    return v * v;
  }));
}

void sum_abs_pow(const kern::Context& ctx, int64_t n, const float* x, double p, float* out) {
  *out = static_cast<float>(block_sum(ctx, n, [x, p](int64_t i) {
    return std::pow(std::fabs(static_cast<double>(x[i])), p);
  }));
}

void max_abs(const kern::Context& ctx, int64_t n, const float* x, float* out) {
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  std::vector<float> partial(static_cast<size_t>(blocks), 0.0f);
  parallel_for(
      ctx, blocks,
      [&](int64_t blo, int64_t bhi) {
        for (int64_t b = blo; b < bhi; ++b) {
          const int64_t lo = b * kBlock, hi = std::min(n, lo + kBlock);
          float m = 0.0f;
          for (int64_t i = lo; i < hi; ++i) {
            const float a = std::fabs(x[i]);
            if (a > m || std::isnan(a)) m = a;  // once NaN, no later `a > m` holds: NaN sticks
          }
          partial[static_cast<size_t>(b)] = m;
        }
      },
      /*grain=*/4);
  float m = 0.0f;
  for (float a : partial)
    if (a > m || std::isnan(a)) m = a;
  *out = m;
}

void scale_in_place(const kern::Context& ctx, int64_t n, float alpha, float* x) {
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) x[i] *= alpha;
  });
}

}  // namespace upres::cpu
