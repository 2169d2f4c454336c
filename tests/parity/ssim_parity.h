// ssim_parity.h - parity checks for the SSIM window kernels and total variation
// (kernels/cuda/ssim, kernels/cuda/tv) against the cpu kernels, shared by tests/parity (simt,
// every scheduling order) and tests/gpu (cuda); and the engine's ssim and total_variation ops
// through autograd.
//
// Tolerances:
//   - window_filter, local_moments, the gradient's moments: the GPU kernels sum in the cpu's
//     order, so only FMA contraction differs (a few ulp of each sum); the variance
//     E[x^2] - mu^2 loses up to ~3 digits to cancellation with these inputs: rtol 1e-12 plus
//     atol 1e-15 (moments are O(1));
//   - ssim_map, downsample_mean2, to_f64, to_f32_scaled: the same formula on the same inputs:
//     rtol 1e-14 (to_f64 bit for bit);
//   - ssim_backward: two passes of the sums above and a division by B1, B2: rtol 1e-10 plus
//     atol 1e-12 x max|dx|;
//   - sum_f64: a fixed tree against the cpu's sequential sum, n <= 70001 values in [0, 1]:
//     rtol 1e-13;
//   - tv_forward: float64 sums in another order, then rounded to float: rtol 2e-7 (1 ulp);
//     tv_backward: the same float64 formula per pixel, rounded to float: rtol 1e-6, atol 1e-12.
//   - the ops: forward rtol 1e-6 (float output), gradients rtol 1e-5.
#pragma once

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/allocator.h"
#include "kernels/cpu/ssim.h"
#include "kernels/cpu/tv.h"
#include "parity/engine_ops.h"
#include "parity/parity.h"

namespace upres::testing::parity {

struct SsimTvKernels {
  decltype(&cpu::window_filter) window_filter;
  decltype(&cpu::local_moments) local_moments;
  decltype(&cpu::ssim_map) ssim_map;
  decltype(&cpu::downsample_mean2) downsample_mean2;
  decltype(&cpu::ssim_backward) ssim_backward;
  decltype(&cpu::to_f64) to_f64;
  decltype(&cpu::to_f32_scaled) to_f32_scaled;
  decltype(&cpu::sum_f64) sum_f64;
  decltype(&cpu::tv_forward) tv_forward;
  decltype(&cpu::tv_backward) tv_backward;
};

#define UPRES_SSIM_TV_KERNELS(ns)                                                                        \
  ::upres::testing::parity::SsimTvKernels {                                                              \
    &ns::window_filter, &ns::local_moments, &ns::ssim_map, &ns::downsample_mean2, &ns::ssim_backward,    \
        &ns::to_f64, &ns::to_f32_scaled, &ns::sum_f64, &ns::tv_forward, &ns::tv_backward                 \
  }

// float64 data in a device's memory (tensors are float32).
class Doubles {
 public:
  Doubles(Device dev, int64_t n) : dev_(dev), n_(n), s_(std::make_shared<Storage>(n * sizeof(double), dev)) {}
  Doubles(Device dev, const std::vector<double>& v) : Doubles(dev, static_cast<int64_t>(v.size())) {
    copy_bytes(s_->ptr, dev_, v.data(), Device::cpu, v.size() * sizeof(double));
  }
  double* data() { return static_cast<double*>(s_->ptr); }
  std::vector<double> host() const {
    std::vector<double> v(static_cast<size_t>(n_));
    copy_bytes(v.data(), Device::cpu, s_->ptr, dev_, v.size() * sizeof(double));
    return v;
  }

 private:
  Device dev_;
  int64_t n_;
  std::shared_ptr<Storage> s_;
};

// |got - want| <= atol + rtol |want| for every element (rtol == atol == 0: exactly equal).
inline void expect_match64(const std::vector<double>& got, const std::vector<double>& want, double rtol, double atol,
                           const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  int reported = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    const bool ok = std::fabs(got[i] - want[i]) <= atol + rtol * std::fabs(want[i]);
    if (!ok && reported++ < 5)
      ADD_FAILURE() << what << ": element " << i << " is " << got[i] << ", cpu gives " << want[i] << " (diff "
                    << got[i] - want[i] << ")";
  }
}

// Seeded values in [0, 1); `noisy` adds +-0.1 of noise to a copy of `base` (a "test" image close
// to the reference, as SSIM sees in practice; the values may leave [0, 1]).
inline std::vector<double> random_plane_values(int64_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> dist(0.0, 1.0);
  std::vector<double> v(static_cast<size_t>(n));
  for (double& e : v) e = dist(gen);
  return v;
}
inline std::vector<double> noisy(const std::vector<double>& base, uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> dist(-0.1, 0.1);
  std::vector<double> v = base;
  for (double& e : v) e += dist(gen);
  return v;
}

inline double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double e : v) m = std::max(m, std::fabs(e));
  return m;
}

