// imresize.h - MATLAB-style resizing of image tensors as a differentiable op: the bicubic
// (Keys a = -0.5, antialiased when shrinking) resize that makes the low-resolution inputs of SR
// benchmarks, so degradations can run on a device and inside a graph.
//
// The algorithm is data/resize.h's (imresize.m): two separable passes with host-computed weight
// tables (engine/resize_weights.h), the dimension with the smaller scale first (the height on
// ties), scales out/in per axis. On float data the result equals data::imresize of the same
// image to the bit on cpu and simt; rounding to uint8 levels between passes stays a data/
// concern. Differentiable: the backward of each pass is the gather on the transposed table.
#pragma once

#include <cstdint>

#include "engine/resize_weights.h"
#include "engine/tensor.h"

namespace upres {

// x [N, C, H, W] -> [N, C, out_h, out_w].
Tensor imresize(const Tensor& x, int64_t out_h, int64_t out_w, ResizeKernelKind kernel = ResizeKernelKind::bicubic,
                bool antialias = true);

}  // namespace upres
