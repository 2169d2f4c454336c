// shapes/elementwise.h - how a binary op walks two broadcast operands.
//
// NumPy broadcasting aligns shapes on the right; a size-1 (or missing) dim of an
// operand is stretched by giving it stride 0. Before a kernel runs, adjacent dims
// that the two operands walk "the same way" are merged, so the common SR cases
// collapse to very short descriptions:
//
//   same shape        [N,C,H,W] op [N,C,H,W]  ->  1 dim  [NCHW],      strides a 1, b 1
//   scalar            [N,C,H,W] op []         ->  1 dim  [NCHW],      strides a 1, b 0
//   per-channel       [N,C,H,W] op [1,C,1,1]  ->  3 dims [N, C, HW],  b strides 0, 1, 0
//   per-row           [N,C,H,W] op [1,1,1,W]  ->  2 dims [NCH, W],    b strides 0, 1
//
// The kernel then runs an inner loop over the last dim (stride 0 or 1 for each
// operand, both specialised) under an odometer over the others. The struct is
// backend-neutral: the CUDA kernels take the same description.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace upres::kern {

constexpr int kMaxDims = 8;  // more dims than any SR tensor needs, after merging

enum class BinaryOp : int { add, sub, mul, div };

struct BroadcastShape {
  int ndim = 0;                  // after merging; 0 means a single element
  int64_t size[kMaxDims] = {};   // output sizes
  int64_t a_stride[kMaxDims] = {};  // in elements; 0 where a is broadcast
  int64_t b_stride[kMaxDims] = {};
  int64_t numel = 1;
};

// Builds the merged description of `a op b -> out`. `out` must be the broadcast
// shape of a and b (the caller checks that and reports errors). Returns false if
// more than kMaxDims dims remain after merging (impossible for ranks <= 8).
inline bool make_broadcast(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                           const std::vector<int64_t>& out, BroadcastShape* s) {
  const std::size_t r = out.size();
  // Right-aligned sizes of each operand (1 where it has no such dim).
  std::vector<int64_t> sa(r, 1), sb(r, 1), st_a(r, 0), st_b(r, 0);
  for (std::size_t i = 0; i < a.size(); ++i) sa[r - a.size() + i] = a[i];
  for (std::size_t i = 0; i < b.size(); ++i) sb[r - b.size() + i] = b[i];
  int64_t ka = 1, kb = 1;  // contiguous strides of a and b
  for (std::size_t i = r; i-- > 0;) {
    st_a[i] = sa[i] == 1 ? 0 : ka;
    st_b[i] = sb[i] == 1 ? 0 : kb;
    ka *= sa[i];
    kb *= sb[i];
  }
  // Merge from the right: dim i joins the dim to its right (j) when, for each
  // operand, both are broadcast (0, 0) or walking i is the same as continuing j.
  int64_t size[64], sta[64], stb[64];
  int n = 0;
  s->numel = 1;
  for (std::size_t i = r; i-- > 0;) {
    s->numel *= out[i];
    if (out[i] == 1) continue;  // size-1 dims do not move anything
    if (n > 0) {
      int j = n - 1;
      bool ok_a = st_a[i] == sta[j] * size[j];
      bool ok_b = st_b[i] == stb[j] * size[j];
      if (ok_a && ok_b) {
        size[j] *= out[i];
        continue;
      }
    }
    if (n == 64) return false;
    size[n] = out[i];
    sta[n] = st_a[i];
    stb[n] = st_b[i];
    ++n;
  }
  if (n > kMaxDims) return false;
  s->ndim = n;
  for (int k = 0; k < n; ++k) {  // back to left-to-right order
    s->size[k] = size[n - 1 - k];
    s->a_stride[k] = sta[n - 1 - k];
    s->b_stride[k] = stb[n - 1 - k];
  }
  return true;
}

// Pointwise maths with at most two float parameters (pow's exponent, clamp's bounds).
enum class UnaryOp : int { neg, square, sqrt, pow, exp, log, abs, clamp };

struct UnaryParams {
  UnaryOp op = UnaryOp::neg;
  float p0 = 0.0f;  // pow: exponent; clamp: lo
  float p1 = 0.0f;  // clamp: hi
};

// Tensor-scalar arithmetic: y = x op s (rsub: y = s - x).
enum class ScalarOp : int { add, sub, rsub, mul, div };

}  // namespace upres::kern