inline void check_ssim_window_kernels(const Backend& b, const SsimTvKernels& k) {
  struct Case {
    int64_t planes, height, width, taps;
  };
  // The window as large as the image, odd non-square sizes, batch x channels 2 x 3, a 7-tap window.
  const std::vector<Case> cases = {{1, 11, 11, 11}, {1, 13, 17, 11}, {6, 29, 23, 11}, {6, 11, 11, 11}, {2, 13, 17, 7}};
  for (const Case& c : cases) {
    kern::WindowShape s;
    s.planes = c.planes;
    s.height = c.height;
    s.width = c.width;
    s.taps = c.taps;
    const int64_t n = c.planes * c.height * c.width, m = c.planes * s.out_plane();
    std::vector<double> g(static_cast<size_t>(c.taps));
    cpu::gaussian_taps(c.taps, 1.5, g.data());
    const auto x = random_plane_values(n, 11), y = noisy(x, 12);
    const double c1 = 1e-4, c2 = 9e-4;  // K1 = 0.01, K2 = 0.03, L = 1
    // The cpu's answers.
    std::vector<double> f(m), mo(5 * m), map(m), cs(m), dx(n), work(3 * m);
    cpu::window_filter(cpu_ctx(), s, g.data(), x.data(), f.data());
    double *mx = mo.data(), *my = mx + m, *vx = my + m, *vy = vx + m, *cv = vy + m;
    cpu::local_moments(cpu_ctx(), s, g.data(), x.data(), y.data(), mx, my, vx, vy, cv);
    cpu::ssim_map(cpu_ctx(), m, c1, c2, mx, my, vx, vy, cv, map.data(), cs.data());
    cpu::ssim_backward(cpu_ctx(), s, g.data(), c1, c2, x.data(), y.data(), work.data(), dx.data());
    const std::string what = "ssim window " + std::to_string(c.planes) + "x" + std::to_string(c.height) + "x" +
                             std::to_string(c.width) + " taps " + std::to_string(c.taps);
    for_each_order(b, [&](const std::string& order) {
      Doubles tg(b.device, g), tx(b.device, x), ty(b.device, y), tf(b.device, m), tmo(b.device, 5 * m);
      k.window_filter(ctx(b), s, tg.data(), tx.data(), tf.data());
      expect_match64(tf.host(), f, 1e-12, 1e-15, what + " window_filter " + order);
      double* d = tmo.data();
      k.local_moments(ctx(b), s, tg.data(), tx.data(), ty.data(), d, d + m, d + 2 * m, d + 3 * m, d + 4 * m);
      expect_match64(tmo.host(), mo, 1e-12, 1e-15, what + " local_moments " + order);
      // The map from the cpu's moments, with and without cs.
      Doubles cmo(b.device, mo), tmap(b.device, m), tcs(b.device, m);
      d = cmo.data();
      k.ssim_map(ctx(b), m, c1, c2, d, d + m, d + 2 * m, d + 3 * m, d + 4 * m, tmap.data(), tcs.data());
      expect_match64(tmap.host(), map, 1e-14, 0, what + " ssim_map " + order);
      expect_match64(tcs.host(), cs, 1e-14, 0, what + " cs map " + order);
      Doubles tmap2(b.device, m);
      k.ssim_map(ctx(b), m, c1, c2, d, d + m, d + 2 * m, d + 3 * m, d + 4 * m, tmap2.data(), nullptr);
      expect_match64(tmap2.host(), map, 1e-14, 0, what + " ssim_map without cs " + order);
      Doubles twork(b.device, 3 * m), tdx(b.device, n);
      k.ssim_backward(ctx(b), s, tg.data(), c1, c2, tx.data(), ty.data(), twork.data(), tdx.data());
      expect_match64(tdx.host(), dx, 1e-10, 1e-12 * max_abs(dx), what + " ssim_backward " + order);
    });
  }
}

