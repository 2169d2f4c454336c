// norm.h - the shape of a batch normalisation, shared by every backend.
//
// Batch norm reduces over N, H and W separately for each channel, so an NCHW
// tensor is seen as n blocks of [c, hw]: element (i, ch, p) sits at
// (i * c + ch) * hw + p. Each channel has count = n * hw values.
#pragma once

#include <cstdint>

namespace upres::kern {

struct BatchNormShape {
  int64_t n = 0;   // batch
  int64_t c = 0;   // channels (one statistic each)
  int64_t hw = 0;  // H * W
};

}  // namespace upres::kern
