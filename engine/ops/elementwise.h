// elementwise.h - arithmetic with broadcasting, scalar ops and pointwise maths.
//
// Binary ops follow NumPy/PyTorch broadcasting: shapes are aligned on the right
// and a size-1 dimension (or a missing one) stretches to match. The common cases
// in SR are a per-channel term ([C, 1, 1] or [1, C, 1, 1] against [N, C, H, W];
// a bare [C] aligns with W, as in NumPy) and a scalar tensor. The backward of a
// broadcast input sums the gradient over the dimensions it was stretched along.
#pragma once

#include "engine/tensor.h"

namespace upres {

Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
// The shape two broadcast operands produce; throws naming both shapes if they do not broadcast.
Shape broadcast_shape(const char* op, const Shape& a, const Shape& b);
// Sum `g` down to `shape` over the dimensions broadcasting stretched (the backward of broadcasting).
Tensor sum_to(const Tensor& g, const Shape& shape);
// Stretch `x` to `shape` (x must broadcast to it) into a new tensor (x itself when
// the shapes already agree): torch's x.expand(shape), copied. Backward: sum_to.
Tensor expand(const Tensor& x, const Shape& shape);

// Tensor-scalar ops.
Tensor add(const Tensor& a, float s);
Tensor sub(const Tensor& a, float s);
Tensor rsub(float s, const Tensor& a);  // s - a
Tensor mul(const Tensor& a, float s);
Tensor div(const Tensor& a, float s);
Tensor neg(const Tensor& a);

// Pointwise maths.
Tensor square(const Tensor& a);
Tensor sqrt(const Tensor& a);
Tensor pow(const Tensor& a, float exponent);  // a must be > 0 unless exponent is an integer
Tensor exp(const Tensor& a);
Tensor log(const Tensor& a);
Tensor abs(const Tensor& a);  // gradient 0 at 0, as PyTorch
// clamp: gradient 1 strictly inside (lo, hi), 0 at the bounds and outside, as
// torch.clamp with scalar bounds (PyTorch 2.x; 1.x passed it at the bounds too).
Tensor clamp(const Tensor& a, float lo, float hi);

inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
inline Tensor operator+(const Tensor& a, float s) { return add(a, s); }
inline Tensor operator-(const Tensor& a, float s) { return sub(a, s); }
inline Tensor operator*(const Tensor& a, float s) { return mul(a, s); }
inline Tensor operator*(float s, const Tensor& a) { return mul(a, s); }
inline Tensor operator/(const Tensor& a, float s) { return div(a, s); }
inline Tensor operator-(const Tensor& a) { return neg(a); }

}  // namespace upres
