// resize.h - the geometry of one separable resampling pass, shared by every backend.
//
// A 2-D resize (MATLAB's imresize) is two 1-D passes: one along the width, one
// along the height. In a pass each output sample is a weighted sum of `taps`
// input samples along the resized axis:
//   out[o] = sum_k weight[o * taps + k] * in[index[o * taps + k]]
// The index/weight table (one row per output position) is computed once on the
// host (engine/resize_weights.h: resize_weights) and is the same for every row and plane,
// so the kernel itself is a plain gather-multiply-add with no boundary logic:
// the table already holds the mirrored ("symmetric") indices.
#pragma once

#include <cstdint>

namespace upres::kern {

struct ResizeShape {
  int64_t planes = 1;       // N * C
  int64_t in_h = 1, in_w = 1;
  int64_t out_h = 1, out_w = 1;  // a width pass has out_h == in_h, a height pass out_w == in_w
  int64_t taps = 1;         // table entries per output position

  // Multiply-adds of the pass (one per tap per output sample).
  double macs() const { return double(planes) * out_h * out_w * taps; }
};

// The shape of a pass's backward: the same gather with input and output swapped, on the
// transposed table of `taps_t` entries per input position (engine/resize_weights.h).
inline ResizeShape transposed_pass(const ResizeShape& s, int64_t taps_t) {
  ResizeShape t;
  t.planes = s.planes;
  t.in_h = s.out_h;
  t.in_w = s.out_w;
  t.out_h = s.in_h;
  t.out_w = s.in_w;
  t.taps = taps_t;
  return t;
}

}  // namespace upres::kern
