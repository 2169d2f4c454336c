// vif.h - visual information fidelity (VIF) and the information fidelity criterion (IFC).
//
// VIF here is VIFp, the PIXEL-DOMAIN VIF of Sheikh & Bovik ("Image information and
// visual quality", IEEE TIP 2006; their vifp_mscale.m), not the wavelet-domain
// VIF with the steerable pyramid. Four scales s = 1..4 with a Gaussian window of
// N = 2^(5-s) + 1 taps (17, 9, 5, 3) and sigma N/5; before scale s > 1 both images
// are filtered with that scale's window ('valid') and every second row and column
// is kept (rows/columns 0, 2, 4, ...). At each scale the local moments under the
// window ('valid') feed the channel model of kernels/cpu/vif.h with the reference
// code's guards and sigma_nsq = 2 (its default, for samples in [0, 255]):
//   VIF = sum_{scales, positions} log10(1 + g^2 var_x / (sv + sigma_nsq))
//       / sum_{scales, positions} log10(1 + var_x / sigma_nsq)
// Identical images give 1 (to ~1e-10: the guards add 1e-10 to variances), a
// contrast-enhanced image can exceed 1. A scale whose window does not fit the
// (downsampled) image contributes nothing, as MATLAB's empty 'valid' filter2
// (scipy-based ports differ there; images of 41 x 41 or more use all four scales).
//
// IFC here is upres's PIXEL-DOMAIN IFC ("IFCp"): the information fidelity
// criterion of Sheikh, Bovik & de Veciana (IEEE TIP 2005) with the scalar
// Gaussian-scale-mixture channel, evaluated on the same four-scale Gaussian
// decomposition and local moments as VIFp instead of the paper's steerable
// pyramid (4 scales x 6 orientations, 3x3 vector neighbourhoods). So its values
// are NOT those of the authors' ifcvec.m; they rank distortions the same way in
// spirit (more bits = more fidelity) and are cheap. Per position, in bits:
//   IFC = sum_{scales, positions} 0.5 log2(1 + g^2 var_x / sv)
// (the mutual information of the paper's eq. for one scalar coefficient, no
// visual noise; sv >= 1e-10). It grows with the image size and is unbounded;
// identical images give a large finite value (sv is clamped to 1e-10).
//
// Several planes (RGB): the mean of the per-plane VIFs (as the sewar package's
// vifp) and the mean of the per-plane IFCs. Everything in float64.
#pragma once

#include "metrics/planes.h"

namespace upres::metrics {

inline constexpr double kVifSigmaNsq = 2.0;

// Sums over the four scales of one plane: VIF numerator and denominator, IFC bits.
struct VifSums {
  double num = 0.0, den = 0.0, ifc = 0.0;
};
VifSums vif_sums_plane(const double* x, const double* y, int width, int height, double sigma_nsq = kVifSigmaNsq);

// VIFp, mean over planes. A plane whose denominator is 0 (a perfectly flat
// reference: no information to lose) scores 1 if the test is identical, else 0.
double vif(const Planes& ref, const Planes& test, double sigma_nsq = kVifSigmaNsq);
// IFCp in bits, mean over planes.
double ifc(const Planes& ref, const Planes& test);

}  // namespace upres::metrics
