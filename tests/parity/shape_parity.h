// shape_parity.h - parity checks for the data-movement family (kernels/cuda/shape: strided
// copies, padding zero/reflect/replicate and its backward) against the cpu kernels, shared by
// tests/parity (simt, every scheduling order) and tests/gpu (cuda), and the engine's shape ops
// (concat, split, narrow, pad, crop) through autograd. Everything here must match bit for bit:
// copies move bits, and the padding backward adds the same terms in the same order as the cpu.
#pragma once

#include <string>
#include <vector>

#include "kernels/cpu/shape.h"
#include "parity/engine_ops.h"
#include "parity/parity.h"

namespace upres::testing::parity {

struct ShapeKernels {
  decltype(&cpu::strided_copy) strided_copy;
  decltype(&cpu::pad_forward) pad_forward;
  decltype(&cpu::pad_backward) pad_backward;
};

#define UPRES_SHAPE_KERNELS(ns) \
  ::upres::testing::parity::ShapeKernels { &ns::strided_copy, &ns::pad_forward, &ns::pad_backward }

inline void check_strided_copy(const Backend& b, const ShapeKernels& k) {
  struct Case {
    const char* what;
    kern::CopyShape s;
    int64_t src_offset, src_n, dst_n;
  };
  // {planes, rows, cols, src plane/row stride, dst plane/row stride}
  const std::vector<Case> cases = {
      // crop [2*13, 7, 9] to [.., 4, 5] at (2, 3)
      {"crop", {26, 4, 5, 63, 9, 20, 5}, 2 * 9 + 3, 26 * 63, 26 * 20},
      // the crop's backward: the window written back into a [26, 7, 9] gradient
      {"crop backward", {26, 4, 5, 20, 5, 63, 9}, 0, 26 * 20, 26 * 63},
      // concat along channels: 5 of 13 channels of a [2, 5, 7, 9] into a [2, 13, 7, 9]
      {"concat", {1, 2, 5 * 63, 0, 5 * 63, 0, 13 * 63}, 0, 2 * 5 * 63, 2 * 13 * 63},
      // narrow of one column of a [5, 3]
      {"narrow", {1, 5, 1, 0, 3, 0, 1}, 2, 15, 5},
      {"one element", {1, 1, 1, 0, 0, 0, 0}, 0, 1, 1},
  };
  for (const Case& c : cases) {
    const auto src = random_values(c.src_n, 31);
    const auto dst0 = random_values(c.dst_n, 32);  // what the copy must leave alone stays
    std::vector<float> want = dst0;
    cpu::strided_copy(cpu_ctx(), c.s, src.data() + c.src_offset, want.data());
    for_each_order(b, [&](const std::string& order) {
      Tensor ts = on(b, src), td = on(b, dst0);
      k.strided_copy(ctx(b), c.s, ts.data() + c.src_offset, td.data());
      expect_match(td.to_vector(), want, 0, 0, std::string("strided_copy ") + c.what + " " + order);
    });
  }
}

inline void check_pad(const Backend& b, const ShapeKernels& k) {
  struct Case {
    int64_t planes, h, w, top, bottom, left, right;
  };
  // reflect needs every pad < the size it mirrors; the cases respect that for all modes.
  const std::vector<Case> cases = {{26, 7, 9, 1, 2, 3, 0}, {2, 7, 9, 6, 6, 8, 8}, {1, 5, 3, 2, 2, 2, 1},
                                   {13, 7, 9, 0, 0, 0, 0}, {2, 2, 2, 1, 1, 1, 1}};
  const std::vector<Case> tiny = {{1, 1, 1, 2, 3, 1, 4}, {3, 1, 5, 0, 2, 1, 1}};  // not for reflect
  for (kern::PadMode mode : {kern::PadMode::zero, kern::PadMode::reflect, kern::PadMode::replicate})
    for (float value : {0.0f, 1.5f}) {
      if (value != 0.0f && mode != kern::PadMode::zero) continue;
      std::vector<Case> all = cases;
      if (mode != kern::PadMode::reflect) all.insert(all.end(), tiny.begin(), tiny.end());
      for (const Case& c : all) {
        kern::PadShape s;
        s.planes = c.planes;
        s.h = c.h;
        s.w = c.w;
        s.top = c.top;
        s.bottom = c.bottom;
        s.left = c.left;
        s.right = c.right;
        s.mode = mode;
        s.value = value;
        const int64_t n = s.planes * s.h * s.w, m = s.planes * s.out_h() * s.out_w();
        const auto x = random_values(n, 33), dy = random_values(m, 34);
        std::vector<float> y(m), dx(n);
        cpu::pad_forward(cpu_ctx(), s, x.data(), y.data());
        cpu::pad_backward(cpu_ctx(), s, dy.data(), dx.data());
        const std::string what = "pad mode " + std::to_string(static_cast<int>(mode)) + " value " +
                                 std::to_string(value) + " [" + std::to_string(c.planes) + ", " +
                                 std::to_string(c.h) + ", " + std::to_string(c.w) + "] t/b/l/r " +
                                 std::to_string(c.top) + "/" + std::to_string(c.bottom) + "/" +
                                 std::to_string(c.left) + "/" + std::to_string(c.right);
        for_each_order(b, [&](const std::string& order) {
          Tensor tx = on(b, x), ty = empty_on(b, m), tdy = on(b, dy), tdx = empty_on(b, n);
          k.pad_forward(ctx(b), s, tx.data(), ty.data());
          k.pad_backward(ctx(b), s, tdy.data(), tdx.data());
          expect_match(ty.to_vector(), y, 0, 0, what + " forward " + order);
          expect_match(tdx.to_vector(), dx, 0, 0, what + " backward " + order);
        });
      }
    }
}

inline void check_shape_ops(Device dev) {
  check_op_on_device(dev, "concat channels", {image({2, 5, 7, 9}, 41), image({2, 1, 7, 9}, 42), image({2, 7, 7, 9}, 43)},
                     [](auto& in) { return concat(in, 1); });
  check_op_on_device(dev, "split then concat reversed", {image({2, 13, 7, 9}, 44)}, [](auto& in) {
    auto parts = split(in[0], {4, 9}, 1);
    return concat({parts[1], parts[0]}, 1);
  });
  check_op_on_device(dev, "narrow W", {image({2, 13, 7, 9}, 45)}, [](auto& in) { return narrow(in[0], 3, 2, 5); });
  for (PadMode mode : {PadMode::zero, PadMode::reflect, PadMode::replicate})
    check_op_on_device(dev, std::string("pad ") + to_string(mode), {image({2, 13, 7, 9}, 46)},
                       [mode](auto& in) { return pad(in[0], 3, 1, 2, 4, mode, 0.0f); });
  check_op_on_device(dev, "pad zero value 2", {image({1, 1, 5, 3}, 47)},
                     [](auto& in) { return pad(in[0], 1, 1, 1, 1, PadMode::zero, 2.0f); });
  check_op_on_device(dev, "crop", {image({2, 13, 7, 9}, 48)}, [](auto& in) { return crop(in[0], 2, 3, 4, 5); });
}

}  // namespace upres::testing::parity
