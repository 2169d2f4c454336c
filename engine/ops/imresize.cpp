// imresize.cpp - MATLAB imresize on tensors: two recorded passes (height, width), each one
// gather kernel over a weight table uploaded to the tensor's device; the backward of a pass
// gathers over the transposed table (engine/resize_weights.h).
#include "engine/ops/imresize.h"

#include <cstring>

#include "engine/allocator.h"
#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "kernels/cpu/resize.h"
#include "kernels/cuda/resize.h"

namespace upres {

namespace {

// A table on a device: int32 indices kept in the bytes of a float tensor (tensors are float32;
// the kernels read the bytes back as int32), float weights in a second tensor.
struct DeviceTable {
  int64_t taps = 0;
  Tensor index, weight;
  const int32_t* idx() const { return reinterpret_cast<const int32_t*>(index.data()); }
};

DeviceTable upload(const ResizeWeights& t, Device dev) {
  static_assert(sizeof(int32_t) == sizeof(float), "index bytes must fit a float tensor");
  DeviceTable d;
  d.taps = t.taps;
  const int64_t n = static_cast<int64_t>(t.index.size());
  d.index = Tensor::empty({n}, dev);
  copy_bytes(d.index.data(), dev, t.index.data(), Device::cpu, static_cast<size_t>(n) * sizeof(int32_t));
  d.weight = Tensor::from_vector({n}, t.weight, dev);
  return d;
}

// One pass along the height (axis 2) or the width (axis 3) to `out` samples at `scale`.
Tensor resize_pass(const Tensor& x, int axis, int64_t out, double scale, ResizeKernelKind kernel, bool antialias) {
  const Device dev = x.device();
  const int64_t in = x.size(axis);
  const ResizeWeights w = resize_weights(in, out, scale, kernel, antialias);
  const DeviceTable fwd = upload(w, dev), bwd = upload(transpose_resize_weights(w), dev);
  kern::ResizeShape s;
  s.planes = x.size(0) * x.size(1);
  s.in_h = x.size(2);
  s.in_w = x.size(3);
  s.out_h = axis == 2 ? out : s.in_h;
  s.out_w = axis == 3 ? out : s.in_w;
  s.taps = fwd.taps;
  Tensor y = Tensor::empty({x.size(0), x.size(1), s.out_h, s.out_w}, dev);
  if (axis == 2)
    UPRES_DISPATCH_ALL(dev, resize_height_forward, s, x.data(), fwd.idx(), fwd.weight.data(), y.data());
  else
    UPRES_DISPATCH_ALL(dev, resize_width_forward, s, x.data(), fwd.idx(), fwd.weight.data(), y.data());
  const Shape in_shape = x.shape();
  return record(y, axis == 2 ? "imresize (height pass)" : "imresize (width pass)", {x},
                [s, axis, bwd, dev, in_shape](const Tensor& gy) {
                  Tensor gx = Tensor::empty(in_shape, dev);
                  if (axis == 2)
                    UPRES_DISPATCH_ALL(dev, resize_height_backward, s, bwd.taps, gy.data(), bwd.idx(),
                                       bwd.weight.data(), gx.data());
                  else
                    UPRES_DISPATCH_ALL(dev, resize_width_backward, s, bwd.taps, gy.data(), bwd.idx(),
                                       bwd.weight.data(), gx.data());
                  return std::vector<Tensor>{gx};
                });
}

}  // namespace

Tensor imresize(const Tensor& x, int64_t out_h, int64_t out_w, ResizeKernelKind kernel, bool antialias) {
  common_device("imresize", {&x});
  UPRES_CHECK(x.dim() == 4 && x.size(2) >= 1 && x.size(3) >= 1 && x.size(0) * x.size(1) >= 1, "imresize: input ",
              to_string(x.shape()), ", expected [N, C, H, W] with a non-empty image");
  UPRES_CHECK(out_h >= 1 && out_w >= 1 && out_h <= (1 << 20) && out_w <= (1 << 20), "imresize: output size ",
              out_h, "x", out_w, " for input ", to_string(x.shape()), "; expected 1 to 1048576 per side");
  const double scale_h = static_cast<double>(out_h) / x.size(2), scale_w = static_cast<double>(out_w) / x.size(3);
  // MATLAB: the smaller scale first, the height on ties (data/resize.h).
  if (scale_h <= scale_w)
    return resize_pass(resize_pass(x, 2, out_h, scale_h, kernel, antialias), 3, out_w, scale_w, kernel, antialias);
  return resize_pass(resize_pass(x, 3, out_w, scale_w, kernel, antialias), 2, out_h, scale_h, kernel, antialias);
}

}  // namespace upres
