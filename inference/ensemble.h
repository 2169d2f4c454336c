// ensemble.h - geometric self-ensemble ("x8"): run the network on the eight
// flips and rotations of the input, undo each on the output, and average.
//
// The eight transforms are the dihedral group of the square. Transform k
// (0..7) of an image applies, in this order:
//   bit 0: mirror left-right,   bit 1: mirror top-bottom,   bit 2: transpose (swap x and y).
// (Mirroring both ways is a rotation by 180 degrees; transpose after one mirror a
// rotation by 90.) Its inverse applies them in reverse order: transpose, then the
// mirrors (which commute). A network trained on flipped and rotated patches
// makes slightly different errors on each version of an image; the mean of the
// eight is usually 0.1 - 0.3 dB better (Timofte et al., "Seven ways to improve
// example-based single image super resolution", CVPR 2016; Lim et al., EDSR+,
// CVPRW 2017), at eight times the cost.
//
// A network that is itself equivariant (a 1x1 convolution, a symmetric kernel)
// gives the plain result.
#pragma once

#include <functional>

#include "data/image.h"

namespace upres::inference {

// Transform k (0..7) of every plane, and its inverse.
data::Image dihedral(const data::Image& img, int k);
data::Image dihedral_inverse(const data::Image& img, int k);

// mean over k of dihedral_inverse(fn(dihedral(img, k)), k).
data::Image self_ensemble(const std::function<data::Image(const data::Image&)>& fn, const data::Image& img);

}  // namespace upres::inference
