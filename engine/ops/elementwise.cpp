// elementwise.cpp - arithmetic with broadcasting, scalar ops and pointwise maths.
//
// Binary ops: the output takes the broadcast shape; the backward computes the
// local gradient at the output shape and sums it down to each operand's shape
// (sum_to), which is where a [C] bias collects the gradient of all N*H*W pixels.
// add/sub pass the gradient through (no copy when no broadcasting happened).
#include "engine/ops/elementwise.h"

#include <algorithm>

#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/reduce.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/reduce.h"

namespace upres {

using kern::BinaryOp;
using kern::ScalarOp;
using kern::UnaryOp;

Shape broadcast_shape(const char* op, const Shape& a, const Shape& b) {
  const size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    UPRES_CHECK(da == db || da == 1 || db == 1, op, ": shapes ", to_string(a), " and ", to_string(b),
                " do not broadcast (aligned on the right, dim ", i, " has sizes ", da, " and ", db,
                "; each pair must be equal or contain a 1)");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

namespace {

kern::BroadcastShape broadcast_desc(const char* op, const Shape& a, const Shape& b, const Shape& out) {
  kern::BroadcastShape s;
  UPRES_CHECK(kern::make_broadcast(a, b, out, &s), op, ": shapes ", to_string(a), " and ", to_string(b),
              " need more than ", kern::kMaxDims, " dimensions after merging");
  return s;
}

}  // namespace

Tensor expand(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  UPRES_CHECK(broadcast_shape("expand", x.shape(), shape) == shape, "expand: cannot stretch ",
              to_string(x.shape()), " to ", to_string(shape));
  kern::BroadcastShape s = broadcast_desc("expand", x.shape(), {}, shape);
  Tensor y = Tensor::empty(shape, x.device());
  UPRES_DISPATCH_ALL(x.device(), broadcast_copy, s, x.data(), y.data());
  Shape from = x.shape();
  return record(y, "expand", {x}, [from](const Tensor& gy) { return std::vector<Tensor>{sum_to(gy, from)}; });
}

namespace {

Tensor binary(const char* name, BinaryOp op, const Tensor& a, const Tensor& b) {
  Device dev = common_device(name, {&a, &b});
  const Shape out = broadcast_shape(name, a.shape(), b.shape());
  const kern::BroadcastShape s = broadcast_desc(name, a.shape(), b.shape(), out);
  Tensor y = Tensor::empty(out, dev);
  UPRES_DISPATCH_ALL(dev, binary_forward, op, s, a.data(), b.data(), y.data());
  if (!needs_grad({&a, &b})) return y;

  const bool need_a = a.requires_grad(), need_b = b.requires_grad();
  const Shape sa = a.shape(), sb = b.shape();
  // add/sub need no saved data; mul/div keep both operands (not the output).
  const bool save = op == BinaryOp::mul || op == BinaryOp::div;
  Tensor as = save ? a.detach() : Tensor(), bs = save ? b.detach() : Tensor();
  return record(y, name, {a, b}, [=](const Tensor& gy) {
    std::vector<Tensor> g(2);
    for (int k = 0; k < 2; ++k) {
      if (!(k == 0 ? need_a : need_b)) continue;
      const Shape& target = k == 0 ? sa : sb;
      if (op == BinaryOp::add || op == BinaryOp::sub) {
        Tensor t = sum_to(gy, target);
        g[k] = (op == BinaryOp::sub && k == 1) ? neg(t) : t;
        continue;
      }
      Tensor local = Tensor::empty(gy.shape(), gy.device());
      UPRES_DISPATCH_ALL(gy.device(), binary_backward, op, k, s, gy.data(), as.data(), bs.data(), local.data());
      g[k] = sum_to(local, target);
    }
    return g;
  });
}

Tensor scalar_op(const char* name, ScalarOp op, const Tensor& a, float v) {
  Device dev = common_device(name, {&a});
  Tensor y = Tensor::empty(a.shape(), dev);
  UPRES_DISPATCH_ALL(dev, scalar_forward, op, a.numel(), a.data(), v, y.data());
  return record(y, name, {a}, [op, v](const Tensor& gy) {
    Tensor g = gy;  // add, sub: dy/dx = 1
    if (op == ScalarOp::rsub) g = neg(gy);
    if (op == ScalarOp::mul || op == ScalarOp::div) {
      g = Tensor::empty(gy.shape(), gy.device());
      UPRES_DISPATCH_ALL(gy.device(), scalar_forward, op, gy.numel(), gy.data(), v, g.data());
    }
    return std::vector<Tensor>{g};
  });
}

Tensor unary(const char* name, kern::UnaryParams p, const Tensor& a) {
  Device dev = common_device(name, {&a});
  Tensor y = Tensor::empty(a.shape(), dev);
  UPRES_DISPATCH_ALL(dev, unary_forward, p, a.numel(), a.data(), y.data());
  // exp and sqrt differentiate from their output, the others from their input;
  // save only the one the backward reads.
  const bool from_output = p.op == UnaryOp::exp || p.op == UnaryOp::sqrt;
  Tensor saved = from_output ? y.detach() : a.detach();
  return record(y, name, {a}, [p, saved](const Tensor& gy) {
    Tensor gx = Tensor::empty(saved.shape(), saved.device());
    // The kernel reads only the operand it needs; the other pointer is a stand-in.
    UPRES_DISPATCH_ALL(saved.device(), unary_backward, p, saved.numel(), saved.data(), saved.data(),
                   gy.data(), gx.data());
    return std::vector<Tensor>{gx};
  });
}

kern::UnaryParams params(UnaryOp op, float p0 = 0.0f, float p1 = 0.0f) {
  kern::UnaryParams p;
  p.op = op;
  p.p0 = p0;
  p.p1 = p1;
  return p;
}

}  // namespace

Tensor sum_to(const Tensor& g, const Shape& shape) {
  Device dev = common_device("sum_to", {&g});
  const Shape& gs = g.shape();
  UPRES_CHECK(shape.size() <= gs.size() && broadcast_shape("sum_to", shape, gs) == gs,
              "sum_to: cannot sum ", to_string(gs), " down to ", to_string(shape),
              " (the target must broadcast to the source)");
  if (gs == shape) return g;
  const size_t lead = gs.size() - shape.size();
  std::vector<bool> reduce(gs.size());
  for (size_t i = 0; i < gs.size(); ++i) reduce[i] = i < lead || (shape[i - lead] == 1 && gs[i] != 1);
  kern::ReduceShape s;
  UPRES_CHECK(kern::make_reduce(gs, reduce, &s), "sum_to: ", to_string(gs), " has too many dimensions");
  Tensor y = Tensor::empty(shape, dev);
  UPRES_DISPATCH_ALL(dev, sum_reduce, s, 1.0f, g.data(), y.data());
  Shape from = gs;
  return record(y, "sum_to", {g}, [from](const Tensor& gy) { return std::vector<Tensor>{expand(gy, from)}; });
}

Tensor add(const Tensor& a, const Tensor& b) { return binary("add", BinaryOp::add, a, b); }
Tensor sub(const Tensor& a, const Tensor& b) { return binary("sub", BinaryOp::sub, a, b); }
Tensor mul(const Tensor& a, const Tensor& b) { return binary("mul", BinaryOp::mul, a, b); }
Tensor div(const Tensor& a, const Tensor& b) { return binary("div", BinaryOp::div, a, b); }

Tensor add(const Tensor& a, float s) { return scalar_op("add", ScalarOp::add, a, s); }
Tensor sub(const Tensor& a, float s) { return scalar_op("sub", ScalarOp::sub, a, s); }
Tensor rsub(float s, const Tensor& a) { return scalar_op("rsub", ScalarOp::rsub, a, s); }
Tensor mul(const Tensor& a, float s) { return scalar_op("mul", ScalarOp::mul, a, s); }
Tensor div(const Tensor& a, float s) { return scalar_op("div", ScalarOp::div, a, s); }

Tensor neg(const Tensor& a) { return unary("neg", params(UnaryOp::neg), a); }
Tensor square(const Tensor& a) { return unary("square", params(UnaryOp::square), a); }
Tensor sqrt(const Tensor& a) { return unary("sqrt", params(UnaryOp::sqrt), a); }
Tensor pow(const Tensor& a, float exponent) { return unary("pow", params(UnaryOp::pow, exponent), a); }
Tensor exp(const Tensor& a) { return unary("exp", params(UnaryOp::exp), a); }
Tensor log(const Tensor& a) { return unary("log", params(UnaryOp::log), a); }
Tensor abs(const Tensor& a) { return unary("abs", params(UnaryOp::abs), a); }
Tensor clamp(const Tensor& a, float lo, float hi) {
  UPRES_CHECK(!(lo > hi), "clamp: lower bound ", lo, " is above the upper bound ", hi, " (tensor ",
              a.describe(), ")");
  return unary("clamp", params(UnaryOp::clamp, lo, hi), a);
}

}  // namespace upres
