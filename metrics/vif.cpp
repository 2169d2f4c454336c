// vif.cpp - the four-scale Gaussian pyramid of VIFp/IFCp and the sums over it.
#include "metrics/vif.h"

#include <algorithm>
#include <vector>

#include "engine/dispatch.h"
#include "engine/error.h"
#include "kernels/cpu/ssim.h"
#include "kernels/cpu/vif.h"

namespace upres::metrics {

namespace {

// One plane of the pyramid.
struct Plane {
  int64_t width = 0, height = 0;
  std::vector<double> v;
};

// Filter with the window ('valid'), then keep rows and columns 0, 2, 4, ...
Plane filter_and_decimate(const Plane& p, const std::vector<double>& g) {
  kern::WindowShape s;
  s.height = p.height;
  s.width = p.width;
  s.taps = static_cast<int64_t>(g.size());
  Plane out;
  if (s.out_height() <= 0 || s.out_width() <= 0) return out;  // empty: later scales contribute nothing
  std::vector<double> f(static_cast<size_t>(s.out_height() * s.out_width()));
  UPRES_DISPATCH(Device::cpu, window_filter, s, g.data(), p.v.data(), f.data());
  out.height = (s.out_height() + 1) / 2;
  out.width = (s.out_width() + 1) / 2;
  out.v.resize(static_cast<size_t>(out.height * out.width));
  for (int64_t i = 0; i < out.height; ++i)
    for (int64_t j = 0; j < out.width; ++j) out.v[i * out.width + j] = f[(2 * i) * s.out_width() + 2 * j];
  return out;
}

}  // namespace

VifSums vif_sums_plane(const double* x, const double* y, int width, int height, double sigma_nsq) {
  UPRES_CHECK(width > 0 && height > 0, "vif: the image is empty (", width, "x", height, ")");
  UPRES_CHECK(sigma_nsq > 0, "vif: sigma_nsq is ", sigma_nsq, ", expected > 0");
  const int64_t n0 = static_cast<int64_t>(width) * height;
  Plane a{width, height, std::vector<double>(x, x + n0)};
  Plane b{width, height, std::vector<double>(y, y + n0)};
  VifSums sums;
  for (int scale = 1; scale <= 4; ++scale) {
    const int64_t taps = (int64_t{1} << (5 - scale)) + 1;  // 17, 9, 5, 3
    std::vector<double> g(static_cast<size_t>(taps));
    cpu::gaussian_taps(taps, static_cast<double>(taps) / 5.0, g.data());
    if (scale > 1) {
      a = filter_and_decimate(a, g);
      b = filter_and_decimate(b, g);
    }
    kern::WindowShape s;
    s.height = a.height;
    s.width = a.width;
    s.taps = taps;
    if (a.v.empty() || s.out_height() <= 0 || s.out_width() <= 0) continue;  // the window does not fit
    const int64_t n = s.out_height() * s.out_width();
    std::vector<double> buf(static_cast<size_t>(8 * n));
    double *mx = buf.data(), *my = mx + n, *vx = my + n, *vy = vx + n, *cxy = vy + n;
    double *num = cxy + n, *den = num + n, *bits = den + n;
    UPRES_DISPATCH(Device::cpu, local_moments, s, g.data(), a.v.data(), b.v.data(), mx, my, vx, vy, cxy);
    UPRES_DISPATCH(Device::cpu, vif_terms, n, sigma_nsq, vx, vy, cxy, num, den, bits);
    for (int64_t i = 0; i < n; ++i) {
      sums.num += num[i];
      sums.den += den[i];
      sums.ifc += bits[i];
    }
  }
  return sums;
}

double vif(const Planes& ref, const Planes& test, double sigma_nsq) {
  check_same_size("vif", ref, test);
  UPRES_CHECK(ref.channels > 0, "vif: the images have no planes");
  double sum = 0.0;
  for (int c = 0; c < ref.channels; ++c) {
    const VifSums s = vif_sums_plane(ref.plane(c), test.plane(c), ref.width, ref.height, sigma_nsq);
    if (s.den > 0.0) {
      sum += s.num / s.den;
    } else {
      const double* a = ref.plane(c);
      const double* b = test.plane(c);
      sum += std::equal(a, a + ref.plane_size(), b) ? 1.0 : 0.0;
    }
  }
  return sum / ref.channels;
}

double ifc(const Planes& ref, const Planes& test) {
  check_same_size("ifc", ref, test);
  UPRES_CHECK(ref.channels > 0, "ifc: the images have no planes");
  double sum = 0.0;
  for (int c = 0; c < ref.channels; ++c) sum += vif_sums_plane(ref.plane(c), test.plane(c), ref.width, ref.height).ifc;
  return sum / ref.channels;
}

}  // namespace upres::metrics
