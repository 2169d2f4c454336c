// shapes/shape.h - descriptions of the data-movement kernels.
//
// CopyShape: a 3-D strided block copy, dst[p][r][c] = src[p][r][c] with each
// side's own plane and row strides (the column stride is 1). It is every slicing
// op of the engine:
//   concat / split / narrow along dim d of a tensor seen as [outer, size_d, inner]:
//     planes = 1, rows = outer, cols = len * inner, row strides size_d * inner
//   crop of [P, H, W] to [P, h, w] at (top, left):
//     planes = P, rows = h, cols = w, src offset top * W + left
//
// PadShape: pad the last two dims of x seen as [planes, h, w] to
// [planes, top + h + bottom, left + w + right].
#pragma once

#include <cstdint>

namespace upres::kern {

struct CopyShape {
  int64_t planes = 1, rows = 1, cols = 1;
  int64_t src_plane_stride = 0, src_row_stride = 0;
  int64_t dst_plane_stride = 0, dst_row_stride = 0;
};

enum class PadMode : int { zero, reflect, replicate };

struct PadShape {
  int64_t planes = 1, h = 1, w = 1;
  int64_t top = 0, bottom = 0, left = 0, right = 0;  // all >= 0
  PadMode mode = PadMode::zero;
  float value = 0.0f;  // the constant of zero mode
  int64_t out_h() const { return h + top + bottom; }
  int64_t out_w() const { return w + left + right; }
};

// Source index of padded index i (0 <= i < n + before + after) along a dim of size n,
// or -1 where zero padding puts the constant. reflect needs before, after < n.
inline int64_t pad_source(int64_t i, int64_t n, int64_t before, PadMode mode) {
  int64_t s = i - before;
  if (s >= 0 && s < n) return s;
  switch (mode) {
    case PadMode::zero: return -1;
    case PadMode::replicate: return s < 0 ? 0 : n - 1;
    case PadMode::reflect: return s < 0 ? -s : 2 * (n - 1) - s;  // mirror about the edge pixel
  }
  return -1;
}

}  // namespace upres::kern
