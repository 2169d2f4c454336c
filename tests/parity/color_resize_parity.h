// color_resize_parity.h - parity checks for the colour transform (kernels/cuda/color) and the
// MATLAB imresize passes (kernels/cuda/resize, forward and backward) against the cpu kernels,
// shared by tests/parity (simt, every scheduling order) and tests/gpu (cuda), and the engine's
// rgb_to_ycbcr / ycbcr_to_rgb / rgb_to_y / imresize ops through autograd.
//
// Tolerances: under simt both families are bit-exact (the same double formula with one rounding
// for colour; the same float products added in the same order for resize). On a GPU nvcc may
// contract multiply-adds into FMAs: colour is then compared within 1 ulp of the float result
// (rtol 1.2e-7, the spacing of floats relative to their value), resize within rtol 1e-5,
// atol 2e-6 (inputs in [-2, 2], at most ~30 taps of weights summing to 1).
#pragma once

#include <string>
#include <vector>

#include "engine/ops.h"
#include "engine/resize_weights.h"
#include "kernels/cpu/color.h"
#include "kernels/cpu/resize.h"
#include "parity/engine_ops.h"
#include "parity/parity.h"

namespace upres::testing::parity {

struct ColorResizeKernels {
  decltype(&cpu::color_transform) color;
  decltype(&cpu::resize_width_forward) width_forward;
  decltype(&cpu::resize_height_forward) height_forward;
  decltype(&cpu::resize_width_backward) width_backward;
  decltype(&cpu::resize_height_backward) height_backward;
};

#define UPRES_COLOR_RESIZE_KERNELS(ns)                                                              \
  ::upres::testing::parity::ColorResizeKernels {                                                    \
    &ns::color_transform, &ns::resize_width_forward, &ns::resize_height_forward,                    \
        &ns::resize_width_backward, &ns::resize_height_backward                                     \
  }

inline bool exact_backend(const Backend& b) { return b.device == Device::simt; }

inline void check_color(const Backend& b, const ColorResizeKernels& k) {
  const ColorResizeKernels c = UPRES_COLOR_RESIZE_KERNELS(cpu);
  const double rtol = exact_backend(b) ? 0 : 1.2e-7, atol = exact_backend(b) ? 0 : 1e-30;
  // {batch, plane}: one pixel, a 7x9 image, batch 2 of 5x3, more than one grid-stride round.
  const std::vector<std::pair<int64_t, int64_t>> sizes = {{1, 1}, {1, 63}, {2, 15}, {1, 70001}};
  for (auto [batch, plane] : sizes) {
    const kern::ColorTransform fwd[3] = {kern::rgb_to_ycbcr_transform(batch, plane),
                                         kern::ycbcr_to_rgb_transform(batch, plane),
                                         kern::rgb_to_y_transform(batch, plane)};
    const char* names[3] = {"rgb_to_ycbcr", "ycbcr_to_rgb", "rgb_to_y"};
    for (int f = 0; f < 3; ++f)
      for (int dir = 0; dir < 2; ++dir) {  // the map, then its transpose (the gradient)
        const kern::ColorTransform t = dir == 0 ? fwd[f] : kern::transposed(fwd[f]);
        const int64_t n_in = batch * t.in_channels * plane, n_out = batch * t.out_channels * plane;
        const auto x = random_values(n_in, 71 + f);
        std::vector<float> want(n_out);
        c.color(cpu_ctx(), t, x.data(), want.data());
        const std::string what = std::string(names[f]) + (dir ? " transposed" : "") + " batch " +
                                 std::to_string(batch) + " plane " + std::to_string(plane);
        for_each_order(b, [&](const std::string& order) {
          Tensor tx = on(b, x), ty = empty_on(b, n_out);
          k.color(ctx(b), t, tx.data(), ty.data());
          expect_match(ty.to_vector(), want, rtol, atol, what + " " + order);
        });
      }
  }
}

// A table's bytes on the backend's device (int32 indices in a float tensor's storage).
inline Tensor table_on(const Backend& b, const std::vector<int32_t>& v) {
  std::vector<float> bits(v.size());
  std::memcpy(bits.data(), v.data(), v.size() * sizeof(int32_t));
  return on(b, bits);
}

struct ResizeCase {
  int64_t planes, in_h, in_w, out_h, out_w;
  ResizeKernelKind kernel;
  bool antialias;
};

inline void check_resize(const Backend& b, const ColorResizeKernels& k) {
  const ColorResizeKernels c = UPRES_COLOR_RESIZE_KERNELS(cpu);
  const double rtol = exact_backend(b) ? 0 : 1e-5, atol = exact_backend(b) ? 0 : 2e-6;
  using K = ResizeKernelKind;
  // Downscale by 3 (21x27 -> 7x9), by 1/0.7 (10x13 -> 7x9), upscale by 2.5 (2x4 -> 5x10), a
  // single row and column, nearest's skipped inputs, no antialias; 1 and 13 planes.
  const std::vector<ResizeCase> cases = {
      {13, 21, 27, 7, 9, K::bicubic, true},   {2, 10, 13, 7, 9, K::bicubic, true},
      {1, 2, 4, 5, 10, K::bicubic, true},     {2, 7, 9, 1, 1, K::bicubic, true},
      {1, 1, 5, 3, 2, K::bilinear, true},     {2, 10, 13, 7, 9, K::bilinear, false},
      {1, 21, 27, 7, 9, K::nearest, true},    {1, 5, 3, 13, 8, K::nearest, true},
      {13, 9, 7, 21, 17, K::bilinear, true}};
  for (const ResizeCase& rc : cases)
    for (int axis = 0; axis < 2; ++axis) {  // 0: height pass, 1: width pass
      kern::ResizeShape s;
      s.planes = rc.planes;
      s.in_h = rc.in_h;
      s.in_w = rc.in_w;
      s.out_h = axis == 0 ? rc.out_h : rc.in_h;
      s.out_w = axis == 0 ? rc.in_w : rc.out_w;
      const int64_t in = axis == 0 ? rc.in_h : rc.in_w, out = axis == 0 ? rc.out_h : rc.out_w;
      const ResizeWeights w = resize_weights(in, out, double(out) / in, rc.kernel, rc.antialias);
      const ResizeWeights wt = transpose_resize_weights(w);
      s.taps = w.taps;
      const int64_t n_in = s.planes * s.in_h * s.in_w, n_out = s.planes * s.out_h * s.out_w;
      const auto x = random_values(n_in, 81), dy = random_values(n_out, 82);
      std::vector<float> y(n_out), dx(n_in);
      auto fwd = axis == 0 ? c.height_forward : c.width_forward;
      auto bwd = axis == 0 ? c.height_backward : c.width_backward;
      fwd(cpu_ctx(), s, x.data(), w.index.data(), w.weight.data(), y.data());
      bwd(cpu_ctx(), s, wt.taps, dy.data(), wt.index.data(), wt.weight.data(), dx.data());
      const std::string what = std::string(axis == 0 ? "resize height" : "resize width") + " [" +
                               std::to_string(s.planes) + ", " + std::to_string(s.in_h) + ", " +
                               std::to_string(s.in_w) + "] -> " + std::to_string(s.out_h) + "x" +
                               std::to_string(s.out_w) + " taps " + std::to_string(s.taps);
      auto kf = axis == 0 ? k.height_forward : k.width_forward;
      auto kb = axis == 0 ? k.height_backward : k.width_backward;
      for_each_order(b, [&](const std::string& order) {
        Tensor tx = on(b, x), tdy = on(b, dy), ty = empty_on(b, n_out), tdx = empty_on(b, n_in);
        Tensor ti = table_on(b, w.index), tw = on(b, w.weight), tti = table_on(b, wt.index), ttw = on(b, wt.weight);
        kf(ctx(b), s, tx.data(), reinterpret_cast<const int32_t*>(ti.data()), tw.data(), ty.data());
        kb(ctx(b), s, wt.taps, tdy.data(), reinterpret_cast<const int32_t*>(tti.data()), ttw.data(), tdx.data());
        expect_match(ty.to_vector(), y, rtol, atol, what + " forward " + order);
        expect_match(tdx.to_vector(), dx, rtol, atol, what + " backward " + order);
      });
    }
}

inline void check_color_resize_ops(Device dev) {
  const bool exact = dev == Device::simt;
  const double ct = exact ? 0 : 1.2e-7, rt = exact ? 0 : 1e-5;
  check_op_on_device(dev, "rgb_to_ycbcr", {image({2, 3, 7, 9}, 91)}, [](auto& in) { return rgb_to_ycbcr(in[0]); },
                     ct, ct);
  check_op_on_device(dev, "ycbcr_to_rgb", {image({2, 3, 5, 3}, 92)}, [](auto& in) { return ycbcr_to_rgb(in[0]); },
                     ct, ct);
  check_op_on_device(dev, "rgb_to_y", {image({1, 3, 7, 9}, 93)}, [](auto& in) { return rgb_to_y(in[0]); }, ct, ct);
  check_op_on_device(dev, "imresize bicubic x1/3", {image({2, 13, 21, 27}, 94)},
                     [](auto& in) { return imresize(in[0], 7, 9); }, rt, rt);
  check_op_on_device(dev, "imresize bicubic x2.5", {image({1, 3, 2, 4}, 95)},
                     [](auto& in) { return imresize(in[0], 5, 10); }, rt, rt);
  check_op_on_device(dev, "imresize bilinear 0.7 / 1.3", {image({2, 1, 10, 7}, 96)},
                     [](auto& in) { return imresize(in[0], 7, 9, ResizeKernelKind::bilinear); }, rt, rt);
}

}  // namespace upres::testing::parity
