// resample_parity.h - parity checks for the resizing family (kernels/cuda/upsample: nearest,
// bilinear, bicubic, forward and backward) against the cpu kernels, shared by tests/parity (simt,
// every scheduling order) and tests/gpu (cuda), and the engine's upsample op through autograd.
//
// Tolerances: nearest moves bits (exact). Bilinear/bicubic add the same products in the same
// order as the cpu; under simt that is bit-identical, on a GPU nvcc may fuse a multiply and an
// add into one FMA (one rounding instead of two), so they are compared within rtol 1e-5,
// atol 2e-6 (inputs in [-2, 2], at most 16 terms per value).
#pragma once

#include <string>
#include <vector>

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

}  // namespace upres::testing::parity
