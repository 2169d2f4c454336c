// ssim.cpp - the SSIM op: widen to float64, window moments, map, mean; the backward runs the
// two-pass gradient kernel (kernels/cpu/ssim.h derives it) and narrows it back to float32.
#include "engine/ops/ssim.h"

#include <memory>
#include <vector>

#include "engine/allocator.h"
#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "kernels/cpu/ssim.h"
#include "kernels/cuda/ssim.h"

namespace upres {

namespace {

constexpr int kTaps = 11;
constexpr double kSigma = 1.5, kK1 = 0.01, kK2 = 0.03;

// A float64 buffer of n values on a device (tensors are float32 only).
std::shared_ptr<Storage> doubles(int64_t n, Device dev) {
  return std::make_shared<Storage>(static_cast<std::size_t>(n) * sizeof(double), dev);
}
double* ptr(const std::shared_ptr<Storage>& s) { return static_cast<double*>(s->ptr); }

}  // namespace

Tensor ssim(const Tensor& x, const Tensor& y, double data_range) {
  Device dev = common_device("ssim", {&x, &y});
  UPRES_CHECK(x.dim() == 4 && x.shape() == y.shape(), "ssim: inputs ", to_string(x.shape()), " and ",
              to_string(y.shape()), ", expected two [N, C, H, W] tensors of the same shape");
  UPRES_CHECK(x.size(2) >= kTaps && x.size(3) >= kTaps, "ssim: images of ", x.size(2), "x", x.size(3),
              " (height x width) are smaller than the ", kTaps, "x", kTaps,
              " window ('valid' filtering needs both sides >= ", kTaps, ")");
  UPRES_CHECK(data_range > 0, "ssim: data_range ", data_range, ", expected > 0");
  UPRES_CHECK(!(grad_enabled() && y.requires_grad()), "ssim: the target y ", y.describe(),
              " requires grad; only x gets a gradient (detach y)");
  UPRES_CHECK(x.numel() > 0, "ssim: empty input ", to_string(x.shape()));
  kern::WindowShape s;
  s.planes = x.size(0) * x.size(1);
  s.height = x.size(2);
  s.width = x.size(3);
  s.taps = kTaps;
  const int64_t pixels = x.numel(), m = s.planes * s.out_plane();
  const double c1 = (kK1 * data_range) * (kK1 * data_range), c2 = (kK2 * data_range) * (kK2 * data_range);

  std::vector<double> taps(kTaps);
  cpu::gaussian_taps(kTaps, kSigma, taps.data());
  auto g = doubles(kTaps, dev);
  copy_bytes(g->ptr, dev, taps.data(), Device::cpu, kTaps * sizeof(double));
  auto x64 = doubles(pixels, dev), y64 = doubles(pixels, dev);
  UPRES_DISPATCH_ALL(dev, to_f64, pixels, x.data(), ptr(x64));
  UPRES_DISPATCH_ALL(dev, to_f64, pixels, y.data(), ptr(y64));

  Tensor out = Tensor::empty({}, dev);
  {
    auto maps = doubles(6 * m + 1, dev);  // mu_x, mu_y, var_x, var_y, cov, the SSIM map, the sum
    double *mx = ptr(maps), *my = mx + m, *vx = my + m, *vy = vx + m, *cv = vy + m, *map = cv + m, *sum = map + m;
    UPRES_DISPATCH_ALL(dev, local_moments, s, ptr(g), ptr(x64), ptr(y64), mx, my, vx, vy, cv);
    UPRES_DISPATCH_ALL(dev, ssim_map, m, c1, c2, mx, my, vx, vy, cv, map, nullptr);
    UPRES_DISPATCH_ALL(dev, sum_f64, m, map, sum);
    // All planes have m / planes positions, so the mean over all positions is the mean over
    // planes of the per-plane means.
    UPRES_DISPATCH_ALL(dev, to_f32_scaled, 1, 1.0 / static_cast<double>(m), nullptr, sum, out.data());
  }
  // The backward keeps the float64 copies (the forward's widened inputs) and the taps.
  const Shape shape = x.shape();
  return record(out, "ssim", {x}, [=](const Tensor& gy) {
    auto work = doubles(3 * m, dev), dx64 = doubles(pixels, dev);
    UPRES_DISPATCH_ALL(dev, ssim_backward, s, ptr(g), c1, c2, ptr(x64), ptr(y64), ptr(work), ptr(dx64));
    Tensor gx = Tensor::empty(shape, dev);
    UPRES_DISPATCH_ALL(dev, to_f32_scaled, pixels, 1.0, gy.data(), ptr(dx64), gx.data());
    return std::vector<Tensor>{gx};
  });
}

}  // namespace upres
