// color.cpp - the colour ops: check, allocate, one color_transform kernel call, and a backward
// that runs the same kernel with the transposed matrix (kernels/shapes/color.h).
#include "engine/ops/color.h"

#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "kernels/cpu/color.h"
#include "kernels/cuda/color.h"

namespace upres {

namespace {

using MakeTransform = kern::ColorTransform (*)(int64_t batch, int64_t plane);

Tensor color_op(const char* op, const char* expect, const Tensor& x, MakeTransform make) {
  Device dev = common_device(op, {&x});
  UPRES_CHECK(x.dim() == 4 && x.size(1) == 3, op, ": input ", to_string(x.shape()), ", expected [N, 3, H, W] (",
              expect, ")");
  const kern::ColorTransform t = make(x.size(0), x.size(2) * x.size(3));
  Tensor y = Tensor::empty({x.size(0), t.out_channels, x.size(2), x.size(3)}, dev);
  UPRES_DISPATCH_ALL(dev, color_transform, t, x.data(), y.data());
  const Shape in_shape = x.shape();
  return record(y, op, {x}, [t, dev, in_shape](const Tensor& gy) {
    Tensor gx = Tensor::empty(in_shape, dev);
    UPRES_DISPATCH_ALL(dev, color_transform, kern::transposed(t), gy.data(), gx.data());
    return std::vector<Tensor>{gx};
  });
}

}  // namespace

Tensor rgb_to_ycbcr(const Tensor& rgb) {
  return color_op("rgb_to_ycbcr", "RGB", rgb, &kern::rgb_to_ycbcr_transform);
}
Tensor ycbcr_to_rgb(const Tensor& ycbcr) {
  return color_op("ycbcr_to_rgb", "Y, Cb, Cr", ycbcr, &kern::ycbcr_to_rgb_transform);
}
Tensor rgb_to_y(const Tensor& rgb) { return color_op("rgb_to_y", "RGB", rgb, &kern::rgb_to_y_transform); }

}  // namespace upres
