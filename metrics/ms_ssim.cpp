// ms_ssim.cpp - the scale loop of MS-SSIM: SSIM statistics, then a 2x2 mean, five times.
#include "metrics/ms_ssim.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/dispatch.h"
#include "engine/error.h"
#include "kernels/cpu/ssim.h"

namespace upres::metrics {

int ms_ssim_scales(int width, int height, int window) {
  int m = 0;
  while (m < 5 && width >= window && height >= window) {
    ++m;
    width = (width + 1) / 2;
    height = (height + 1) / 2;
  }
  return m;
}

double ms_ssim_plane(const double* x, const double* y, int width, int height, const SsimOptions& o) {
  const int m = ms_ssim_scales(width, height, o.window);
  UPRES_CHECK(m >= 1, "ms_ssim: a ", width, "x", height, " image is smaller than the ", o.window, "x", o.window,
              " window");
  // Exponent scale: 1 for five scales (the paper's weights as printed, which sum to
  // 1.0001); with fewer, the first m weights stretched to the same total.
  double used = 0.0, total = 0.0;
  for (int j = 0; j < 5; ++j) (j < m ? used : total) += kMsSsimWeights[j];
  const double stretch = m == 5 ? 1.0 : (used + total) / used;

  std::vector<double> a(x, x + static_cast<int64_t>(width) * height), b(y, y + static_cast<int64_t>(width) * height);
  double result = 1.0;
  for (int j = 0; j < m; ++j) {
    const SsimMeans s = ssim_plane(a.data(), b.data(), width, height, o);
    const double term = j + 1 < m ? s.cs : s.ssim;
    result *= std::pow(std::max(term, 0.0), kMsSsimWeights[j] * stretch);
    if (j + 1 < m) {
      const int w2 = (width + 1) / 2, h2 = (height + 1) / 2;
      std::vector<double> a2(static_cast<size_t>(w2) * h2), b2(a2.size());
      UPRES_DISPATCH(Device::cpu, downsample_mean2, height, width, a.data(), a2.data());
      UPRES_DISPATCH(Device::cpu, downsample_mean2, height, width, b.data(), b2.data());
      a.swap(a2);
      b.swap(b2);
      width = w2;
      height = h2;
    }
  }
  return result;
}

double ms_ssim(const Planes& ref, const Planes& test, const SsimOptions& o) {
  check_same_size("ms_ssim", ref, test);
  UPRES_CHECK(ref.channels > 0, "ms_ssim: the images have no planes");
  double sum = 0.0;
  for (int c = 0; c < ref.channels; ++c) sum += ms_ssim_plane(ref.plane(c), test.plane(c), ref.width, ref.height, o);
  return sum / ref.channels;
}

double ms_ssim(const Planes& ref, const Planes& test, Device device) {
  SsimOptions o;
  o.device = device;
  return ms_ssim(ref, test, o);
}

}  // namespace upres::metrics
