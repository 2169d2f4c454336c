// tv.h - the shape of a total-variation reduction, shared by every backend.
//
// x is `planes` consecutive planes of height x width float32 samples (an NCHW tensor with
// planes = N * C). TV_p(x) = mean over all vertical neighbour differences of |d|^p
//                          + mean over all horizontal neighbour differences of |d|^p,
// p = power (1 or 2). A plane one sample high has no vertical differences: that mean is
// taken as 0 (likewise horizontal for width 1).
#pragma once

#include <cstdint>

namespace upres::kern {

struct TvShape {
  int64_t planes = 0, height = 0, width = 0;
  int power = 2;  // 1: |d| (anisotropic TV), 2: d^2
};

// The forward's workspace: 2 doubles (vertical and horizontal sums) per partial sum; the
// reduction never uses more than kTvMaxPartials partials, whatever the backend.
constexpr int64_t kTvMaxPartials = 256;
constexpr int64_t kTvWorkspaceDoubles = 2 * kTvMaxPartials;

}  // namespace upres::kern
