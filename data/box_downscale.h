// box_downscale.h - shrink an image by an integer factor by averaging each
// factor x factor block (a box filter). This is NOT the MATLAB bicubic
// (imresize) degradation of SR papers; it is a simple, exact, well-defined
// stand-in for making low-resolution training and test inputs until
// data/resize provides imresize. Models trained on box-downscaled inputs are
// documented as such.
#pragma once

#include "data/image.h"

namespace upres::data {

// Crops to a multiple of `factor` (modcrop), then averages blocks:
// out(c, y, x) = mean of in(c, factor*y + i, factor*x + j), 0 <= i, j < factor.
Image box_downscale(const Image& img, int factor);

}  // namespace upres::data
