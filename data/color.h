// color.h - the YCbCr colour space of super-resolution papers (ITU-R BT.601,
// "studio swing", as MATLAB's rgb2ycbcr).
//
// For R, G, B in [0, 1] and Y, Cb, Cr in 8-bit units [0, 255]:
//   Y  =  16 + ( 65.481 R + 128.553 G +  24.966 B)
//   Cb = 128 + (-37.797 R -  74.203 G + 112.000 B)
//   Cr = 128 + (112.000 R -  93.786 G -  18.214 B)
// so for 8-bit inputs R8 = 255 R: Y = 16 + (65.481 R8 + 128.553 G8 + 24.966 B8) / 255.
// Y spans [16, 235], Cb and Cr [16, 240]. upres stores every plane divided by
// 255 (Y of white is 235/255), so images stay in [0, 1]. ycbcr_to_rgb applies
// the exact inverse matrix (computed in double) and does not clamp.
//
// SR networks are usually trained and judged on Y alone: the eye is most
// sensitive to luma, and chroma is upscaled with plain bicubic interpolation.
#pragma once

#include "data/image.h"

namespace upres::data {

// Y of one pixel; inputs and output in [0, 1] (output = Y_8bit / 255).
inline double luma_bt601(double r, double g, double b) {
  return (16.0 + 65.481 * r + 128.553 * g + 24.966 * b) / 255.0;
}

// 3 channels (RGB) or 4 (RGBA, alpha ignored) -> 1 channel Y.
// A 1-channel (grey) image is returned as is: grey is taken to be Y already
// (the convention of most SR evaluation code for greyscale images).
Image rgb_to_y(const Image& rgb);
// 3 channels RGB -> 3 channels Y, Cb, Cr (all / 255).
Image rgb_to_ycbcr(const Image& rgb);
// 3 channels Y, Cb, Cr (all / 255) -> RGB, not clamped.
Image ycbcr_to_rgb(const Image& ycbcr);

}  // namespace upres::data
