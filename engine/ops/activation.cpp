// activation.cpp - forward and backward of the pointwise non-linearities.
// The pattern every op follows: check, allocate, dispatch the kernel, record
// the backward (which dispatches the backward kernel).
#include "engine/ops/activation.h"

#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "kernels/cpu/activation.h"

namespace upres {

Tensor relu(const Tensor& x) {
  Device dev = common_device("relu", {&x});
  Tensor y = Tensor::empty(x.shape(), dev);
  UPRES_DISPATCH(dev, relu_forward, x.numel(), x.data(), y.data());
  Tensor xs = x.detach();  // saved for backward
  return record(y, "relu", {x}, [xs](const Tensor& gy) {
    Tensor gx = Tensor::empty(xs.shape(), xs.device());
    UPRES_DISPATCH(xs.device(), relu_backward, xs.numel(), xs.data(), gy.data(), gx.data());
    return std::vector<Tensor>{gx};
  });
}

}  // namespace upres
