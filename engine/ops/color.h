// color.h - BT.601 colour conversion of image tensors as differentiable ops (the Y channel on
// which super-resolution is trained and judged; MATLAB's rgb2ycbcr / ycbcr2rgb).
//
// Tensors are [N, 3, H, W] (or [N, 1, H, W] for Y) with RGB in [0, 1] and Y, Cb, Cr in 8-bit
// units divided by 255 - exactly the formulas of data/color.h, computed per pixel in double and
// rounded once (kernels/shapes/color.h), so an op on a one-image batch gives the same floats as
// data::rgb_to_ycbcr & co. Each is an affine map; its gradient is the transposed matrix.
#pragma once

#include "engine/tensor.h"

namespace upres {

// [N, 3, H, W] RGB -> [N, 3, H, W] Y, Cb, Cr (/ 255).
Tensor rgb_to_ycbcr(const Tensor& rgb);
// [N, 3, H, W] Y, Cb, Cr (/ 255) -> RGB, not clamped.
Tensor ycbcr_to_rgb(const Tensor& ycbcr);
// [N, 3, H, W] RGB -> [N, 1, H, W] Y (/ 255).
Tensor rgb_to_y(const Tensor& rgb);

}  // namespace upres
