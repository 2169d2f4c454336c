// filter2d.h - the geometry of a 2-D 'valid' filter (cross-correlation) over
// padded planes, shared by every backend.
//
// The caller pads each [H, W] plane to [H + KH - 1, W + KW - 1] (with whatever
// border rule it wants: data/degrade uses reflect-101) and the kernel computes
//   y[p, i, j] = sum_{a < KH, b < KW} k[a, b] * xpad[p, i + a, j + b]
// with one KH x KW filter for every plane.
#pragma once

#include <cstdint>

namespace upres::kern {

struct Filter2dShape {
  int64_t planes = 1;
  int64_t H = 1, W = 1;    // output plane (the unpadded image)
  int64_t KH = 1, KW = 1;  // filter
  int64_t padded_h() const { return H + KH - 1; }
  int64_t padded_w() const { return W + KW - 1; }
  double macs() const { return double(planes) * H * W * KH * KW; }
};

}  // namespace upres::kern
