// ssim.cpp - SSIM of planes: Gaussian taps, the five local moments, the map, its mean.
#include "metrics/ssim.h"

#include <vector>

#include "engine/dispatch.h"
#include "engine/error.h"
#include "engine/allocator.h"
#include "engine/tensor.h"
#include "kernels/cpu/ssim.h"
#include "kernels/cuda/ssim.h"

namespace upres::metrics {

SsimMeans ssim_plane(const double* x, const double* y, int width, int height, const SsimOptions& o) {
  UPRES_CHECK(o.window >= 1 && o.sigma > 0 && o.data_range > 0, "ssim: window ", o.window, ", sigma ", o.sigma,
              ", data range ", o.data_range, "; expected all positive");
  UPRES_CHECK(width >= o.window && height >= o.window, "ssim: a ", width, "x", height,
              " image is smaller than the ", o.window, "x", o.window, " window ('valid' filtering needs both sides >= ",
              o.window, ")");
  kern::WindowShape s;
  s.height = height;
  s.width = width;
  s.taps = o.window;
  const int64_t n = s.out_height() * s.out_width();
  std::vector<double> g(static_cast<size_t>(o.window));
  cpu::gaussian_taps(o.window, o.sigma, g.data());
  const double c1 = (o.k1 * o.data_range) * (o.k1 * o.data_range);
  const double c2 = (o.k2 * o.data_range) * (o.k2 * o.data_range);
  std::vector<double> buf(static_cast<size_t>(7 * n));
  double *mx = buf.data(), *my = mx + n, *vx = my + n, *vy = vx + n, *cxy = vy + n, *map = cxy + n, *cs = map + n;
  if (o.device == Device::cpu) {
    UPRES_DISPATCH(Device::cpu, local_moments, s, g.data(), x, y, mx, my, vx, vy, cxy);
    UPRES_DISPATCH(Device::cpu, ssim_map, n, c1, c2, mx, my, vx, vy, cxy, map, cs);
  } else {
    // Planes, taps and the seven maps in the device's memory; the map and cs come back.
    const Device dev = o.device;
    const int64_t pixels = static_cast<int64_t>(width) * height;
    Storage dg(g.size() * sizeof(double), dev), dx(pixels * sizeof(double), dev), dy(pixels * sizeof(double), dev);
    Storage dmaps(buf.size() * sizeof(double), dev);
    copy_bytes(dg.ptr, dev, g.data(), Device::cpu, dg.bytes);
    copy_bytes(dx.ptr, dev, x, Device::cpu, dx.bytes);
    copy_bytes(dy.ptr, dev, y, Device::cpu, dy.bytes);
    double* d = static_cast<double*>(dmaps.ptr);
    UPRES_DISPATCH_ALL(dev, local_moments, s, static_cast<const double*>(dg.ptr), static_cast<const double*>(dx.ptr),
                       static_cast<const double*>(dy.ptr), d, d + n, d + 2 * n, d + 3 * n, d + 4 * n);
    UPRES_DISPATCH_ALL(dev, ssim_map, n, c1, c2, d, d + n, d + 2 * n, d + 3 * n, d + 4 * n, d + 5 * n, d + 6 * n);
    copy_bytes(map, Device::cpu, d + 5 * n, dev, 2 * n * sizeof(double));
  }
  SsimMeans m;
  for (int64_t i = 0; i < n; ++i) {
    m.ssim += map[i];
    m.cs += cs[i];
  }
  m.ssim /= static_cast<double>(n);
  m.cs /= static_cast<double>(n);
  return m;
}

double ssim(const Planes& ref, const Planes& test, const SsimOptions& o) {
  check_same_size("ssim", ref, test);
  UPRES_CHECK(ref.channels > 0, "ssim: the images have no planes");
  double sum = 0.0;
  for (int c = 0; c < ref.channels; ++c) sum += ssim_plane(ref.plane(c), test.plane(c), ref.width, ref.height, o).ssim;
  return sum / ref.channels;
}

double ssim(const Planes& ref, const Planes& test, Device device) {
  SsimOptions o;
  o.device = device;
  return ssim(ref, test, o);
}

}  // namespace upres::metrics
