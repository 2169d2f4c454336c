// psnr.h - peak signal-to-noise ratio, the field's first number.
//
//   PSNR = 10 log10(peak^2 / MSE),   MSE = mean of (ref - test)^2 over every sample
// of every plane (for RGB the squared errors of all three planes are averaged
// together, as MATLAB's psnr and scikit-image do; not the mean of three PSNRs).
// Computed in float64 on the [0, 255] scale of metrics/planes.h, so peak = 255 for
// 8-bit data. Identical images (MSE = 0) give +infinity, as in MATLAB and
// scikit-image; callers that print JSON must map it (the CLI writes null).
#pragma once

#include "metrics/planes.h"

namespace upres::metrics {

double mse(const Planes& ref, const Planes& test);
double psnr(const Planes& ref, const Planes& test, double peak = 255.0);

}  // namespace upres::metrics