inline void check_ssim_helper_kernels(const Backend& b, const SsimTvKernels& k) {
  for (int64_t h : {1, 2, 11, 13, 29})
    for (int64_t w : {1, 3, 17, 23}) {
      const auto x = random_plane_values(h * w, 21);
      std::vector<double> want(static_cast<size_t>(((h + 1) / 2) * ((w + 1) / 2)));
      cpu::downsample_mean2(cpu_ctx(), h, w, x.data(), want.data());
      for_each_order(b, [&](const std::string& order) {
        Doubles tx(b.device, x), t(b.device, static_cast<int64_t>(want.size()));
        k.downsample_mean2(ctx(b), h, w, tx.data(), t.data());
        expect_match64(t.host(), want, 1e-15, 0,
                       "downsample_mean2 " + std::to_string(h) + "x" + std::to_string(w) + " " + order);
      });
    }
  for (int64_t n : stream_sizes()) {
    const auto v = random_plane_values(n, 22);
    double want = 0;
    cpu::sum_f64(cpu_ctx(), n, v.data(), &want);
    const auto f = random_values(n, 23);
    std::vector<double> wide(static_cast<size_t>(n));
    cpu::to_f64(cpu_ctx(), n, f.data(), wide.data());
    const std::vector<float> scale = {-0.75f};
    std::vector<float> narrow(static_cast<size_t>(n)), narrow1(static_cast<size_t>(n));
    cpu::to_f32_scaled(cpu_ctx(), n, 1.0 / 3.0, scale.data(), v.data(), narrow.data());
    cpu::to_f32_scaled(cpu_ctx(), n, 1.0 / 3.0, nullptr, v.data(), narrow1.data());
    const std::string what = " n=" + std::to_string(n);
    for_each_order(b, [&](const std::string& order) {
      Doubles tv(b.device, v), tsum(b.device, 1), twide(b.device, n);
      k.sum_f64(ctx(b), n, tv.data(), tsum.data());
      expect_match64(tsum.host(), {want}, 1e-13, 0, "sum_f64" + what + " " + order);
      Tensor tf = on(b, f), tscale = on(b, scale), tn = empty_on(b, n), tn1 = empty_on(b, n);
      k.to_f64(ctx(b), n, tf.data(), twide.data());
      expect_match64(twide.host(), wide, 0, 0, "to_f64" + what + " " + order);
      k.to_f32_scaled(ctx(b), n, 1.0 / 3.0, tscale.data(), tv.data(), tn.data());
      expect_match(tn.to_vector(), narrow, 0, 0, "to_f32_scaled" + what + " " + order);
      k.to_f32_scaled(ctx(b), n, 1.0 / 3.0, nullptr, tv.data(), tn1.data());
      expect_match(tn1.to_vector(), narrow1, 0, 0, "to_f32_scaled without scale" + what + " " + order);
    });
  }
}

inline void check_tv_kernels(const Backend& b, const SsimTvKernels& k) {
  // {planes, height, width}: 2 x 13 planes of 7x9, 5x3, a single row, a single column, one pixel,
  // and more pixels than 256 blocks of 256 threads cover in one grid-stride round.
  const std::vector<kern::TvShape> shapes = {{26, 7, 9}, {1, 5, 3}, {3, 1, 9}, {2, 7, 1}, {1, 1, 1}, {1, 260, 261}};
  for (kern::TvShape s : shapes)
    for (int power : {1, 2}) {
      s.power = power;
      const int64_t n = s.planes * s.height * s.width;
      auto x = random_values(n, 31);  // every 7th value 0: equal neighbours, the l1 kink
      const std::vector<float> gy = {0.625f};
      std::vector<double> work(kern::kTvWorkspaceDoubles);
      float want = 0;
      std::vector<float> dx(static_cast<size_t>(n));
      cpu::tv_forward(cpu_ctx(), s, x.data(), work.data(), &want);
      cpu::tv_backward(cpu_ctx(), s, gy.data(), x.data(), dx.data());
      const std::string what = "tv p=" + std::to_string(power) + " [" + std::to_string(s.planes) + ", " +
                               std::to_string(s.height) + ", " + std::to_string(s.width) + "]";
      // The large shape (a grid-stride loop over 256 blocks) in one scheduling order only: it
      // costs ~70k simt fibers per launch, and the small shapes already span several blocks.
      Backend bb = b;
      if (n > 65536 && bb.orders.size() > 1) bb.orders.resize(1);
      for_each_order(bb, [&](const std::string& order) {
        Tensor tx = on(b, x), tout = empty_on(b, 1), tgy = on(b, gy), tdx = empty_on(b, n);
        Doubles twork(b.device, kern::kTvWorkspaceDoubles);
        k.tv_forward(ctx(b), s, tx.data(), twork.data(), tout.data());
        expect_match(tout.to_vector(), {want}, 2e-7, 0, what + " forward " + order);
        k.tv_backward(ctx(b), s, tgy.data(), tx.data(), tdx.data());
        expect_match(tdx.to_vector(), dx, 1e-6, 1e-12, what + " backward " + order);
      });
    }
}

inline void check_ssim_tv_ops(Device dev) {
  // ssim: y is a constant target (only x may require grad), made on x's device inside f.
  for (Shape s : {Shape{2, 3, 13, 17}, Shape{1, 1, 11, 11}}) {
    Tensor x = add(mul(image(s, 41), 0.2f), 0.5f);
    Tensor y_cpu = add(mul(image(s, 42), 0.2f), 0.5f);
    Tensor y_dev = y_cpu.to(dev);
    check_op_on_device(dev, "ssim " + to_string(s), {x},
                       [&](auto& in) { return ssim(in[0], in[0].device() == dev ? y_dev : y_cpu); }, 1e-5, 1e-9);
  }
  for (TvKind kind : {TvKind::l1, TvKind::l2}) {
    const std::string name = kind == TvKind::l1 ? "total_variation l1" : "total_variation l2";
    check_op_on_device(dev, name, {image({2, 13, 7, 9}, 43)}, [&](auto& in) { return total_variation(in[0], kind); },
                       1e-5, 1e-9);
    check_op_on_device(dev, name + " one row", {image({1, 3, 1, 9}, 44)},
                       [&](auto& in) { return total_variation(in[0], kind); }, 1e-5, 1e-9);
  }
}

}  // namespace upres::testing::parity
