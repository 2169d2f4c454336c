// The CPU kernels behind the metrics (kernels/cpu/ssim.h, kernels/cpu/vif.h)
// against naive loops written plainly here: the separable window filter and the
// five local moments over a table of odd plane sizes and window sizes, on 1 and
// 2 threads (identical results); the 2x2 mean downsampling with odd edges; the
// Gaussian taps; and each guard of the VIF/IFC channel model.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/cpu/ssim.h"
#include "kernels/cpu/vif.h"

namespace cpu = upres::cpu;
namespace kern = upres::kern;

namespace {

std::vector<double> random_plane(int64_t n, unsigned seed) {
  std::vector<double> v(static_cast<size_t>(n));
  unsigned s = seed * 2654435761u + 1;
  for (auto& x : v) {
    s = s * 1664525u + 1013904223u;
    x = (s >> 8) % 25600 / 100.0;  // [0, 256)
  }
  return v;
}

// Naive 2-D weighted sum of f(x, y) over the window at (oy, ox).
template <typename F>
double window_sum(const std::vector<double>& g, int64_t W, int64_t oy, int64_t ox, F&& f) {
  double s = 0;
  const int64_t k = static_cast<int64_t>(g.size());
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < k; ++j) s += g[i] * g[j] * f((oy + i) * W + ox + j);
  return s;
}

struct Case {
  int64_t h, w, taps;
};
const Case kCases[] = {{7, 9, 3}, {9, 7, 5}, {13, 5, 5}, {11, 11, 11}, {12, 17, 11}, {5, 3, 1}, {1, 4, 1}, {40, 37, 17}};

}  // namespace

TEST(SsimKernels, GaussianTapsAreNormalisedSymmetricGaussians) {
  for (int64_t taps : {1, 3, 5, 9, 11, 17}) {
    const double sigma = taps == 11 ? 1.5 : taps / 5.0;
    std::vector<double> g(static_cast<size_t>(taps));
    cpu::gaussian_taps(taps, sigma, g.data());
    double sum = 0;
    for (double v : g) sum += v;
    EXPECT_NEAR(sum, 1.0, 1e-15) << taps;
    const double c = (taps - 1) / 2.0;
    for (int64_t i = 0; i < taps; ++i) {
      EXPECT_DOUBLE_EQ(g[i], g[taps - 1 - i]);
      EXPECT_NEAR(g[i] / g[static_cast<size_t>(c)], std::exp(-(i - c) * (i - c) / (2 * sigma * sigma)), 1e-14);
    }
  }
}

TEST(SsimKernels, LocalMomentsAndWindowFilterMatchNaiveLoopsOnOneAndTwoThreads) {
  for (const Case& c : kCases) {
    kern::WindowShape s;
    s.height = c.h;
    s.width = c.w;
    s.taps = c.taps;
    const int64_t n = s.out_height() * s.out_width();
    std::vector<double> g(static_cast<size_t>(c.taps));
    cpu::gaussian_taps(c.taps, 1.5, g.data());
    const auto x = random_plane(c.h * c.w, 1), y = random_plane(c.h * c.w, 2);
    std::vector<double> ref[5];
    for (int threads : {1, 2}) {
      kern::Context ctx;
      ctx.threads = threads;
      std::vector<double> m[5], f(static_cast<size_t>(n));
      for (auto& v : m) v.assign(static_cast<size_t>(n), -1.0);
      cpu::local_moments(ctx, s, g.data(), x.data(), y.data(), m[0].data(), m[1].data(), m[2].data(), m[3].data(),
                         m[4].data());
      cpu::window_filter(ctx, s, g.data(), x.data(), f.data());
      for (int64_t oy = 0; oy < s.out_height(); ++oy)
        for (int64_t ox = 0; ox < s.out_width(); ++ox) {
          const int64_t o = oy * s.out_width() + ox;
          const double mx = window_sum(g, c.w, oy, ox, [&](int64_t i) { return x[i]; });
          const double my = window_sum(g, c.w, oy, ox, [&](int64_t i) { return y[i]; });
          const double vx = window_sum(g, c.w, oy, ox, [&](int64_t i) { return x[i] * x[i]; }) - mx * mx;
          const double vy = window_sum(g, c.w, oy, ox, [&](int64_t i) { return y[i] * y[i]; }) - my * my;
          const double cxy = window_sum(g, c.w, oy, ox, [&](int64_t i) { return x[i] * y[i]; }) - mx * my;
          EXPECT_NEAR(m[0][o], mx, 1e-10) << c.h << "x" << c.w << " taps " << c.taps;
          EXPECT_NEAR(m[1][o], my, 1e-10);
          EXPECT_NEAR(m[2][o], vx, 1e-7 * (1 + std::abs(vx)));  // E[x^2] ~ 6e4 cancels: 1e-16 * 6e4 * few
          EXPECT_NEAR(m[3][o], vy, 1e-7 * (1 + std::abs(vy)));
          EXPECT_NEAR(m[4][o], cxy, 1e-7 * (1 + std::abs(cxy)));
          EXPECT_NEAR(f[o], mx, 1e-10);
        }
      if (threads == 1) {
        for (int q = 0; q < 5; ++q) ref[q] = m[q];
      } else {
        for (int q = 0; q < 5; ++q) EXPECT_EQ(m[q], ref[q]) << "1 and 2 threads differ, quantity " << q;
      }
    }
  }
}

