// shapes/activation.h - the layout PReLU sees: x as [outer, channels, inner],
// weight[c] applied to channel c. A shared weight is channels = 1 (then
// outer = 1, inner = numel); torch.nn.PReLU(C) on [N, C, H, W] is [N, C, H*W].
#pragma once

#include <cstdint>

namespace upres::kern {

struct PreluShape {
  int64_t outer = 1;     // N
  int64_t channels = 1;  // weight elements
  int64_t inner = 1;     // H*W (or any trailing extent)
};

}  // namespace upres::kern
