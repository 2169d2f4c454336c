// activation.cpp - forward and backward of the pointwise non-linearities.
// The pattern every op follows: check, allocate, dispatch the kernel, record
// the backward (which dispatches the backward kernel).
#include "engine/ops/activation.h"

#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "kernels/cpu/activation.h"
#include "kernels/cuda/activation.h"

namespace upres {

Tensor relu(const Tensor& x) {
  Device dev = common_device("relu", {&x});
  Tensor y = Tensor::empty(x.shape(), dev);
  UPRES_DISPATCH_ALL(dev, relu_forward, x.numel(), x.data(), y.data());
  Tensor xs = x.detach();  // saved for backward
  return record(y, "relu", {x}, [xs](const Tensor& gy) {
    Tensor gx = Tensor::empty(xs.shape(), xs.device());
    UPRES_DISPATCH_ALL(xs.device(), relu_backward, xs.numel(), xs.data(), gy.data(), gx.data());
    return std::vector<Tensor>{gx};
  });
}

Tensor leaky_relu(const Tensor& x, float slope) {
  Device dev = common_device("leaky_relu", {&x});
  Tensor y = Tensor::empty(x.shape(), dev);
  UPRES_DISPATCH_ALL(dev, leaky_relu_forward, x.numel(), slope, x.data(), y.data());
  Tensor xs = x.detach();
  return record(y, "leaky_relu", {x}, [xs, slope](const Tensor& gy) {
    Tensor gx = Tensor::empty(xs.shape(), xs.device());
    UPRES_DISPATCH_ALL(xs.device(), leaky_relu_backward, xs.numel(), slope, xs.data(), gy.data(),
                       gx.data());
    return std::vector<Tensor>{gx};
  });
}

// weight [1] is shared by all elements; weight [C] needs x [N, C, ...] and gives
// channel c the slope weight[c] (torch.nn.PReLU's layout).
Tensor prelu(const Tensor& x, const Tensor& weight) {
  Device dev = common_device("prelu", {&x, &weight});
  UPRES_CHECK(weight.dim() == 1, "prelu: weight has shape ", to_string(weight.shape()),
              ", expected [1] (shared) or [C] (one per channel)");
  const int64_t c = weight.numel();
  kern::PreluShape s;
  if (c == 1) {
    s.inner = x.numel();
  } else {
    UPRES_CHECK(x.dim() >= 2 && x.size(1) == c, "prelu: input ", to_string(x.shape()), " and weight ",
                to_string(weight.shape()), ": a per-channel weight needs an input [N, ", c, ", ...]");
    s.outer = x.size(0);
    s.channels = c;
    s.inner = x.size(0) * c == 0 ? 0 : x.numel() / (x.size(0) * c);
  }
  Tensor y = Tensor::empty(x.shape(), dev);
  UPRES_DISPATCH_ALL(dev, prelu_forward, s, x.data(), weight.data(), y.data());
  const bool need_x = x.requires_grad(), need_w = weight.requires_grad();
  Tensor xs = x.detach(), ws = weight.detach();
  return record(y, "prelu", {x, weight}, [=](const Tensor& gy) {
    Tensor gx = need_x ? Tensor::empty(xs.shape(), xs.device()) : Tensor();
    Tensor gw = need_w ? Tensor::empty(ws.shape(), ws.device()) : Tensor();
    UPRES_DISPATCH_ALL(xs.device(), prelu_backward, s, xs.data(), ws.data(), gy.data(),
                       need_x ? gx.data() : nullptr, need_w ? gw.data() : nullptr);
    return std::vector<Tensor>{gx, gw};
  });
}

Tensor sigmoid(const Tensor& x) {
  Device dev = common_device("sigmoid", {&x});
  Tensor y = Tensor::empty(x.shape(), dev);
  UPRES_DISPATCH_ALL(dev, sigmoid_forward, x.numel(), x.data(), y.data());
  Tensor ys = y.detach();  // the backward needs only the output
  return record(y, "sigmoid", {x}, [ys](const Tensor& gy) {
    Tensor gx = Tensor::empty(ys.shape(), ys.device());
    UPRES_DISPATCH_ALL(ys.device(), sigmoid_backward, ys.numel(), ys.data(), gy.data(), gx.data());
    return std::vector<Tensor>{gx};
  });
}

Tensor tanh(const Tensor& x) {
  Device dev = common_device("tanh", {&x});
  Tensor y = Tensor::empty(x.shape(), dev);
  UPRES_DISPATCH_ALL(dev, tanh_forward, x.numel(), x.data(), y.data());
  Tensor ys = y.detach();
  return record(y, "tanh", {x}, [ys](const Tensor& gy) {
    Tensor gx = Tensor::empty(ys.shape(), ys.device());
    UPRES_DISPATCH_ALL(ys.device(), tanh_backward, ys.numel(), ys.data(), gy.data(), gx.data());
    return std::vector<Tensor>{gx};
  });
}

}  // namespace upres
