// ssim.h - the shape of a sliding-window image statistic, shared by every backend.
//
// SSIM, MS-SSIM, VIF and IFC all look at an image through a small separable
// window (a Gaussian of `taps` x `taps` samples) that slides over one plane of
// height x width samples without padding ('valid' filtering): the output plane
// has (height - taps + 1) x (width - taps + 1) samples, one per window position
// that lies wholly inside the image. The caller checks taps <= height, width.
// `planes` such planes may lie one after another in memory (a batch of N x C
// planes of an NCHW tensor); the outputs then lie one after another too, each
// out_height() x out_width(). One plane (the default) is the metrics' case.
#pragma once

#include <cstdint>

namespace upres::kern {

struct WindowShape {
  int64_t height = 0, width = 0;  // the input plane
  int64_t taps = 1;               // window side; the 1-D weights are applied along rows, then columns
  int64_t planes = 1;             // consecutive planes of height x width
  int64_t out_height() const { return height - taps + 1; }
  int64_t out_width() const { return width - taps + 1; }
  int64_t out_plane() const { return out_height() * out_width(); }  // positions per plane
};

}  // namespace upres::kern
