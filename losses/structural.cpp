// structural.cpp - TV and SSIM losses on the engine ops total_variation and ssim.
#include "losses/structural.h"

#include "engine/error.h"
#include "engine/ops.h"
#if __has_include("engine/ops/tv.h")
#include "engine/ops/ssim.h"
#include "engine/ops/tv.h"
#define UPRES_HAVE_TV_SSIM 1
#endif

namespace upres::losses {

Tensor tv_loss(const Tensor& x, TvNorm norm) {
#ifdef UPRES_HAVE_TV_SSIM
  return total_variation(x, norm == TvNorm::l1 ? TvKind::l1 : TvKind::l2);
#else
  (void)x, (void)norm;
  UPRES_FAIL("tv_loss: the engine op total_variation is not in this build");
#endif
}

Tensor ssim_loss(const Tensor& x, const Tensor& y) {
#ifdef UPRES_HAVE_TV_SSIM
  return rsub(1.0f, ssim(x, y, 1.0));
#else
  (void)x, (void)y;
  UPRES_FAIL("ssim_loss: the engine op ssim is not in this build");
#endif
}

}  // namespace upres::losses
