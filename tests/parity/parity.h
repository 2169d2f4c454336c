// parity.h - the kernel parity checks shared by tests/parity (simt vs cpu, always run) and
// tests/gpu (cuda vs cpu, ctest label `gpu`, skipped without a GPU).
//
// Kernels have the same signatures in upres::cpu, upres::simt and upres::cuda, so a backend is
// a table of function pointers (Kernels) plus its device. Each check draws the same seeded
// input, runs the cpu kernel on host vectors and the backend's kernel on tensors of its device
// (so the engine's allocator and copies are exercised too), and compares:
//   - bit for bit for copies and permutations (fill, pixel shuffle) and for formulas with a
//     single rounding (relu, leaky_relu, prelu's forward and dx);
//   - within a stated tolerance where the GPU's math library or FMA contraction may round
//     differently (axpy, sigmoid, tanh, prelu's dw sums).
// Under simt every check runs in each scheduling order (forward, reverse, three random seeds).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "engine/dispatch.h"
#include "engine/tensor.h"
#include "kernels/cpu/activation.h"
#include "kernels/cpu/basic.h"
#include "kernels/cpu/shuffle.h"
#include "kernels/simt/runtime.h"

namespace upres::testing::parity {

// The kernels of one backend.
struct Kernels {
  decltype(&cpu::fill) fill;
  decltype(&cpu::axpy) axpy;
  decltype(&cpu::relu_forward) relu_forward;
  decltype(&cpu::relu_backward) relu_backward;
  decltype(&cpu::leaky_relu_forward) leaky_relu_forward;
  decltype(&cpu::leaky_relu_backward) leaky_relu_backward;
  decltype(&cpu::prelu_forward) prelu_forward;
  decltype(&cpu::prelu_backward) prelu_backward;
  decltype(&cpu::sigmoid_forward) sigmoid_forward;
  decltype(&cpu::sigmoid_backward) sigmoid_backward;
  decltype(&cpu::tanh_forward) tanh_forward;
  decltype(&cpu::tanh_backward) tanh_backward;
  decltype(&cpu::pixel_shuffle) pixel_shuffle;
  decltype(&cpu::pixel_unshuffle) pixel_unshuffle;
};

#define UPRES_PARITY_KERNELS(ns)                                                              \
  ::upres::testing::parity::Kernels {                                                         \
    &ns::fill, &ns::axpy, &ns::relu_forward, &ns::relu_backward, &ns::leaky_relu_forward,     \
        &ns::leaky_relu_backward, &ns::prelu_forward, &ns::prelu_backward,                    \
        &ns::sigmoid_forward, &ns::sigmoid_backward, &ns::tanh_forward, &ns::tanh_backward,   \
        &ns::pixel_shuffle, &ns::pixel_unshuffle                                              \
  }

struct Backend {
  Device device;
  Kernels k;
  std::vector<simt::Options> orders;  // simt: run under each; empty: run once (cuda)
};

// Runs body(label) once per scheduling order of the backend.
inline void for_each_order(const Backend& b, const std::function<void(const std::string&)>& body) {
  if (b.orders.empty()) {
    body(to_string(b.device));
    return;
  }
  for (const simt::Options& o : b.orders) {
    simt::ScopedOptions scope(o);
    body(std::string(to_string(b.device)) + " order " + simt::to_string(o.order) +
         (o.order == simt::Order::random ? ":" + std::to_string(o.seed) : ""));
  }
}

// Seeded values in [-2, 2), with every 7th one exactly 0 (the kink of relu & co.); where the
// zeros sit depends on the seed, so an input and its gradient do not share them.
inline std::vector<float> random_values(int64_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[i] = i % 7 == seed % 7 ? 0.0f : dist(gen);
  return v;
}

// Host data to the backend's device and back.
inline Tensor on(const Backend& b, const std::vector<float>& v) {
  return Tensor::from_vector({static_cast<int64_t>(v.size())}, v, b.device);
}
inline Tensor empty_on(const Backend& b, int64_t n) { return Tensor::empty({n}, b.device); }
inline const kern::Context& ctx(const Backend& b) { return kernel_context(b.device); }
inline const kern::Context& cpu_ctx() { return kernel_context(Device::cpu); }

// rtol == atol == 0: bit for bit. Otherwise |got - want| <= atol + rtol * |want|.
inline void expect_match(const std::vector<float>& got, const std::vector<float>& want, double rtol,
                         double atol, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  int reported = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    bool ok;
    if (rtol == 0.0 && atol == 0.0)
      ok = std::memcmp(&got[i], &want[i], sizeof(float)) == 0;
    else
      ok = std::fabs(double(got[i]) - want[i]) <= atol + rtol * std::fabs(double(want[i]));
    if (!ok && reported++ < 5)
      ADD_FAILURE() << what << ": element " << i << " is " << got[i] << ", cpu gives " << want[i];
  }
}

