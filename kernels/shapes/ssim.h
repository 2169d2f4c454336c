// ssim.h - the shape of a sliding-window image statistic, shared by every backend.
//
// SSIM, MS-SSIM, VIF and IFC all look at an image through a small separable
// window (a Gaussian of `taps` x `taps` samples) that slides over one plane of
// height x width samples without padding ('valid' filtering): the output plane
// has (height - taps + 1) x (width - taps + 1) samples, one per window position
// that lies wholly inside the image. The caller checks taps <= height, width.
// `planes` such planes may lie one after another in memory (a batch of N x C
// planes of an NCHW tensor); the outputs then lie one after another too, each
// out_height() x out_width(). One plane (the default) is the metrics' case.
#pragma once

#include <cstdint>

#include "kernels/shapes/host_device.h"

namespace upres::kern {

struct WindowShape {
  int64_t height = 0, width = 0;  // the input plane
  int64_t taps = 1;               // window side; the 1-D weights are applied along rows, then columns
  int64_t planes = 1;             // consecutive planes of height x width
  int64_t out_height() const { return height - taps + 1; }
  int64_t out_width() const { return width - taps + 1; }
  int64_t out_plane() const { return out_height() * out_width(); }  // positions per plane
};

// The two per-element steps of the SSIM gradient (formulas in kernels/cpu/ssim.h),
// called by the CPU loops and the CUDA kernels alike so that both sum in the same
// order: the direct k x k sum with w = g[i] g[j].
//
// Step 1, window position p (over all planes): the moments of x and y under the
// window, then the coefficients a[p], b[p], c[p] of dSSIM/dx at that position.
UPRES_HOST_DEVICE inline void ssim_coefficients_at(const WindowShape& s, const double* g, double c1, double c2,
                                                   const double* x, const double* y, int64_t p, double* a, double* b,
                                                   double* c) {
  const int64_t H = s.height, W = s.width, k = s.taps, oh = H - k + 1, ow = W - k + 1;
  const int64_t plane = p / (oh * ow), oy = (p / ow) % oh, ox = p % ow;
  const double* xp = x + plane * H * W;
  const double* yp = y + plane * H * W;
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < k; ++j) {
      const double w = g[i] * g[j];
      const double u = xp[(oy + i) * W + ox + j], v = yp[(oy + i) * W + ox + j];
      sx += w * u;
      sy += w * v;
      sxx += w * u * u;
      syy += w * v * v;
      sxy += w * u * v;
    }
  const double vx = sxx - sx * sx, vy = syy - sy * sy, cov = sxy - sx * sy;
  const double a1 = 2.0 * sx * sy + c1, b1 = sx * sx + sy * sy + c1;
  const double a2 = 2.0 * cov + c2, b2 = vx + vy + c2;
  const double l = a1 / b1, cs = a2 / b2;
  const double d_mu = 2.0 * cs * (sy - l * sx) / b1;
  const double d_var = -l * cs / b2;
  const double d_cov = 2.0 * l / b2;
  a[p] = d_mu - 2.0 * sx * d_var - sy * d_cov;
  b[p] = d_var;
  c[p] = d_cov;
}

// Step 2, pixel q: gather a, b, c from every position whose window covers q (the
// transpose of the filter; no atomics), times 1 / (number of positions) = inv_m.
UPRES_HOST_DEVICE inline double ssim_gather_at(const WindowShape& s, const double* g, double inv_m, const double* x,
                                               const double* y, const double* a, const double* b, const double* c,
                                               int64_t q) {
  const int64_t H = s.height, W = s.width, k = s.taps, oh = H - k + 1, ow = W - k + 1;
  const int64_t plane = q / (H * W), qy = (q / W) % H, qx = q % W;
  const int64_t base = plane * oh * ow;
  double ga = 0, gb = 0, gc = 0;
  for (int64_t i = 0; i < k; ++i) {
    const int64_t py = qy - i;  // the position row whose window row i is qy
    if (py < 0 || py >= oh) continue;
    for (int64_t j = 0; j < k; ++j) {
      const int64_t px = qx - j;
      if (px < 0 || px >= ow) continue;
      const double w = g[i] * g[j];
      const int64_t p = base + py * ow + px;
      ga += w * a[p];
      gb += w * b[p];
      gc += w * c[p];
    }
  }
  return inv_m * (ga + 2.0 * x[q] * gb + y[q] * gc);
}

}  // namespace upres::kern
