// reduce.cpp - sum and mean over all or chosen dims, and the L1 / MSE losses.
//
// The backward of a sum stretches the output gradient back over the summed dims
// (every input element contributed with weight 1, or 1/count for a mean). The
// losses are fused: one pass reads a and b and writes one number; the backward
// is one pass writing both gradients.
#include "engine/ops/reduce.h"

#include <algorithm>

#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "engine/ops/elementwise.h"
#include "kernels/cpu/reduce.h"
#include "kernels/cuda/reduce.h"

namespace upres {

namespace {

// Sum of x over the dims flagged in `reduce`, times scale, with output shape `out`.
Tensor reduce_impl(const char* name, const Tensor& x, const std::vector<bool>& reduce, float scale,
                   const Shape& out) {
  Device dev = common_device(name, {&x});
  kern::ReduceShape s;
  UPRES_CHECK(kern::make_reduce(x.shape(), reduce, &s), name, ": input ", to_string(x.shape()),
              " has too many dimensions");
  Tensor y = Tensor::empty(out, dev);
  UPRES_DISPATCH_ALL(dev, sum_reduce, s, scale, x.data(), y.data());
  // Backward: dx = scale * dy, stretched over the reduced dims. The gradient is
  // first reshaped to keep size-1 dims where x was reduced, then broadcast.
  Shape kept = x.shape();
  for (size_t i = 0; i < kept.size(); ++i)
    if (reduce[i]) kept[i] = 1;
  Shape xs = x.shape();
  return record(y, name, {x}, [kept, xs, scale](const Tensor& gy) {
    Tensor g = gy.reshape(kept);
    if (scale != 1.0f) g = mul(g, scale);
    return std::vector<Tensor>{expand(g, xs)};
  });
}

std::vector<bool> dims_mask(const char* name, const Tensor& x, const std::vector<int64_t>& dims) {
  const int64_t r = x.dim();
  std::vector<bool> mask(static_cast<size_t>(r), dims.empty());  // no dims: all, as torch
  for (int64_t d : dims) {
    const int64_t k = d < 0 ? d + r : d;
    UPRES_CHECK(k >= 0 && k < r, name, ": dim ", d, " is out of range for input ", to_string(x.shape()),
                " (", r, " dimensions)");
    UPRES_CHECK(!mask[static_cast<size_t>(k)], name, ": dim ", d, " is listed twice for input ",
                to_string(x.shape()));
    mask[static_cast<size_t>(k)] = true;
  }
  return mask;
}

Shape reduced_shape(const Shape& in, const std::vector<bool>& mask, bool keepdim) {
  Shape out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (!mask[i]) out.push_back(in[i]);
    else if (keepdim) out.push_back(1);
  }
  return out;
}

int64_t reduced_count(const Shape& in, const std::vector<bool>& mask) {
  int64_t n = 1;
  for (size_t i = 0; i < in.size(); ++i)
    if (mask[i]) n *= in[i];
  return n;
}

}  // namespace

Tensor sum(const Tensor& x) {
  std::vector<bool> all(static_cast<size_t>(x.dim()), true);
  return reduce_impl("sum", x, all, 1.0f, {});
}

Tensor mean(const Tensor& x) {
  std::vector<bool> all(static_cast<size_t>(x.dim()), true);
  return reduce_impl("mean", x, all, 1.0f / static_cast<float>(x.numel()), {});
}

Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  common_device("sum", {&x});
  std::vector<bool> mask = dims_mask("sum", x, dims);
  return reduce_impl("sum", x, mask, 1.0f, reduced_shape(x.shape(), mask, keepdim));
}

Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  common_device("mean", {&x});
  std::vector<bool> mask = dims_mask("mean", x, dims);
  const float scale = 1.0f / static_cast<float>(reduced_count(x.shape(), mask));
  return reduce_impl("mean", x, mask, scale, reduced_shape(x.shape(), mask, keepdim));
}

namespace {

enum class Loss { l1, mse };

Tensor pixel_loss(const char* name, Loss kind, const Tensor& a, const Tensor& b, Reduction r) {
  Device dev = common_device(name, {&a, &b});
  UPRES_CHECK(a.shape() == b.shape(), name, ": input ", to_string(a.shape()), " and target ",
              to_string(b.shape()), " must have the same shape");
  const int64_t n = a.numel();
  const float scale = r == Reduction::mean ? 1.0f / static_cast<float>(n) : 1.0f;
  Tensor y = Tensor::empty({}, dev);
  if (kind == Loss::l1) UPRES_DISPATCH_ALL(dev, l1_loss_forward, n, a.data(), b.data(), scale, y.data());
  else UPRES_DISPATCH_ALL(dev, mse_loss_forward, n, a.data(), b.data(), scale, y.data());
  const bool need_a = a.requires_grad(), need_b = b.requires_grad();
  Tensor as = a.detach(), bs = b.detach();
  return record(y, name, {a, b}, [=](const Tensor& gy) {
    Tensor ga = need_a ? Tensor::empty(as.shape(), as.device()) : Tensor();
    Tensor gb = need_b ? Tensor::empty(bs.shape(), bs.device()) : Tensor();
    float* pa = need_a ? ga.data() : nullptr;
    float* pb = need_b ? gb.data() : nullptr;
    if (kind == Loss::l1) UPRES_DISPATCH_ALL(as.device(), l1_loss_backward, n, as.data(), bs.data(), gy.data(), scale, pa, pb);
    else UPRES_DISPATCH_ALL(as.device(), mse_loss_backward, n, as.data(), bs.data(), gy.data(), scale, pa, pb);
    return std::vector<Tensor>{ga, gb};
  });
}

}  // namespace

Tensor l1_loss(const Tensor& a, const Tensor& b, Reduction r) { return pixel_loss("l1_loss", Loss::l1, a, b, r); }
Tensor mse_loss(const Tensor& a, const Tensor& b, Reduction r) { return pixel_loss("mse_loss", Loss::mse, a, b, r); }

}  // namespace upres
