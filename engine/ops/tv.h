// tv.h - total variation, the smoothness prior of SR losses (losses/ builds its TV loss on it).
#pragma once

#include "engine/tensor.h"

namespace upres {

enum class TvKind { l1, l2 };

// x [N, C, H, W] -> a scalar []:
//   mean over all vertical neighbour differences of |d|^p + the same over horizontal ones,
// p = 1 (l1, anisotropic TV) or 2 (l2). A direction without differences (H == 1 or W == 1)
// contributes 0. Differentiable; the l1 gradient at d == 0 is 0 (kernels/cpu/tv.h).
Tensor total_variation(const Tensor& x, TvKind kind = TvKind::l2);

}  // namespace upres
