// structural.h - losses on image structure rather than pixel values.
//
//   tv_loss    total variation of the SR image alone, a smoothness prior
//              (engine op total_variation, engine/ops/tv.h; l1 = anisotropic
//              mean |differences|, l2 = mean squared differences)
//   ssim_loss  1 - SSIM(SR, HR), mean SSIM with Wang et al.'s 11x11 Gaussian
//              window (engine op ssim, engine/ops/ssim.h), data range 1
#pragma once

#include <string>

#include "engine/tensor.h"

namespace upres::losses {

enum class TvNorm { l1, l2 };
Tensor tv_loss(const Tensor& x, TvNorm norm = TvNorm::l2);
Tensor ssim_loss(const Tensor& x, const Tensor& y);

}  // namespace upres::losses