TEST(SsimKernels, SsimMapIsLuminanceTimesContrastStructure) {
  const double mx[] = {10, 100, 0, 255}, my[] = {12, 90, 0, 0}, vx[] = {4, 300, 0, 50}, vy[] = {9, 100, 0, 0},
               cv[] = {5, -20, 0, 0};
  const double c1 = 6.5025, c2 = 58.5225;
  double ssim[4], cs[4];
  cpu::ssim_map(kern::Context{}, 4, c1, c2, mx, my, vx, vy, cv, ssim, cs);
  for (int i = 0; i < 4; ++i) {
    const double l = (2 * mx[i] * my[i] + c1) / (mx[i] * mx[i] + my[i] * my[i] + c1);
    const double want_cs = (2 * cv[i] + c2) / (vx[i] + vy[i] + c2);
    EXPECT_DOUBLE_EQ(cs[i], want_cs);
    EXPECT_DOUBLE_EQ(ssim[i], l * want_cs);
  }
  EXPECT_DOUBLE_EQ(ssim[2], 1.0);  // two flat zero windows are identical
}

TEST(SsimKernels, DownsampleMean2AveragesBlocksAndMirrorsOddEdges) {
  const int64_t sizes[][2] = {{7, 9}, {8, 6}, {1, 1}, {1, 5}, {5, 1}, {13, 2}};
  for (auto& hw : sizes) {
    const int64_t h = hw[0], w = hw[1], oh = (h + 1) / 2, ow = (w + 1) / 2;
    const auto x = random_plane(h * w, 3);
    std::vector<double> out(static_cast<size_t>(oh * ow));
    kern::Context ctx;
    cpu::downsample_mean2(ctx, h, w, x.data(), out.data());
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        double s = 0;  // mirror: an index past the end reads the last row/column
        for (int a = 0; a < 2; ++a)
          for (int b = 0; b < 2; ++b) {
            int64_t r = 2 * i + a, c = 2 * j + b;
            if (r >= h) r = h - 1;
            if (c >= w) c = w - 1;
            s += x[r * w + c];
          }
        EXPECT_DOUBLE_EQ(out[i * ow + j], s / 4) << h << "x" << w << " at " << i << "," << j;
      }
  }
}

TEST(VifKernels, ChannelModelTermsAndGuards) {
  struct Row {
    double vx, vy, cov;   // inputs
    double g, sx, sv;     // the model after the guards
  };
  const double eps = 1e-10;
  const Row rows[] = {
      {100, 80, 60, 60 / (100 + eps), 100, 80 - 60 / (100 + eps) * 60},  // ordinary
      {0, 50, 0, 0, 0, 50},                                                // flat reference: sv = var_y
      {-1e-3, 50, 0, 0, 0, 50},                                            // negative variance -> 0
      {100, 0, 0, 0, 100, eps},                                            // flat test: sv = 0 -> eps
      {100, 80, -30, 0, 100, 80},                                          // negative gain: sv = var_y
      {100, 100, 100 + 1e-7, (100 + 1e-7) / (100 + eps), 100, eps},        // sv < 0 -> eps (well clear of eps:
      // for exactly identical moments sv lands within rounding of eps, so either side of the clamp)
  };
  const double nsq = 2.0;
  for (const Row& r : rows) {
    double num, den, bits;
    cpu::vif_terms(upres::kern::Context{}, 1, nsq, &r.vx, &r.vy, &r.cov, &num, &den, &bits);
    const double sv = std::max(r.sv, eps);
    EXPECT_NEAR(num, std::log10(1 + r.g * r.g * r.sx / (sv + nsq)), 1e-12) << r.vx << " " << r.vy << " " << r.cov;
    EXPECT_NEAR(den, std::log10(1 + r.sx / nsq), 1e-12);
    EXPECT_NEAR(bits, 0.5 * std::log2(1 + r.g * r.g * r.sx / sv), 1e-9 * (1 + bits));
  }
}