// ---- the checks --------------------------------------------------------------------------------

inline const std::vector<int64_t>& stream_sizes() {
  // 1, one 7x9 plane, 13 channels x 7x9 x batch 2, and more than one grid-stride round of the
  // capped grid would need on a tiny GPU (4096 * 256 = 1M is the cap; 70001 spans 274 blocks).
  static const std::vector<int64_t> sizes = {1, 63, 2 * 13 * 7 * 9, 70001};
  return sizes;
}

inline void check_fill(const Backend& b) {
  for (int64_t n : stream_sizes())
    for (float value : {0.0f, -1.5f, 3.25e-20f}) {
      std::vector<float> want(n);
      cpu::fill(cpu_ctx(), n, value, want.data());
      for_each_order(b, [&](const std::string& order) {
        Tensor y = empty_on(b, n);
        b.k.fill(ctx(b), n, value, y.data());
        expect_match(y.to_vector(), want, 0, 0, "fill n=" + std::to_string(n) + " " + order);
      });
    }
}

inline void check_axpy(const Backend& b) {
  for (int64_t n : stream_sizes())
    for (float alpha : {1.0f, -0.37f}) {
      const auto x = random_values(n, 1), y0 = random_values(n, 2);
      std::vector<float> want = y0;
      cpu::axpy(cpu_ctx(), n, alpha, x.data(), want.data());
      for_each_order(b, [&](const std::string& order) {
        Tensor tx = on(b, x), ty = on(b, y0);
        b.k.axpy(ctx(b), n, alpha, tx.data(), ty.data());
        // One multiply-add; the GPU may fuse it (one rounding instead of two).
        expect_match(ty.to_vector(), want, 1e-6, 1e-7,
                     "axpy n=" + std::to_string(n) + " alpha=" + std::to_string(alpha) + " " + order);
      });
    }
}

// A pointwise forward y = f(x) and backward dx = g(saved, dy), where saved is x or y.
struct Pointwise {
  const char* name;
  std::function<void(const kern::Context&, int64_t, const float*, float*)> cpu_fwd, dev_fwd;
  std::function<void(const kern::Context&, int64_t, const float*, const float*, float*)> cpu_bwd,
      dev_bwd;
  bool backward_from_output;
  double rtol, atol;  // 0, 0: bit for bit
};

inline std::vector<Pointwise> pointwise_table(const Backend& b) {
  const float slope = 0.1f;
  auto leaky_f = [slope](decltype(&cpu::leaky_relu_forward) f) {
    return [f, slope](const kern::Context& c, int64_t n, const float* x, float* y) { f(c, n, slope, x, y); };
  };
  auto leaky_b = [slope](decltype(&cpu::leaky_relu_backward) f) {
    return [f, slope](const kern::Context& c, int64_t n, const float* x, const float* dy, float* dx) {
      f(c, n, slope, x, dy, dx);
    };
  };
  return {
      {"relu", cpu::relu_forward, b.k.relu_forward, cpu::relu_backward, b.k.relu_backward, false, 0, 0},
      {"leaky_relu", leaky_f(cpu::leaky_relu_forward), leaky_f(b.k.leaky_relu_forward),
       leaky_b(cpu::leaky_relu_backward), leaky_b(b.k.leaky_relu_backward), false, 0, 0},
      // expf/tanhf of the GPU are within 2 ulp of the correctly rounded value, glibc's too.
      {"sigmoid", cpu::sigmoid_forward, b.k.sigmoid_forward, cpu::sigmoid_backward,
       b.k.sigmoid_backward, true, 2e-6, 1e-7},
      {"tanh", cpu::tanh_forward, b.k.tanh_forward, cpu::tanh_backward, b.k.tanh_backward, true,
       2e-6, 1e-6},
  };
}

inline void check_pointwise(const Backend& b) {
  for (const Pointwise& p : pointwise_table(b))
    for (int64_t n : stream_sizes()) {
      const auto x = random_values(n, 3), dy = random_values(n, 4);
      std::vector<float> y(n), dx(n);
      p.cpu_fwd(cpu_ctx(), n, x.data(), y.data());
      p.cpu_bwd(cpu_ctx(), n, p.backward_from_output ? y.data() : x.data(), dy.data(), dx.data());
      for_each_order(b, [&](const std::string& order) {
        const std::string what = std::string(p.name) + " n=" + std::to_string(n) + " " + order;
        Tensor tx = on(b, x), tdy = on(b, dy), ty = empty_on(b, n), tdx = empty_on(b, n);
        p.dev_fwd(ctx(b), n, tx.data(), ty.data());
        expect_match(ty.to_vector(), y, p.rtol, p.atol, what + " forward");
        // The backward reads the cpu's saved tensor, so it is checked on its own.
        Tensor saved = on(b, p.backward_from_output ? y : x);
        p.dev_bwd(ctx(b), n, saved.data(), tdy.data(), tdx.data());
        expect_match(tdx.to_vector(), dx, p.rtol, p.atol, what + " backward");
      });
    }
}

