// gradcheck.h - finite-difference gradient checks for tests.
//
// For an op f and inputs x1..xk, gradcheck compares the gradient autograd
// computes with central differences. To check the whole Jacobian at once it
// differentiates the scalar L = sum_i y_i * r_i, with y = f(x) and r a fixed
// random tensor: dL/dx = J^T r, a vector-Jacobian product, which is exactly what
// backward() computes when seeded with r.
//
//   numeric dL/dx_j = (L(x + e_j h) - L(x - e_j h)) / 2h,   L summed in double.
//
// Kinks: at points where f is not differentiable (relu at 0, |x| at 0, a tie
// in max pooling), central differences straddle the kink and disagree with
// any one-sided derivative. gradcheck detects them - the two one-sided
// differences disagree by more than the tolerance - and skips those elements,
// counting them; a check that skips most elements fails.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "engine/autograd.h"
#include "engine/rng.h"
#include "engine/tensor.h"

namespace upres::testing {

struct GradCheckOptions {
  double h = 1e-2;         // finite-difference step (inputs are O(1) float32)
  double atol = 1e-3;      // |analytic - numeric| <= atol + rtol * |numeric|
  double rtol = 1e-2;
  int max_elements = 64;   // per input: check this many elements (sampled), all if fewer
  uint64_t seed = 12345;
  bool skip_kinks = true;
};

using Fn = std::function<Tensor(const std::vector<Tensor>&)>;

inline double weighted_sum(const Tensor& y, const std::vector<float>& r) {
  std::vector<float> v = y.to_vector();
  double s = 0.0;
  for (size_t i = 0; i < v.size(); ++i) s += static_cast<double>(v[i]) * r[i];
  return s;
}

// Checks every input that requires grad. Inputs are not modified (restored after each probe).
inline ::testing::AssertionResult gradcheck(const Fn& f, std::vector<Tensor> inputs,
                                            GradCheckOptions opt = {}) {
  Rng rng(opt.seed);
  // Analytic gradients.
  for (Tensor& x : inputs) x.zero_grad();
  Tensor y = f(inputs);
  std::vector<float> r(static_cast<size_t>(y.numel()));
  for (float& v : r) v = rng.uniform(-1.0f, 1.0f);
  if (!y.requires_grad()) return ::testing::AssertionFailure() << "output does not require grad";
  y.backward(Tensor::from_vector(y.shape(), r).to(y.device()));

  std::ostringstream fails;
  int n_fail = 0, n_checked = 0, n_kinks = 0;
  for (size_t k = 0; k < inputs.size(); ++k) {
    Tensor& x = inputs[k];
    if (!x.requires_grad()) continue;
    Tensor g = x.grad();
    if (!g.defined()) {
      return ::testing::AssertionFailure() << "input " << k << " " << x.describe() << " received no gradient";
    }
    std::vector<float> ga = g.to_vector();
    std::vector<float> xv = x.to_vector();
    int64_t n = x.numel();
    std::vector<int64_t> idx;
    if (n <= opt.max_elements) {
      for (int64_t i = 0; i < n; ++i) idx.push_back(i);
    } else {
      for (int i = 0; i < opt.max_elements; ++i) idx.push_back(rng.below(static_cast<uint32_t>(n)));
    }
    int kinks_here = 0;
    for (int64_t i : idx) {
      auto eval_at = [&](double delta) {
        std::vector<float> p = xv;
        p[static_cast<size_t>(i)] = static_cast<float>(xv[static_cast<size_t>(i)] + delta);
        Tensor probe = Tensor::from_vector(x.shape(), p).to(x.device());
        std::vector<Tensor> in2 = inputs;
        in2[k] = probe;
        NoGradGuard ng;
        return weighted_sum(f(in2), r);
      };
      double lp = eval_at(opt.h), lm = eval_at(-opt.h), l0 = eval_at(0.0);
      double numeric = (lp - lm) / (2 * opt.h);
      double analytic = ga[static_cast<size_t>(i)];
      double right = (lp - l0) / opt.h, left = (l0 - lm) / opt.h;
      double tol = opt.atol + opt.rtol * std::fabs(numeric);
      if (opt.skip_kinks && std::fabs(right - left) > 10 * tol + 1e-2 * std::fabs(numeric)) {
        ++kinks_here;
        continue;
      }
      ++n_checked;
      if (!(std::fabs(analytic - numeric) <= tol)) {
        if (++n_fail <= 8)
          fails << "\n  input " << k << " " << to_string(x.shape()) << " element " << i
                << ": analytic " << analytic << ", numeric " << numeric;
      }
    }
    n_kinks += kinks_here;
    if (kinks_here * 2 > static_cast<int>(idx.size()))
      return ::testing::AssertionFailure() << "input " << k << ": " << kinks_here << " of " << idx.size()
                                           << " probed elements sit on kinks; choose other inputs";
  }
  if (n_fail) return ::testing::AssertionFailure() << n_fail << " of " << n_checked << " gradients differ:" << fails.str();
  return ::testing::AssertionSuccess() << n_checked << " gradients agree (" << n_kinks << " kinks skipped)";
}

// A random input in [lo, hi) that requires grad.
inline Tensor rand_input(const Shape& s, Rng& rng, float lo = -1.0f, float hi = 1.0f, bool grad = true) {
  Tensor t = Tensor::uniform(s, lo, hi, rng);
  t.set_requires_grad(grad);
  return t;
}

// Max |a - b| over elements, after checking shapes.
inline double max_abs_diff(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape(), b.shape());
  auto va = a.to_vector(), vb = b.to_vector();
  double m = 0;
  for (size_t i = 0; i < va.size() && i < vb.size(); ++i) m = std::max(m, std::fabs((double)va[i] - vb[i]));
  return m;
}

}  // namespace upres::testing
