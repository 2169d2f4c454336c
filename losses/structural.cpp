// structural.cpp - TV and SSIM losses on the engine ops total_variation and ssim.
#include "losses/structural.h"

#include "engine/ops.h"
#include "engine/ops/ssim.h"
#include "engine/ops/tv.h"

namespace upres::losses {

Tensor tv_loss(const Tensor& x, TvNorm norm) {
  return total_variation(x, norm == TvNorm::l1 ? TvKind::l1 : TvKind::l2);
}

// ssim() differentiates with respect to its first argument only; the HR target
// must not require grad.
Tensor ssim_loss(const Tensor& x, const Tensor& y) { return rsub(1.0f, ssim(x, y, 1.0)); }

}  // namespace upres::losses
