// shuffle.h - the shape of a pixel shuffle, shared by every backend.
//
// Pixel shuffle (Shi et al. 2016, "sub-pixel convolution") trades channels for
// resolution: [N, C*r*r, H, W] <-> [N, C, H*r, W*r]. One struct describes both
// directions; the sizes are those of the low-resolution side.
#pragma once

#include <cstdint>

namespace upres::kern {

struct ShuffleShape {
  int64_t n = 0;  // batch
  int64_t c = 0;  // channels of the HIGH-resolution side (the low side has c*r*r)
  int64_t h = 0;  // height of the LOW-resolution side (the high side has h*r)
  int64_t w = 0;  // width of the LOW-resolution side (the high side has w*r)
  int64_t r = 1;  // upscale factor
};

}  // namespace upres::kern
