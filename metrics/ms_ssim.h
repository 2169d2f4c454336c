// ms_ssim.h - multi-scale SSIM of Wang, Simoncelli and Bovik (2003).
//
// The image is compared at M = 5 scales; scale j + 1 is scale j averaged over
// 2x2 blocks (an odd last row/column is mirrored, output ceil(n/2), as the
// authors' msssim.m does with imfilter(ones(2)/4, 'symmetric') and (1:2:end)).
// At each scale the SSIM window statistics of metrics/ssim.h are computed
// (11x11 Gaussian, sigma 1.5, K1 = 0.01, K2 = 0.03, L = 255, 'valid'):
//   MS-SSIM = prod_{j=1}^{M-1} cs_j^{w_j} * ssim_M^{w_M}
// where cs_j is the mean contrast-structure map at scale j and ssim_M the mean
// SSIM map (luminance x contrast-structure) at the coarsest scale, as in the
// reference code; w = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333).
// Details the paper leaves open, decided here:
//   - a negative cs_j or ssim_M (anti-correlated images) is clamped to 0 before
//     the fractional power (MS-SSIM becomes 0) instead of a complex number;
//   - images too small for 5 scales (the coarsest must still hold the 11x11
//     window, so both sides >= 161 for 5 scales) use the largest M < 5 that fits,
//     with the first M weights scaled to the five weights' total (1.0001, as
//     printed in the paper; for M = 5 the weights are used unchanged); a side
//     below 11 is an error, as for SSIM. ms_ssim_scales() says which M is used;
//   - several planes (RGB): the mean of the per-plane MS-SSIMs.
#pragma once

#include "metrics/planes.h"
#include "metrics/ssim.h"

namespace upres::metrics {

// The weights of the 2003 paper, finest scale first.
inline constexpr double kMsSsimWeights[5] = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};

// How many scales (1..5) an image of width x height gets; 0 when even one does not fit.
int ms_ssim_scales(int width, int height, int window = 11);

// One plane of width x height samples.
double ms_ssim_plane(const double* x, const double* y, int width, int height, const SsimOptions& options = {});

// Mean over planes. Throws on different sizes or a side below the window.
double ms_ssim(const Planes& ref, const Planes& test, const SsimOptions& options = {});
// The same with the default options, the window statistics on another device (the 2x2 means
// between scales stay on the host: they are a few percent of the work).
double ms_ssim(const Planes& ref, const Planes& test, Device device);

}  // namespace upres::metrics
