// resample_parity.h - parity checks for the resizing and pooling families (kernels/cuda/upsample:
// nearest, bilinear, bicubic; kernels/cuda/pool: avg, max, adaptive avg; forward and backward)
// against the cpu kernels, shared by tests/parity (simt, every scheduling order) and tests/gpu
// (cuda), and the engine's upsample and pooling ops through autograd.
//
// Pooling is bit-exact except the average pool's backward: both add dy * (1/k^2) terms in the
// same order, but whether the multiply and the add are fused into one FMA is the compiler's
// choice on either side (GCC with -march=native, nvcc), so that one is compared within
// rtol 1e-6, atol 1e-7 (<= 1 rounding per term, ~(k/s)^2 terms).
// Tolerances: nearest moves bits (exact). Bilinear/bicubic add the same products in the same
// order as the cpu; under simt that is bit-identical, on a GPU nvcc may fuse a multiply and an
// add into one FMA (one rounding instead of two), so they are compared within rtol 1e-5,
// atol 2e-6 (inputs in [-2, 2], at most 16 terms per value).
#pragma once

#include <string>
#include <vector>

#include "kernels/cpu/pool.h"
#include "kernels/cpu/upsample.h"
#include "parity/engine_ops.h"
#include "parity/parity.h"

namespace upres::testing::parity {

struct ResampleKernels {
  decltype(&cpu::upsample_nearest_forward) forward[3];   // nearest, bilinear, bicubic
  decltype(&cpu::upsample_nearest_backward) backward[3];
};

#define UPRES_RESAMPLE_KERNELS(ns)                                                                   \
  ::upres::testing::parity::ResampleKernels {                                                        \
    {&ns::upsample_nearest_forward, &ns::upsample_bilinear_forward, &ns::upsample_bicubic_forward},  \
        {&ns::upsample_nearest_backward, &ns::upsample_bilinear_backward, &ns::upsample_bicubic_backward} \
  }

inline void check_upsample(const Backend& b, const ResampleKernels& k) {
  const ResampleKernels c = UPRES_RESAMPLE_KERNELS(cpu);
  const char* names[3] = {"nearest", "bilinear", "bicubic"};
  // {planes, in_h, in_w, out_h, out_w}: x2 (nearest's shortcut), x3, identity, shrinking, odd
  // ratios, a 1x1 input, a single output row.
  const std::vector<kern::UpsampleShape> shapes = {{26, 7, 9, 14, 18}, {2, 5, 3, 15, 9}, {2, 7, 9, 7, 9},
                                                   {1, 7, 9, 5, 4},   {1, 4, 6, 11, 13}, {13, 1, 1, 3, 2},
                                                   {2, 5, 3, 1, 7}};
  for (int m = 0; m < 3; ++m)
    for (const auto& s : shapes) {
      const int64_t n_in = s.planes * s.in_h * s.in_w, n_out = s.planes * s.out_h * s.out_w;
      const auto x = random_values(n_in, 51), dy = random_values(n_out, 52);
      std::vector<float> y(n_out), dx(n_in);
      c.forward[m](cpu_ctx(), s, x.data(), y.data());
      c.backward[m](cpu_ctx(), s, dy.data(), dx.data());
      const double rtol = m == 0 ? 0 : 1e-5, atol = m == 0 ? 0 : 2e-6;
      const std::string what = std::string("upsample ") + names[m] + " [" + std::to_string(s.planes) + ", " +
                               std::to_string(s.in_h) + ", " + std::to_string(s.in_w) + "] -> " +
                               std::to_string(s.out_h) + "x" + std::to_string(s.out_w);
      for_each_order(b, [&](const std::string& order) {
        Tensor tx = on(b, x), ty = empty_on(b, n_out), tdy = on(b, dy), tdx = empty_on(b, n_in);
        k.forward[m](ctx(b), s, tx.data(), ty.data());
        k.backward[m](ctx(b), s, tdy.data(), tdx.data());
        expect_match(ty.to_vector(), y, rtol, atol, what + " forward " + order);
        expect_match(tdx.to_vector(), dx, rtol, atol, what + " backward " + order);
      });
    }
}

inline void check_upsample_ops(Device dev) {
  for (UpsampleMode mode : {UpsampleMode::nearest, UpsampleMode::bilinear, UpsampleMode::bicubic}) {
    const double tol = mode == UpsampleMode::nearest ? 0 : 1e-5;
    check_op_on_device(dev, std::string("upsample x3 ") + to_string(mode), {image({2, 13, 7, 9}, 53)},
                       [mode](auto& in) { return upsample(in[0], 3, mode); }, tol, tol);
    check_op_on_device(dev, std::string("upsample to 5x4 ") + to_string(mode), {image({1, 3, 7, 9}, 54)},
                       [mode](auto& in) { return upsample(in[0], 5, 4, mode); }, tol, tol);
  }
}

struct PoolKernels {
  decltype(&cpu::avg_pool2d_forward) avg_forward;
  decltype(&cpu::avg_pool2d_backward) avg_backward;
  decltype(&cpu::max_pool2d_forward) max_forward;
  decltype(&cpu::max_pool2d_backward) max_backward;
  decltype(&cpu::adaptive_avg_pool2d_forward) adaptive_forward;
  decltype(&cpu::adaptive_avg_pool2d_backward) adaptive_backward;
};

#define UPRES_POOL_KERNELS(ns)                                                                    \
  ::upres::testing::parity::PoolKernels {                                                         \
    &ns::avg_pool2d_forward, &ns::avg_pool2d_backward, &ns::max_pool2d_forward,                   \
        &ns::max_pool2d_backward, &ns::adaptive_avg_pool2d_forward, &ns::adaptive_avg_pool2d_backward \
  }

inline void check_pool(const Backend& b, const PoolKernels& k) {
  const PoolKernels c = UPRES_POOL_KERNELS(cpu);
  // {planes, in_h, in_w, out_h, out_w, kernel, stride, padding}; out = (in + 2p - k) / s + 1.
  const std::vector<kern::PoolShape> shapes = {
      {26, 7, 9, 3, 4, 2, 2, 0},  // 2x2/2, odd sizes leave a row and column out
      {2, 7, 9, 7, 9, 3, 1, 1},   // 3x3/1 padded: overlapping windows
      {2, 7, 9, 4, 5, 3, 2, 1},   // 3x3/2 padded
      {1, 5, 3, 2, 1, 3, 2, 0},
      {13, 1, 1, 1, 1, 1, 1, 0},
      {1, 9, 7, 3, 3, 5, 3, 2}};
  for (const auto& s : shapes) {
    const int64_t n_in = s.planes * s.in_h * s.in_w, n_out = s.planes * s.out_h * s.out_w;
    auto x = random_values(n_in, 61);
    for (int64_t i = 0; i + 1 < n_in; i += 5) x[i + 1] = x[i];  // ties: the first one wins
    const auto dy = random_values(n_out, 62);
    std::vector<float> ya(n_out), ym(n_out), dxa(n_in), dxm(n_in);
    c.avg_forward(cpu_ctx(), s, x.data(), ya.data());
    c.avg_backward(cpu_ctx(), s, dy.data(), dxa.data());
    c.max_forward(cpu_ctx(), s, x.data(), ym.data());
    c.max_backward(cpu_ctx(), s, x.data(), dy.data(), dxm.data());
    const std::string what = "pool [" + std::to_string(s.planes) + ", " + std::to_string(s.in_h) + ", " +
                             std::to_string(s.in_w) + "] k" + std::to_string(s.kernel) + " s" +
                             std::to_string(s.stride) + " p" + std::to_string(s.padding);
    for_each_order(b, [&](const std::string& order) {
      Tensor tx = on(b, x), tdy = on(b, dy);
      Tensor y = empty_on(b, n_out), dx = empty_on(b, n_in);
      k.avg_forward(ctx(b), s, tx.data(), y.data());
      expect_match(y.to_vector(), ya, 0, 0, "avg " + what + " forward " + order);
      k.avg_backward(ctx(b), s, tdy.data(), dx.data());
      expect_match(dx.to_vector(), dxa, 1e-6, 1e-7, "avg " + what + " backward " + order);
      k.max_forward(ctx(b), s, tx.data(), y.data());
      expect_match(y.to_vector(), ym, 0, 0, "max " + what + " forward " + order);
      k.max_backward(ctx(b), s, tx.data(), tdy.data(), dx.data());
      expect_match(dx.to_vector(), dxm, 0, 0, "max " + what + " backward " + order);
    });
  }
  // Adaptive: {planes, in_h, in_w, out_h, out_w}: to 1x1, shrinking by odd ratios, growing.
  const std::vector<kern::PoolShape> adaptive = {
      {26, 7, 9, 1, 1}, {2, 7, 9, 3, 4}, {1, 5, 3, 5, 3}, {2, 3, 2, 7, 5}, {1, 9, 7, 4, 6}};
  for (const auto& s : adaptive) {
    const int64_t n_in = s.planes * s.in_h * s.in_w, n_out = s.planes * s.out_h * s.out_w;
    const auto x = random_values(n_in, 63), dy = random_values(n_out, 64);
    std::vector<float> y(n_out), dx(n_in);
    c.adaptive_forward(cpu_ctx(), s, x.data(), y.data());
    c.adaptive_backward(cpu_ctx(), s, dy.data(), dx.data());
    const std::string what = "adaptive_avg_pool [" + std::to_string(s.planes) + ", " + std::to_string(s.in_h) +
                             ", " + std::to_string(s.in_w) + "] -> " + std::to_string(s.out_h) + "x" +
                             std::to_string(s.out_w);
    for_each_order(b, [&](const std::string& order) {
      Tensor tx = on(b, x), tdy = on(b, dy), ty = empty_on(b, n_out), tdx = empty_on(b, n_in);
      k.adaptive_forward(ctx(b), s, tx.data(), ty.data());
      k.adaptive_backward(ctx(b), s, tdy.data(), tdx.data());
      expect_match(ty.to_vector(), y, 0, 0, what + " forward " + order);
      expect_match(tdx.to_vector(), dx, 0, 0, what + " backward " + order);
    });
  }
}

inline void check_pool_ops(Device dev) {
  check_op_on_device(dev, "avg_pool2d 3/2/1", {image({2, 13, 7, 9}, 65)},
                     [](auto& in) { return avg_pool2d(in[0], 3, 2, 1); }, 1e-6, 1e-7);
  check_op_on_device(dev, "max_pool2d 2/2", {image({2, 13, 7, 9}, 66)},
                     [](auto& in) { return max_pool2d(in[0], 2, 2); });
  check_op_on_device(dev, "max_pool2d 3/1/1", {image({1, 3, 5, 3}, 67)},
                     [](auto& in) { return max_pool2d(in[0], 3, 1, 1); });
  check_op_on_device(dev, "adaptive_avg_pool2d 3x4", {image({2, 13, 7, 9}, 68)},
                     [](auto& in) { return adaptive_avg_pool2d(in[0], 3, 4); });
}

}  // namespace upres::testing::parity
