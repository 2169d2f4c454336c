// shuffle.cpp - pixel_shuffle / pixel_unshuffle (declared in shape.h).
//
// The sub-pixel upsampler of ESPCN, EDSR and most SR networks: a convolution
// makes C*r*r channels at low resolution, pixel_shuffle interleaves them into a
// C-channel image r times larger. Being a permutation, its backward is the
// inverse permutation: the gradient of pixel_shuffle is pixel_unshuffle of the
// output gradient, and the other way round.
#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "engine/ops/shape.h"
#include "kernels/cpu/shuffle.h"
#include "kernels/cuda/shuffle.h"

namespace upres {

namespace {

// The low-resolution side of a shuffle: x is [N, C*r*r, H, W].
kern::ShuffleShape shape_from_low(const char* op, const Tensor& x, int64_t r) {
  check_rank(op, "input", x, 4);
  UPRES_CHECK(r >= 1, op, ": upscale factor must be >= 1, got ", r);
  UPRES_CHECK(x.size(1) % (r * r) == 0, op, ": input ", to_string(x.shape()), " has ", x.size(1),
              " channels, expected a multiple of r*r = ", r * r, " (r = ", r, ")");
  return {x.size(0), x.size(1) / (r * r), x.size(2), x.size(3), r};
}

// The high-resolution side: x is [N, C, H*r, W*r].
kern::ShuffleShape shape_from_high(const char* op, const Tensor& x, int64_t r) {
  check_rank(op, "input", x, 4);
  UPRES_CHECK(r >= 1, op, ": downscale factor must be >= 1, got ", r);
  UPRES_CHECK(x.size(2) % r == 0 && x.size(3) % r == 0, op, ": input ", to_string(x.shape()),
              " has height ", x.size(2), " and width ", x.size(3), ", expected both divisible by r = ", r);
  return {x.size(0), x.size(1), x.size(2) / r, x.size(3) / r, r};
}

Shape high_shape(const kern::ShuffleShape& s) { return {s.n, s.c, s.h * s.r, s.w * s.r}; }
Shape low_shape(const kern::ShuffleShape& s) { return {s.n, s.c * s.r * s.r, s.h, s.w}; }

}  // namespace

Tensor pixel_shuffle(const Tensor& x, int64_t r) {
  Device dev = common_device("pixel_shuffle", {&x});
  kern::ShuffleShape s = shape_from_low("pixel_shuffle", x, r);
  Tensor y = Tensor::empty(high_shape(s), dev);
  UPRES_DISPATCH_ALL(dev, pixel_shuffle, s, x.data(), y.data());
  return record(y, "pixel_shuffle", {x}, [s, dev](const Tensor& gy) {
    Tensor gx = Tensor::empty(low_shape(s), dev);
    UPRES_DISPATCH_ALL(dev, pixel_unshuffle, s, gy.data(), gx.data());
    return std::vector<Tensor>{gx};
  });
}

Tensor pixel_unshuffle(const Tensor& x, int64_t r) {
  Device dev = common_device("pixel_unshuffle", {&x});
  kern::ShuffleShape s = shape_from_high("pixel_unshuffle", x, r);
  Tensor y = Tensor::empty(low_shape(s), dev);
  UPRES_DISPATCH_ALL(dev, pixel_unshuffle, s, x.data(), y.data());
  return record(y, "pixel_unshuffle", {x}, [s, dev](const Tensor& gy) {
    Tensor gx = Tensor::empty(high_shape(s), dev);
    UPRES_DISPATCH_ALL(dev, pixel_shuffle, s, gy.data(), gx.data());
    return std::vector<Tensor>{gx};
  });
}

}  // namespace upres
