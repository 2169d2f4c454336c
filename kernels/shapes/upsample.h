// upsample.h - the shape of an image resize, shared by every backend.
//
// Every (batch, channel) plane of an NCHW tensor is resized independently from
// in_h x in_w to out_h x out_w, so the kernels see `planes` = N*C images.
#pragma once

#include <cstdint>

namespace upres::kern {

struct UpsampleShape {
  int64_t planes = 0;  // N * C
  int64_t in_h = 0, in_w = 0;
  int64_t out_h = 0, out_w = 0;
};

}  // namespace upres::kern
