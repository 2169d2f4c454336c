// resample.cpp - upsample (nearest, bilinear, bicubic), avg/max/adaptive pooling.
//
// Every op here works plane by plane on NCHW tensors and is linear in its input
// except max pooling (piecewise linear: its gradient is routed to the window's
// argmax). The backward of each is the transpose of its forward stencil, run by
// the matching *_backward kernel.
#include "engine/ops/resample.h"

#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "kernels/cpu/pool.h"
#include "kernels/cpu/upsample.h"
#include "kernels/cuda/pool.h"
#include "kernels/cuda/upsample.h"

namespace upres {

const char* to_string(UpsampleMode m) {
  switch (m) {
    case UpsampleMode::nearest: return "nearest";
    case UpsampleMode::bilinear: return "bilinear";
    case UpsampleMode::bicubic: return "bicubic";
  }
  return "unknown";
}

// ---- upsample ---------------------------------------------------------------------------

namespace {

void upsample_forward_kernel(Device dev, UpsampleMode mode, const kern::UpsampleShape& s, const float* x,
                             float* y) {
  switch (mode) {
    case UpsampleMode::nearest: UPRES_DISPATCH_ALL(dev, upsample_nearest_forward, s, x, y); return;
    case UpsampleMode::bilinear: UPRES_DISPATCH_ALL(dev, upsample_bilinear_forward, s, x, y); return;
    case UpsampleMode::bicubic: UPRES_DISPATCH_ALL(dev, upsample_bicubic_forward, s, x, y); return;
  }
  UPRES_FAIL("upsample: unknown mode ", static_cast<int>(mode));
}

void upsample_backward_kernel(Device dev, UpsampleMode mode, const kern::UpsampleShape& s, const float* dy,
                              float* dx) {
  switch (mode) {
    case UpsampleMode::nearest: UPRES_DISPATCH_ALL(dev, upsample_nearest_backward, s, dy, dx); return;
    case UpsampleMode::bilinear: UPRES_DISPATCH_ALL(dev, upsample_bilinear_backward, s, dy, dx); return;
    case UpsampleMode::bicubic: UPRES_DISPATCH_ALL(dev, upsample_bicubic_backward, s, dy, dx); return;
  }
  UPRES_FAIL("upsample: unknown mode ", static_cast<int>(mode));
}

}  // namespace

Tensor upsample(const Tensor& x, int64_t out_h, int64_t out_w, UpsampleMode mode) {
  Device dev = common_device("upsample", {&x});
  check_rank("upsample", "input", x, 4);
  UPRES_CHECK(x.size(2) >= 1 && x.size(3) >= 1, "upsample (", to_string(mode), "): input ",
              to_string(x.shape()), " has an empty image, expected height and width >= 1");
  UPRES_CHECK(out_h >= 1 && out_w >= 1, "upsample (", to_string(mode), "): output size ", out_h, "x", out_w,
              " for input ", to_string(x.shape()), ", expected both >= 1");
  const Shape in_shape = x.shape();
  kern::UpsampleShape s{x.size(0) * x.size(1), x.size(2), x.size(3), out_h, out_w};
  Tensor y = Tensor::empty({x.size(0), x.size(1), out_h, out_w}, dev);
  upsample_forward_kernel(dev, mode, s, x.data(), y.data());
  return record(y, "upsample", {x}, [s, mode, dev, in_shape](const Tensor& gy) {
    Tensor gx = Tensor::empty(in_shape, dev);
    upsample_backward_kernel(dev, mode, s, gy.data(), gx.data());
    return std::vector<Tensor>{gx};
  });
}

// ---- pooling ----------------------------------------------------------------------------

namespace {

kern::PoolShape pool_shape(const char* op, const Tensor& x, int64_t kernel, int64_t stride, int64_t padding) {
  check_rank(op, "input", x, 4);
  UPRES_CHECK(kernel >= 1 && stride >= 1 && padding >= 0, op, ": kernel ", kernel, ", stride ", stride,
              ", padding ", padding, "; expected kernel >= 1, stride >= 1, padding >= 0");
  UPRES_CHECK(2 * padding <= kernel, op, ": padding ", padding, " is more than half the kernel ", kernel,
              " (a window could lie entirely in the padding)");
  const int64_t h = x.size(2), w = x.size(3);
  UPRES_CHECK(h + 2 * padding >= kernel && w + 2 * padding >= kernel, op, ": input ", to_string(x.shape()),
              " padded by ", padding, " is smaller than the ", kernel, "x", kernel, " window");
  kern::PoolShape s;
  s.planes = x.size(0) * x.size(1);
  s.in_h = h;
  s.in_w = w;
  s.out_h = (h + 2 * padding - kernel) / stride + 1;
  s.out_w = (w + 2 * padding - kernel) / stride + 1;
  s.kernel = kernel;
  s.stride = stride;
  s.padding = padding;
  return s;
}

Shape out_shape(const Tensor& x, const kern::PoolShape& s) { return {x.size(0), x.size(1), s.out_h, s.out_w}; }

}  // namespace

Tensor avg_pool2d(const Tensor& x, int64_t kernel, int64_t stride, int64_t padding) {
  Device dev = common_device("avg_pool2d", {&x});
  kern::PoolShape s = pool_shape("avg_pool2d", x, kernel, stride, padding);
  Tensor y = Tensor::empty(out_shape(x, s), dev);
  UPRES_DISPATCH_ALL(dev, avg_pool2d_forward, s, x.data(), y.data());
  const Shape in_shape = x.shape();
  return record(y, "avg_pool2d", {x}, [s, dev, in_shape](const Tensor& gy) {
    Tensor gx = Tensor::empty(in_shape, dev);
    UPRES_DISPATCH_ALL(dev, avg_pool2d_backward, s, gy.data(), gx.data());
    return std::vector<Tensor>{gx};
  });
}

Tensor max_pool2d(const Tensor& x, int64_t kernel, int64_t stride, int64_t padding) {
  Device dev = common_device("max_pool2d", {&x});
  kern::PoolShape s = pool_shape("max_pool2d", x, kernel, stride, padding);
  Tensor y = Tensor::empty(out_shape(x, s), dev);
  UPRES_DISPATCH_ALL(dev, max_pool2d_forward, s, x.data(), y.data());
  Tensor xs = x.detach();  // the backward finds the argmax again from the input
  return record(y, "max_pool2d", {x}, [s, xs](const Tensor& gy) {
    Tensor gx = Tensor::empty(xs.shape(), xs.device());
    UPRES_DISPATCH_ALL(xs.device(), max_pool2d_backward, s, xs.data(), gy.data(), gx.data());
    return std::vector<Tensor>{gx};
  });
}

Tensor adaptive_avg_pool2d(const Tensor& x, int64_t out_h, int64_t out_w) {
  Device dev = common_device("adaptive_avg_pool2d", {&x});
  check_rank("adaptive_avg_pool2d", "input", x, 4);
  UPRES_CHECK(x.size(2) >= 1 && x.size(3) >= 1, "adaptive_avg_pool2d: input ", to_string(x.shape()),
              " has an empty image, expected height and width >= 1");
  UPRES_CHECK(out_h >= 1 && out_w >= 1, "adaptive_avg_pool2d: output size ", out_h, "x", out_w,
              " for input ", to_string(x.shape()), ", expected both >= 1");
  kern::PoolShape s;
  s.planes = x.size(0) * x.size(1);
  s.in_h = x.size(2);
  s.in_w = x.size(3);
  s.out_h = out_h;
  s.out_w = out_w;
  Tensor y = Tensor::empty(out_shape(x, s), dev);
  UPRES_DISPATCH_ALL(dev, adaptive_avg_pool2d_forward, s, x.data(), y.data());
  const Shape in_shape = x.shape();
  return record(y, "adaptive_avg_pool2d", {x}, [s, dev, in_shape](const Tensor& gy) {
    Tensor gx = Tensor::empty(in_shape, dev);
    UPRES_DISPATCH_ALL(dev, adaptive_avg_pool2d_backward, s, gy.data(), gx.data());
    return std::vector<Tensor>{gx};
  });
}

}  // namespace upres
