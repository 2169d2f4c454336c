// shape.cpp - concat, split, narrow, pad and crop: ops that only move data.
//
// Along any dim d a contiguous tensor is [outer, size_d, inner], and a slice
// [start, start + len) of d is `outer` runs of len*inner contiguous floats: one
// strided_copy. The backward of a slice puts the gradient back into a zero
// tensor of the input's shape; the backward of concat slices the gradient.
// pixel_shuffle / pixel_unshuffle (also declared in shape.h) live in their own file.
#include "engine/ops/shape.h"

#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "kernels/cpu/shape.h"
#include "kernels/cuda/shape.h"

namespace upres {

const char* to_string(PadMode m) {
  switch (m) {
    case PadMode::zero: return "zero";
    case PadMode::reflect: return "reflect";
    case PadMode::replicate: return "replicate";
  }
  return "?";
}

namespace {

int64_t norm_dim(const char* op, const Tensor& x, int64_t dim) {
  const int64_t r = x.dim(), k = dim < 0 ? dim + r : dim;
  UPRES_CHECK(k >= 0 && k < r, op, ": dim ", dim, " is out of range for input ", to_string(x.shape()),
              " (", r, " dimensions)");
  return k;
}

int64_t prod(const Shape& s, int64_t from, int64_t to) {
  int64_t n = 1;
  for (int64_t i = from; i < to; ++i) n *= s[static_cast<size_t>(i)];
  return n;
}

// Copy `len` entries of dim d: src entries [src_start, +len) of a tensor whose dim d has
// src_size entries, into dst entries [dst_start, +len) of one whose dim d has dst_size.
// Both tensors agree on every other dim (`outer` before d, `inner` after).
void copy_along(Device dev, int64_t outer, int64_t inner, const float* src, int64_t src_size,
                int64_t src_start, float* dst, int64_t dst_size, int64_t dst_start, int64_t len) {
  if (outer == 0 || len == 0 || inner == 0) return;
  kern::CopyShape s;
  s.planes = 1;
  s.rows = outer;
  s.cols = len * inner;
  s.src_row_stride = src_size * inner;
  s.dst_row_stride = dst_size * inner;
  UPRES_DISPATCH_ALL(dev, strided_copy, s, src + src_start * inner, dst + dst_start * inner);
}

// The view [P, H, W] of the last two dims of a tensor of rank >= 2.
void check_image_like(const char* op, const Tensor& x) {
  UPRES_CHECK(x.dim() >= 2, op, ": input ", to_string(x.shape()),
              " needs at least 2 dimensions (it works on the last two, H and W)");
}

}  // namespace

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  Device dev = common_device("narrow", {&x});
  const int64_t d = norm_dim("narrow", x, dim);
  const Shape& xs = x.shape();
  const int64_t size = xs[static_cast<size_t>(d)];
  UPRES_CHECK(start >= 0 && length >= 0 && start + length <= size, "narrow: slice [", start, ", ",
              start + length, ") of dim ", dim, " is outside input ", to_string(xs), " (size ", size, ")");
  Shape ys = xs;
  ys[static_cast<size_t>(d)] = length;
  Tensor y = Tensor::empty(ys, dev);
  const int64_t outer = prod(xs, 0, d), inner = prod(xs, d + 1, x.dim());
  copy_along(dev, outer, inner, x.data(), size, start, y.data(), length, 0, length);
  return record(y, "narrow", {x}, [=](const Tensor& gy) {
    Tensor gx = Tensor::zeros(xs, gy.device());
    copy_along(gy.device(), outer, inner, gy.data(), length, 0, gx.data(), size, start, length);
    return std::vector<Tensor>{gx};
  });
}

std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim) {
  common_device("split", {&x});
  const int64_t d = norm_dim("split", x, dim);
  int64_t total = 0;
  for (int64_t s : sizes) {
    UPRES_CHECK(s >= 0, "split: negative piece size ", s, " for input ", to_string(x.shape()));
    total += s;
  }
  UPRES_CHECK(total == x.size(d), "split: piece sizes add up to ", total, " but dim ", dim,
              " of input ", to_string(x.shape()), " has size ", x.size(d));
  // Each piece is a narrow; the backward of each puts its gradient into its slice
  // (the pieces' gradients add up in the input's gradient).
  std::vector<Tensor> out;
  int64_t start = 0;
  for (int64_t s : sizes) {
    out.push_back(narrow(x, d, start, s));
    start += s;
  }
  return out;
}

