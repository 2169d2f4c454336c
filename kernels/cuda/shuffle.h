// shuffle.h - pixel shuffle and unshuffle on the GPU backends (cuda, simt).
// Same signatures and index formula as kernels/cpu/shuffle.h; results are bit-exact.
#pragma once

#include "kernels/context.h"
#include "kernels/cuda/declare.h"
#include "kernels/shapes/shuffle.h"

UPRES_DECLARE_GPU_KERNELS(
// low [n, c*r*r, h, w] -> high [n, c, h*r, w*r].
void pixel_shuffle(const kern::Context& ctx, const kern::ShuffleShape& s, const float* low, float* high);
// high [n, c, h*r, w*r] -> low [n, c*r*r, h, w].
void pixel_unshuffle(const kern::Context& ctx, const kern::ShuffleShape& s, const float* high, float* low);
)
