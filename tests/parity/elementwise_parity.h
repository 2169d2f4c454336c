// elementwise_parity.h - parity checks for the pointwise and reduction families (kernels/cuda/
// elementwise, kernels/cuda/reduce) against the cpu kernels, shared by tests/parity (simt, every
// scheduling order) and tests/gpu (cuda). Kept beside parity.h, with its own kernel table, so
// the families can be ported independently.
//
// Tolerances:
//   - bit for bit: binary ops and their local gradients, broadcast copies, scalar ops, neg,
//     square, sqrt, abs, clamp and their backward (a single IEEE rounding each), the losses'
//     backward;
//   - expf/logf/powf: |got - want| <= 4e-6 |want| + 1e-7 (the GPU's are within 2-4 ulp);
//   - sums (sum_reduce, the losses' forward): both sum in double and round once to float, in
//     different orders, so they agree within 1 ulp: rtol 1e-6, atol 1e-7. The GPU kernels'
//     order is fixed by the launch, so each result is also identical in every scheduling order.
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/reduce.h"
#include "parity/parity.h"

namespace upres::testing::parity {

struct ElementwiseKernels {
  decltype(&cpu::binary_forward) binary_forward;
  decltype(&cpu::binary_backward) binary_backward;
  decltype(&cpu::broadcast_copy) broadcast_copy;
  decltype(&cpu::scalar_forward) scalar_forward;
  decltype(&cpu::unary_forward) unary_forward;
  decltype(&cpu::unary_backward) unary_backward;
  decltype(&cpu::sum_reduce) sum_reduce;
  decltype(&cpu::l1_loss_forward) l1_loss_forward;
  decltype(&cpu::mse_loss_forward) mse_loss_forward;
  decltype(&cpu::l1_loss_backward) l1_loss_backward;
  decltype(&cpu::mse_loss_backward) mse_loss_backward;
};

#define UPRES_ELEMENTWISE_KERNELS(ns)                                                          \
  ::upres::testing::parity::ElementwiseKernels {                                               \
    &ns::binary_forward, &ns::binary_backward, &ns::broadcast_copy, &ns::scalar_forward,       \
        &ns::unary_forward, &ns::unary_backward, &ns::sum_reduce, &ns::l1_loss_forward,        \
        &ns::mse_loss_forward, &ns::l1_loss_backward, &ns::mse_loss_backward                   \
  }

inline std::string shape_str(const std::vector<int64_t>& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + "]";
}

inline int64_t numel_of(const std::vector<int64_t>& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

// Values in [-2, -0.5] U [0.5, 2]: safe divisors (no zero, so no NaN whose bits differ by device).
inline std::vector<float> nonzero_values(int64_t n, uint32_t seed) {
  auto v = random_values(n, seed);
  for (float& x : v) x = x >= 0.0f ? 0.5f + 0.75f * x : -0.5f + 0.75f * x;
  return v;
}

// ---- broadcast binary ops ------------------------------------------------------------------------

inline void check_binary(const Backend& b, const ElementwiseKernels& k) {
  using kern::BinaryOp;
  // {a, b}: same shape, per-channel bias (4-d and 3-d), scalar, per-row, both broadcast, 2-d
  // column, single elements.
  const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> cases = {
      {{2, 13, 7, 9}, {2, 13, 7, 9}}, {{2, 13, 7, 9}, {1, 13, 1, 1}}, {{2, 13, 7, 9}, {13, 1, 1}},
      {{2, 13, 7, 9}, {}},            {{1, 1, 1, 9}, {2, 13, 7, 9}},  {{2, 1, 7, 1}, {1, 13, 1, 9}},
      {{5, 3}, {5, 1}},               {{1}, {1}},                     {{2, 1, 7, 9}, {2, 13, 1, 9}}};
  for (const auto& [sa, sb] : cases) {
    const size_t r = std::max(sa.size(), sb.size());
    std::vector<int64_t> out(r);
    for (size_t i = 0; i < r; ++i) {
      const int64_t da = i < r - sa.size() ? 1 : sa[i - (r - sa.size())];
      const int64_t db = i < r - sb.size() ? 1 : sb[i - (r - sb.size())];
      out[i] = da == 1 ? db : da;
    }
    kern::BroadcastShape s;
    ASSERT_TRUE(kern::make_broadcast(sa, sb, out, &s));
    const int64_t n = s.numel;
    const auto a = random_values(numel_of(sa), 11), bv = nonzero_values(numel_of(sb), 12);
    const auto g = random_values(n, 13);
    for (BinaryOp op : {BinaryOp::add, BinaryOp::sub, BinaryOp::mul, BinaryOp::div}) {
      std::vector<float> want(n), want_g0(n), want_g1(n);
      cpu::binary_forward(cpu_ctx(), op, s, a.data(), bv.data(), want.data());
      cpu::binary_backward(cpu_ctx(), op, 0, s, g.data(), a.data(), bv.data(), want_g0.data());
      cpu::binary_backward(cpu_ctx(), op, 1, s, g.data(), a.data(), bv.data(), want_g1.data());
      const std::string what = "binary op " + std::to_string(static_cast<int>(op)) + " " + shape_str(sa) +
                               " with " + shape_str(sb);
      for_each_order(b, [&](const std::string& order) {
        Tensor ta = on(b, a), tb = on(b, bv), tg = on(b, g);
        Tensor y = empty_on(b, n), g0 = empty_on(b, n), g1 = empty_on(b, n);
        k.binary_forward(ctx(b), op, s, ta.data(), tb.data(), y.data());
        k.binary_backward(ctx(b), op, 0, s, tg.data(), ta.data(), tb.data(), g0.data());
        k.binary_backward(ctx(b), op, 1, s, tg.data(), ta.data(), tb.data(), g1.data());
        expect_match(y.to_vector(), want, 0, 0, what + " forward " + order);
        expect_match(g0.to_vector(), want_g0, 0, 0, what + " local gradient of a " + order);
        expect_match(g1.to_vector(), want_g1, 0, 0, what + " local gradient of b " + order);
      });
    }
    // Stretch a alone to the output (expand).
    kern::BroadcastShape sc;
    ASSERT_TRUE(kern::make_broadcast(sa, {}, out, &sc));
    std::vector<float> want(n);
    cpu::broadcast_copy(cpu_ctx(), sc, a.data(), want.data());
    for_each_order(b, [&](const std::string& order) {
      Tensor ta = on(b, a), y = empty_on(b, n);
      k.broadcast_copy(ctx(b), sc, ta.data(), y.data());
      expect_match(y.to_vector(), want, 0, 0, "broadcast_copy " + shape_str(sa) + " -> " + shape_str(out) + " " + order);
    });
  }
}

// ---- tensor-scalar ops ---------------------------------------------------------------------------

inline void check_scalar(const Backend& b, const ElementwiseKernels& k) {
  using kern::ScalarOp;
  for (int64_t n : stream_sizes()) {
    const auto x = random_values(n, 14);
    for (ScalarOp op : {ScalarOp::add, ScalarOp::sub, ScalarOp::rsub, ScalarOp::mul, ScalarOp::div})
      for (float s : {0.75f, -3.0f}) {
        std::vector<float> want(n);
        cpu::scalar_forward(cpu_ctx(), op, n, x.data(), s, want.data());
        for_each_order(b, [&](const std::string& order) {
          Tensor tx = on(b, x), y = empty_on(b, n);
          k.scalar_forward(ctx(b), op, n, tx.data(), s, y.data());
          expect_match(y.to_vector(), want, 0, 0,
                       "scalar op " + std::to_string(static_cast<int>(op)) + " s=" + std::to_string(s) +
                           " n=" + std::to_string(n) + " " + order);
        });
      }
  }
}

// ---- unary maths ---------------------------------------------------------------------------------

struct UnaryCase {
  const char* name;
  kern::UnaryParams p;
  bool positive;  // draw inputs in [0.1, 2.1] (sqrt, log, pow with a fractional exponent)
  double rtol, atol;
};

inline std::vector<UnaryCase> unary_cases() {
  using kern::UnaryOp;
  auto P = [](UnaryOp op, float p0 = 0.0f, float p1 = 0.0f) {
    kern::UnaryParams p;
    p.op = op;
    p.p0 = p0;
    p.p1 = p1;
    return p;
  };
  return {
      {"neg", P(UnaryOp::neg), false, 0, 0},
      {"square", P(UnaryOp::square), false, 0, 0},
      {"sqrt", P(UnaryOp::sqrt), true, 0, 0},
      {"abs", P(UnaryOp::abs), false, 0, 0},
      {"clamp", P(UnaryOp::clamp, -0.5f, 0.75f), false, 0, 0},
      {"exp", P(UnaryOp::exp), false, 4e-6, 1e-7},
      {"log", P(UnaryOp::log), true, 4e-6, 1e-7},
      {"pow 2.5", P(UnaryOp::pow, 2.5f), true, 4e-6, 1e-7},
      {"pow 3", P(UnaryOp::pow, 3.0f), false, 4e-6, 1e-7},
      {"pow 0", P(UnaryOp::pow, 0.0f), false, 4e-6, 1e-7},
  };
}

inline void check_unary(const Backend& b, const ElementwiseKernels& k) {
  for (const UnaryCase& c : unary_cases())
    for (int64_t n : stream_sizes()) {
      auto x = random_values(n, 15);
      if (c.positive)
        for (float& v : x) v = std::fabs(v) + 0.1f;
      if (c.p.op == kern::UnaryOp::clamp && n > 2) {  // the bounds themselves (gradient 0 there)
        x[1] = -0.5f;
        x[2] = 0.75f;
      }
      const auto dy = random_values(n, 16);
      std::vector<float> y(n), dx(n);
      cpu::unary_forward(cpu_ctx(), c.p, n, x.data(), y.data());
      cpu::unary_backward(cpu_ctx(), c.p, n, x.data(), y.data(), dy.data(), dx.data());
      const std::string what = std::string(c.name) + " n=" + std::to_string(n);
      for_each_order(b, [&](const std::string& order) {
        Tensor tx = on(b, x), ty = empty_on(b, n), tdy = on(b, dy), tdx = empty_on(b, n);
        k.unary_forward(ctx(b), c.p, n, tx.data(), ty.data());
        expect_match(ty.to_vector(), y, c.rtol, c.atol, what + " forward " + order);
        Tensor saved_y = on(b, y);  // the backward reads the cpu's output, checked on its own
        k.unary_backward(ctx(b), c.p, n, tx.data(), saved_y.data(), tdy.data(), tdx.data());
        expect_match(tdx.to_vector(), dx, c.rtol, c.atol, what + " backward " + order);
      });
    }
}

// ---- sums over dims ------------------------------------------------------------------------------

inline void check_sum_reduce(const Backend& b, const ElementwiseKernels& k) {
  struct Case {
    std::vector<int64_t> dims;
    std::vector<bool> reduce;
  };
  const std::vector<Case> cases = {
      {{2, 13, 7, 9}, {true, true, true, true}},     // everything
      {{2, 13, 7, 9}, {true, false, true, true}},    // per channel (bias gradient)
      {{2, 13, 7, 9}, {true, false, false, false}},  // over the batch
      {{2, 13, 7, 9}, {false, false, true, true}},   // over H, W
      {{2, 13, 7, 9}, {true, true, true, false}},    // sum_to [1, 1, 1, 9]
      {{2, 13, 7, 9}, {false, true, false, true}},   // alternating K R K R
      {{5, 3}, {false, true}},
      {{1}, {true}},                                 // one element, no dims after merging
      {{1, 13, 1, 1}, {true, false, true, true}},    // nothing to sum
      {{0, 3}, {true, false}},                       // empty: zeros (NaN when scaled as a mean)
      {{3, 1000}, {false, true}},                    // rows longer than a block
      {{700, 3}, {true, false}},                     // long columns
  };
  for (const Case& c : cases) {
    kern::ReduceShape s;
    ASSERT_TRUE(kern::make_reduce(c.dims, c.reduce, &s));
    const auto x = random_values(s.in_numel, 17);
    for (float scale : {1.0f, 1.0f / 7.0f}) {
      std::vector<float> want(s.out_numel);
      cpu::sum_reduce(cpu_ctx(), s, scale, x.data(), want.data());
      std::string mask;
      for (bool r : c.reduce) mask += r ? 'R' : 'K';
      const std::string what = "sum_reduce " + shape_str(c.dims) + " " + mask + " scale=" + std::to_string(scale);
      std::optional<std::vector<float>> first;  // the same bits in every order
      for_each_order(b, [&](const std::string& order) {
        Tensor tx = on(b, x.empty() ? std::vector<float>{0.0f} : x), y = empty_on(b, s.out_numel);
        k.sum_reduce(ctx(b), s, scale, tx.data(), y.data());
        const auto got = y.to_vector();
        if (s.in_numel == 0)  // 0 * scale, or (empty mean) NaN: compare the bits
          expect_match(got, want, 0, 0, what + " " + order);
        else
          expect_match(got, want, 1e-6, 1e-7, what + " " + order);
        if (!first) first = got;
        expect_match(got, *first, 0, 0, what + " same bits as the first order, " + order);
      });
    }
  }
}

// ---- fused L1 / MSE losses -----------------------------------------------------------------------

inline void check_losses(const Backend& b, const ElementwiseKernels& k) {
  std::vector<int64_t> sizes = stream_sizes();
  sizes.push_back(0);
  for (int64_t n : sizes)
    for (bool mse : {false, true}) {
      const auto a = random_values(n, 18), t = random_values(n, 19);
      const std::vector<float> g = {1.75f};
      const float scale = n > 0 ? 1.0f / static_cast<float>(n) : 1.0f;
      auto fwd = mse ? k.mse_loss_forward : k.l1_loss_forward;
      auto bwd = mse ? k.mse_loss_backward : k.l1_loss_backward;
      std::vector<float> want(1), want_ga(n), want_gb(n);
      (mse ? cpu::mse_loss_forward : cpu::l1_loss_forward)(cpu_ctx(), n, a.data(), t.data(), scale, want.data());
      (mse ? cpu::mse_loss_backward : cpu::l1_loss_backward)(cpu_ctx(), n, a.data(), t.data(), g.data(), scale,
                                                             want_ga.data(), want_gb.data());
      const std::string what = std::string(mse ? "mse" : "l1") + "_loss n=" + std::to_string(n);
      std::optional<std::vector<float>> first;
      for_each_order(b, [&](const std::string& order) {
        Tensor ta = on(b, n ? a : std::vector<float>{0.0f}), tt = on(b, n ? t : std::vector<float>{0.0f});
        Tensor tg = on(b, g), out = empty_on(b, 1);
        fwd(ctx(b), n, ta.data(), tt.data(), scale, out.data());
        const auto got = out.to_vector();
        expect_match(got, want, 1e-6, 1e-7, what + " forward " + order);
        if (!first) first = got;
        expect_match(got, *first, 0, 0, what + " forward, same bits as the first order, " + order);
        if (n == 0) return;
        Tensor ga = empty_on(b, n), gb = empty_on(b, n), only_a = empty_on(b, n), only_b = empty_on(b, n);
        bwd(ctx(b), n, ta.data(), tt.data(), tg.data(), scale, ga.data(), gb.data());
        bwd(ctx(b), n, ta.data(), tt.data(), tg.data(), scale, only_a.data(), nullptr);
        bwd(ctx(b), n, ta.data(), tt.data(), tg.data(), scale, nullptr, only_b.data());
        expect_match(ga.to_vector(), want_ga, 0, 0, what + " gradient of input " + order);
        expect_match(gb.to_vector(), want_gb, 0, 0, what + " gradient of target " + order);
        expect_match(only_a.to_vector(), want_ga, 0, 0, what + " input gradient alone " + order);
        expect_match(only_b.to_vector(), want_gb, 0, 0, what + " target gradient alone " + order);
      });
    }
}

}  // namespace upres::testing::parity
