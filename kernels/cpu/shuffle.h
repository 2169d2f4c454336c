// shuffle.h - pixel shuffle and its inverse, on the CPU.
//
// The index formula (PyTorch's pixel_shuffle), for i, j in [0, r):
//   high[n, c, h*r + i, w*r + j] = low[n, c*r*r + i*r + j, h, w]
// Both directions are pure permutations: every element is copied exactly once,
// so the result is bit-exact, and the backward of one is the other.
#pragma once

#include "kernels/context.h"
#include "kernels/shapes/shuffle.h"

namespace upres::cpu {

// low [n, c*r*r, h, w] -> high [n, c, h*r, w*r].
void pixel_shuffle(const kern::Context& ctx, const kern::ShuffleShape& s, const float* low, float* high);
// high [n, c, h*r, w*r] -> low [n, c*r*r, h, w].
void pixel_unshuffle(const kern::Context& ctx, const kern::ShuffleShape& s, const float* high, float* low);

}  // namespace upres::cpu
