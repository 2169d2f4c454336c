// ssim.h - the structural similarity index of Wang, Bovik, Sheikh and Simoncelli (2004).
//
// Exactly the variant of the paper's reference code (ssim_index.m) and of
// DESIGN.md's evaluation protocol:
//   - window: 11 x 11 Gaussian, sigma 1.5, normalised to sum 1;
//   - local moments with weights (population variance/covariance, not N - 1);
//   - C1 = (K1 L)^2, C2 = (K2 L)^2 with K1 = 0.01, K2 = 0.03, L = 255 (8-bit data);
//   - 'valid' filtering: only window positions wholly inside the image;
//   - SSIM = mean of the SSIM map; for several planes (RGB) the mean of the
//     per-plane SSIMs; no downsampling of large images (the 2004 code's optional
//     automatic downsampling is not applied); float64 throughout.
// It equals scikit-image's structural_similarity(gaussian_weights=True, sigma=1.5,
// use_sample_covariance=False, data_range=255), which the fixture checks.
// The moments and map are the kernels of kernels/cpu/ssim.h.
#pragma once

#include "engine/device.h"
#include "metrics/planes.h"

namespace upres::metrics {

struct SsimOptions {
  double data_range = 255.0;  // L
  double k1 = 0.01, k2 = 0.03;
  int window = 11;            // taps of the Gaussian window
  double sigma = 1.5;
  // Where the window statistics run (kernels/cpu/ssim.h or kernels/cuda/ssim.h): the planes
  // are copied there and the maps back; the means are summed on the host in the same order
  // for every device, so cpu and simt agree to ~1e-15 (cuda: the same, up to FMA contraction).
  Device device = Device::cpu;
};

// Means of the SSIM map and of its contrast-structure factor cs over one plane.
struct SsimMeans {
  double ssim = 0.0, cs = 0.0;
};
// One plane of width x height samples. Throws upres::Error when the window does
// not fit (a side smaller than options.window).
SsimMeans ssim_plane(const double* x, const double* y, int width, int height, const SsimOptions& options = {});

// Mean over planes of the mean SSIM map. Throws on different sizes or too small images.
double ssim(const Planes& ref, const Planes& test, const SsimOptions& options = {});
// The same with the default options on another device: metrics::ssim(ref, test, Device::cuda).
double ssim(const Planes& ref, const Planes& test, Device device);

}  // namespace upres::metrics
