// elementwise_engine_ops.h - the engine's elementwise and reduction ops with tensors on a GPU
// device (simt or cuda) against the same ops on cpu, through autograd (engine_ops.h): broadcast
// arithmetic (whose backward runs sum_to), scalar ops, unary maths, sums and means over dims,
// and the L1/MSE losses.
#pragma once

#include "parity/engine_ops.h"

namespace upres::testing::parity {

inline void check_elementwise_ops(Device dev) {
  const Shape s = {2, 13, 7, 9};
  auto positive = [](Tensor t) { return add(upres::abs(t), 0.25f); };
  check_op_on_device(dev, "add with a per-channel bias", {image(s, 21), image({1, 13, 1, 1}, 22)},
                     [](auto& in) { return add(in[0], in[1]); }, 1e-6, 1e-6);
  check_op_on_device(dev, "sub row and column", {image({2, 1, 7, 1}, 23), image({1, 13, 1, 9}, 24)},
                     [](auto& in) { return sub(in[0], in[1]); }, 1e-6, 1e-6);
  check_op_on_device(dev, "mul by a [13, 1, 1] scale", {image(s, 25), image({13, 1, 1}, 26)},
                     [](auto& in) { return mul(in[0], in[1]); }, 1e-6, 1e-6);
  check_op_on_device(dev, "div", {image({5, 3}, 27), positive(image({5, 1}, 28))},
                     [](auto& in) { return div(in[0], in[1]); }, 1e-6, 1e-6);
  check_op_on_device(dev, "scalar ops", {image(s, 29)}, [](auto& in) {
    return div(rsub(2.0f, mul(sub(add(in[0], 1.5f), 0.25f), -3.0f)), 0.7f);
  });
  check_op_on_device(dev, "neg square abs clamp", {image(s, 30)}, [](auto& in) {
    return clamp(upres::abs(square(neg(in[0]))), 0.1f, 2.0f);
  });
  check_op_on_device(dev, "sqrt log exp pow", {positive(image(s, 31))}, [](auto& in) {
    return upres::pow(upres::exp(upres::log(upres::sqrt(in[0]))), 1.5f);
  }, 1e-5, 1e-6);
  check_op_on_device(dev, "expand", {image({13, 1, 9}, 32)}, [](auto& in) { return expand(in[0], {2, 13, 7, 9}); },
                     1e-6, 1e-6);
}

inline void check_reduce_ops(Device dev) {
  const Shape s = {2, 13, 7, 9};
  check_op_on_device(dev, "sum", {image(s, 33)}, [](auto& in) { return sum(in[0]); }, 1e-6, 1e-7);
  check_op_on_device(dev, "mean", {image(s, 34)}, [](auto& in) { return mean(in[0]); }, 1e-6, 1e-7);
  check_op_on_device(dev, "sum over N, H, W", {image(s, 35)},
                     [](auto& in) { return sum(in[0], {0, 2, 3}); }, 1e-6, 1e-7);
  check_op_on_device(dev, "mean over H, W keepdim", {image(s, 36)},
                     [](auto& in) { return mean(in[0], {2, 3}, true); }, 1e-6, 1e-7);
  check_op_on_device(dev, "sum_to [1, 1, 1, 9]", {image(s, 37)},
                     [](auto& in) { return sum_to(in[0], {1, 1, 1, 9}); }, 1e-6, 1e-7);
  check_op_on_device(dev, "l1_loss", {image(s, 38), image(s, 39)},
                     [](auto& in) { return l1_loss(in[0], in[1]); }, 1e-6, 1e-7);
  check_op_on_device(dev, "mse_loss sum", {image(s, 40), image(s, 41)},
                     [](auto& in) { return mse_loss(in[0], in[1], Reduction::sum); }, 1e-6, 1e-7);
}

}  // namespace upres::testing::parity