inline void check_prelu(const Backend& b) {
  // {outer, channels, inner}: per-channel 13 on 7x9 (batch 2), shared, one channel, a 1x1
  // plane, and planes longer than a block (the dw reduction loops).
  const std::vector<kern::PreluShape> shapes = {
      {2, 13, 63}, {1, 1, 2 * 13 * 63}, {2, 1, 35}, {1, 13, 1}, {3, 5, 600}};
  for (const auto& s : shapes) {
    const int64_t n = s.outer * s.channels * s.inner;
    const auto x = random_values(n, 5), dy = random_values(n, 6);
    auto w = random_values(s.channels, 7);
    for (float& v : w) v = 0.25f * v;
    std::vector<float> y(n), dx(n), dw(s.channels);
    cpu::prelu_forward(cpu_ctx(), s, x.data(), w.data(), y.data());
    cpu::prelu_backward(cpu_ctx(), s, x.data(), w.data(), dy.data(), dx.data(), dw.data());
    const std::string shape = "prelu [" + std::to_string(s.outer) + ", " + std::to_string(s.channels) +
                              ", " + std::to_string(s.inner) + "]";
    for_each_order(b, [&](const std::string& order) {
      Tensor tx = on(b, x), tw = on(b, w), tdy = on(b, dy);
      Tensor ty = empty_on(b, n), tdx = empty_on(b, n), tdw = empty_on(b, s.channels);
      b.k.prelu_forward(ctx(b), s, tx.data(), tw.data(), ty.data());
      expect_match(ty.to_vector(), y, 0, 0, shape + " forward " + order);
      b.k.prelu_backward(ctx(b), s, tx.data(), tw.data(), tdy.data(), tdx.data(), tdw.data());
      expect_match(tdx.to_vector(), dx, 0, 0, shape + " dx " + order);
      // Both sum in double, in different orders: equal after rounding to float but for ties.
      expect_match(tdw.to_vector(), dw, 1e-6, 1e-7, shape + " dw " + order);
      // Only one of the two outputs asked for.
      Tensor only_dw = empty_on(b, s.channels), only_dx = empty_on(b, n);
      b.k.prelu_backward(ctx(b), s, tx.data(), tw.data(), tdy.data(), nullptr, only_dw.data());
      b.k.prelu_backward(ctx(b), s, tx.data(), tw.data(), tdy.data(), only_dx.data(), nullptr);
      expect_match(only_dw.to_vector(), dw, 1e-6, 1e-7, shape + " dw alone " + order);
      expect_match(only_dx.to_vector(), dx, 0, 0, shape + " dx alone " + order);
    });
  }
}

inline void check_pixel_shuffle(const Backend& b) {
  // {n, c (high side), h, w (low side), r}
  const std::vector<kern::ShuffleShape> shapes = {
      {2, 13, 7, 9, 2}, {1, 1, 5, 3, 3}, {2, 3, 7, 9, 1}, {1, 13, 9, 7, 3}, {2, 1, 1, 1, 4}};
  for (const auto& s : shapes) {
    const int64_t n = s.n * s.c * s.h * s.r * s.w * s.r;
    const auto low = random_values(n, 8), high = random_values(n, 9);
    std::vector<float> want_high(n), want_low(n);
    cpu::pixel_shuffle(cpu_ctx(), s, low.data(), want_high.data());
    cpu::pixel_unshuffle(cpu_ctx(), s, high.data(), want_low.data());
    const std::string shape = "[" + std::to_string(s.n) + ", " + std::to_string(s.c) + ", " +
                              std::to_string(s.h) + ", " + std::to_string(s.w) + "] r=" +
                              std::to_string(s.r);
    for_each_order(b, [&](const std::string& order) {
      Tensor tlow = on(b, low), thigh = on(b, high), out_high = empty_on(b, n), out_low = empty_on(b, n);
      b.k.pixel_shuffle(ctx(b), s, tlow.data(), out_high.data());
      b.k.pixel_unshuffle(ctx(b), s, thigh.data(), out_low.data());
      expect_match(out_high.to_vector(), want_high, 0, 0, "pixel_shuffle " + shape + " " + order);
      expect_match(out_low.to_vector(), want_low, 0, 0, "pixel_unshuffle " + shape + " " + order);
    });
  }
}

}  // namespace upres::testing::parity
