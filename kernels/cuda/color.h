// color.h - per-pixel colour transforms (BT.601 RGB <-> YCbCr and their gradients) on the GPU
// backends (cuda, simt). Same signature and formula as kernels/cpu/color.h: double arithmetic
// in the order of kernels/shapes/color.h, one rounding to float. Under simt the result is
// bit-identical to cpu; nvcc may contract the double multiply-adds into FMAs, which can move
// the float result by 1 ulp.
#pragma once

#include "kernels/context.h"
#include "kernels/cuda/declare.h"
#include "kernels/shapes/color.h"

UPRES_DECLARE_GPU_KERNELS(
void color_transform(const kern::Context& ctx, const kern::ColorTransform& t, const float* x, float* y);
)
