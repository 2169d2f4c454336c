// pool.h - the shape of a 2-D pooling, shared by every backend.
//
// A square window of `kernel` x `kernel` slides with `stride` over each
// (batch, channel) plane, padded by `padding` on every side. The output sizes
// are stored (not recomputed) so the caller's formula is the only one:
// out = floor((in + 2*padding - kernel) / stride) + 1. Adaptive pooling uses
// only planes and the four sizes.
#pragma once

#include <cstdint>

namespace upres::kern {

struct PoolShape {
  int64_t planes = 0;  // N * C
  int64_t in_h = 0, in_w = 0;
  int64_t out_h = 0, out_w = 0;
  int64_t kernel = 1, stride = 1, padding = 0;
};

}  // namespace upres::kern
