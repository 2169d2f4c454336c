// vif.h - the per-position terms of VIF and IFC, on the CPU.
//
// Both metrics model the test image as the reference through a channel
// y = g x + v (a local gain g and additive Gaussian noise of variance sv) and
// ask how much information about the source each image carries. From the local
// moments of the reference x and the test y under a window (kernels/cpu/ssim.h):
//   g  = cov / var_x            sv = var_y - g cov
// with the guards of Sheikh & Bovik's pixel-domain reference code (eps = 1e-10):
// negative variances become 0; where var_x < eps: g = 0, sv = var_y, var_x = 0;
// where var_y < eps: g = 0, sv = 0; where g < 0: sv = var_y, g = 0; finally
// sv = max(sv, eps). Then per position
//   VIF numerator    log10(1 + g^2 var_x / (sv + sigma_nsq))   information in the test image
//   VIF denominator  log10(1 + var_x / sigma_nsq)              information in the reference
//   IFC              0.5 log2(1 + g^2 var_x / sv)              bits, no visual noise
// sigma_nsq is the variance of the "neural noise" of the visual system (2 in the
// reference code, for samples in [0, 255]).
#pragma once

#include <cstdint>

#include "kernels/context.h"

namespace upres::cpu {

// n positions. num, den and ifc are per-position outputs; any may be null.
// Napkin math: ~20 flops and 3 logarithms per position, 24 bytes in: compute bound on the logs.
void vif_terms(const kern::Context& ctx, int64_t n, double sigma_nsq, const double* var_x, const double* var_y,
               const double* cov, double* num, double* den, double* ifc);

}  // namespace upres::cpu
