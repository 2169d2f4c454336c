// metrics.h - the five full-reference metrics of upres in one call.
//
// evaluate() applies the protocol (metrics/planes.h: Y or colour planes, border
// shave, float64 on [0, 255]) to both images and returns PSNR (peak 255),
// SSIM, MS-SSIM, VIFp and IFCp; each function's header names its exact variant.
#pragma once

#include "data/image.h"
#include "metrics/planes.h"

namespace upres::metrics {

struct Scores {
  double psnr = 0, ssim = 0, ms_ssim = 0, vif = 0, ifc = 0;
};

Scores evaluate(const Planes& ref, const Planes& test);
// Throws upres::Error naming both sizes when the images differ in width, height or channels.
Scores evaluate(const data::Image& ref, const data::Image& test, const Protocol& protocol);

}  // namespace upres::metrics
