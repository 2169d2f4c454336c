// engine_ops.h - engine ops with tensors on a GPU device (simt or cuda) against the same ops on
// cpu: forward values and the gradients autograd computes, for the ported op families.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "engine/ops.h"
#include "engine/rng.h"
#include "parity/parity.h"

namespace upres::testing::parity {

// Runs f on cpu leaves and on copies of them on `dev`; compares the output and the gradient
// of every input after a backward seeded with the same random gradient, run twice so the
// accumulation (axpy) is covered too.
inline void check_op_on_device(Device dev, const std::string& name, const std::vector<Tensor>& inputs,
                               const std::function<Tensor(const std::vector<Tensor>&)>& f,
                               double rtol = 0, double atol = 0) {
  std::vector<Tensor> on_cpu, on_dev;
  for (const Tensor& t : inputs) {
    on_cpu.push_back(t.clone().set_requires_grad());
    on_dev.push_back(t.to(dev).set_requires_grad());
  }
  Tensor y_cpu = f(on_cpu), y_dev = f(on_dev);
  ASSERT_EQ(y_dev.device(), dev) << name;
  expect_match(y_dev.to_vector(), y_cpu.to_vector(), rtol, atol, name + " forward on " + to_string(dev));
  Rng rng(99);
  Tensor gy = Tensor::randn(y_cpu.shape(), rng);
  for (int pass = 0; pass < 2; ++pass) {
    f(on_cpu).backward(gy);
    f(on_dev).backward(gy.to(dev));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    ASSERT_TRUE(on_dev[i].grad().defined()) << name << " input " << i;
    EXPECT_EQ(on_dev[i].grad().device(), dev) << name;
    expect_match(on_dev[i].grad().to_vector(), on_cpu[i].grad().to_vector(), rtol, atol,
                 name + " gradient of input " + std::to_string(i) + " on " + to_string(dev));
  }
}

inline Tensor image(const Shape& s, uint64_t seed) {
  Rng rng(seed);
  return Tensor::randn(s, rng);
}

inline void check_activation_ops(Device dev) {
  const Shape s = {2, 13, 7, 9};
  check_op_on_device(dev, "relu", {image(s, 1)}, [](auto& in) { return relu(in[0]); });
  check_op_on_device(dev, "leaky_relu", {image(s, 2)}, [](auto& in) { return leaky_relu(in[0], 0.2f); });
  check_op_on_device(dev, "prelu per channel", {image(s, 3), image({13}, 4)},
                     [](auto& in) { return prelu(in[0], in[1]); }, 1e-6, 1e-6);
  check_op_on_device(dev, "prelu shared", {image({1, 1, 7, 9}, 5), image({1}, 6)},
                     [](auto& in) { return prelu(in[0], in[1]); }, 1e-6, 1e-6);
  check_op_on_device(dev, "sigmoid", {image(s, 7)}, [](auto& in) { return sigmoid(in[0]); }, 2e-6, 1e-6);
  check_op_on_device(dev, "tanh", {image(s, 8)}, [](auto& in) { return upres::tanh(in[0]); }, 2e-6, 1e-6);
}

inline void check_shuffle_ops(Device dev) {
  check_op_on_device(dev, "pixel_shuffle r=2", {image({2, 13 * 4, 7, 9}, 9)},
                     [](auto& in) { return pixel_shuffle(in[0], 2); });
  check_op_on_device(dev, "pixel_unshuffle r=3", {image({1, 13, 21, 9}, 10)},
                     [](auto& in) { return pixel_unshuffle(in[0], 3); });
  // The ESPCN tail: relu -> shuffle -> tanh, so gradients cross ops on the device.
  check_op_on_device(dev, "relu-shuffle-tanh", {image({1, 9, 5, 3}, 11)},
                     [](auto& in) { return upres::tanh(pixel_shuffle(relu(in[0]), 3)); }, 2e-6, 1e-6);
}

}  // namespace upres::testing::parity