Tensor concat(const std::vector<Tensor>& xs, int64_t dim) {
  UPRES_CHECK(!xs.empty(), "concat: no input tensors");
  const Tensor& x0 = xs[0];
  UPRES_CHECK(x0.defined(), "concat: input 0 is undefined");
  const Device dev = x0.device();
  const int64_t d = norm_dim("concat", x0, dim);
  Shape ys = x0.shape();
  int64_t total = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const Tensor& t = xs[i];
    UPRES_CHECK(t.defined(), "concat: input ", i, " is undefined");
    UPRES_CHECK(t.device() == dev, "concat: input ", i, " is on ", to_string(t.device()), ", input 0 on ",
                to_string(dev));
    bool ok = t.dim() == x0.dim();
    for (int64_t k = 0; ok && k < x0.dim(); ++k) ok = k == d || t.size(k) == x0.size(k);
    UPRES_CHECK(ok, "concat along dim ", dim, ": input ", i, " has shape ", to_string(t.shape()),
                ", input 0 has ", to_string(x0.shape()), "; all sizes except dim ", dim, " must agree");
    total += t.size(d);
  }
  ys[static_cast<size_t>(d)] = total;
  Tensor y = Tensor::empty(ys, dev);
  const int64_t outer = prod(ys, 0, d), inner = prod(ys, d + 1, x0.dim());
  std::vector<int64_t> lens, starts;
  int64_t start = 0;
  for (const Tensor& t : xs) {
    const int64_t len = t.size(d);
    copy_along(dev, outer, inner, t.data(), len, 0, y.data(), total, start, len);
    lens.push_back(len);
    starts.push_back(start);
    start += len;
  }
  std::vector<bool> need;
  for (const Tensor& t : xs) need.push_back(t.requires_grad());
  return record(y, "concat", xs, [=](const Tensor& gy) {
    std::vector<Tensor> g(lens.size());
    for (size_t i = 0; i < lens.size(); ++i) {
      if (!need[i]) continue;
      Shape gs = ys;
      gs[static_cast<size_t>(d)] = lens[i];
      g[i] = Tensor::empty(gs, gy.device());
      copy_along(gy.device(), outer, inner, gy.data(), total, starts[i], g[i].data(), lens[i], 0, lens[i]);
    }
    return g;
  });
}

Tensor pad(const Tensor& x, int64_t left, int64_t right, int64_t top, int64_t bottom, PadMode mode,
           float value) {
  Device dev = common_device("pad", {&x});
  check_image_like("pad", x);
  const int64_t h = x.size(-2), w = x.size(-1);
  UPRES_CHECK(left >= 0 && right >= 0 && top >= 0 && bottom >= 0, "pad: negative padding (left ", left,
              ", right ", right, ", top ", top, ", bottom ", bottom, ") of input ", to_string(x.shape()),
              "; use crop to remove pixels");
  if (mode == PadMode::reflect) {
    UPRES_CHECK(top < h && bottom < h && left < w && right < w, "pad (reflect): padding (left ", left,
                ", right ", right, ", top ", top, ", bottom ", bottom, ") must be smaller than the input's H ",
                h, " and W ", w, " (input ", to_string(x.shape()), ")");
  }
  if (mode == PadMode::replicate) {
    UPRES_CHECK((h > 0 || top + bottom == 0) && (w > 0 || left + right == 0),
                "pad (replicate): cannot repeat the edge of an empty dim of input ", to_string(x.shape()));
  }
  kern::PadShape s;
  s.planes = prod(x.shape(), 0, x.dim() - 2);
  s.h = h;
  s.w = w;
  s.top = top;
  s.bottom = bottom;
  s.left = left;
  s.right = right;
  s.mode = mode == PadMode::zero ? kern::PadMode::zero
                                 : (mode == PadMode::reflect ? kern::PadMode::reflect : kern::PadMode::replicate);
  s.value = value;
  Shape ys = x.shape();
  ys[ys.size() - 2] = s.out_h();
  ys[ys.size() - 1] = s.out_w();
  Tensor y = Tensor::empty(ys, dev);
  UPRES_DISPATCH_ALL(dev, pad_forward, s, x.data(), y.data());
  Shape xs = x.shape();
  return record(y, "pad", {x}, [s, xs](const Tensor& gy) {
    Tensor gx = Tensor::empty(xs, gy.device());
    UPRES_DISPATCH_ALL(gy.device(), pad_backward, s, gy.data(), gx.data());
    return std::vector<Tensor>{gx};
  });
}

Tensor crop(const Tensor& x, int64_t top, int64_t left, int64_t height, int64_t width) {
  Device dev = common_device("crop", {&x});
  check_image_like("crop", x);
  const int64_t h = x.size(-2), w = x.size(-1);
  UPRES_CHECK(top >= 0 && left >= 0 && height >= 0 && width >= 0 && top + height <= h && left + width <= w,
              "crop: window rows [", top, ", ", top + height, ") x cols [", left, ", ", left + width,
              ") is outside input ", to_string(x.shape()), " (H ", h, ", W ", w, ")");
  const int64_t planes = prod(x.shape(), 0, x.dim() - 2);
  Shape ys = x.shape();
  ys[ys.size() - 2] = height;
  ys[ys.size() - 1] = width;
  Tensor y = Tensor::empty(ys, dev);
  // Window [P, height, width] out of [P, h, w]: one strided copy.
  kern::CopyShape s;
  s.planes = planes;
  s.rows = height;
  s.cols = width;
  s.src_plane_stride = h * w;
  s.src_row_stride = w;
  s.dst_plane_stride = height * width;
  s.dst_row_stride = width;
  if (y.numel() > 0) UPRES_DISPATCH_ALL(dev, strided_copy, s, x.data() + top * w + left, y.data());
  Shape xs = x.shape();
  return record(y, "crop", {x}, [=](const Tensor& gy) {
    Tensor gx = Tensor::zeros(xs, gy.device());
    kern::CopyShape b;  // the same window, the other way
    b.planes = planes;
    b.rows = height;
    b.cols = width;
    b.src_plane_stride = height * width;
    b.src_row_stride = width;
    b.dst_plane_stride = h * w;
    b.dst_row_stride = w;
    if (gy.numel() > 0) UPRES_DISPATCH_ALL(gy.device(), strided_copy, b, gy.data(), gx.data() + top * w + left);
    return std::vector<Tensor>{gx};
  });
}

}  // namespace upres
