// SSIM and MS-SSIM with the window statistics on the simt device (kernels/cuda/ssim.cuh on the
// emulator) against the cpu: the protocol reports them to many digits, so the devices must
// agree to 1e-12 relative. (The same code path runs the cuda kernels on a GPU.)
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "metrics/ms_ssim.h"
#include "metrics/ssim.h"

using namespace upres;

namespace {

// A smooth random 8-bit-range picture and a noisy copy of it.
void make_pair(int w, int h, int c, metrics::Planes& ref, metrics::Planes& test) {
  ref = metrics::Planes(w, h, c);
  test = metrics::Planes(w, h, c);
  std::mt19937 gen(static_cast<uint32_t>(w * 1000 + h));
  std::uniform_real_distribution<double> noise(-20.0, 20.0);
  for (int k = 0; k < c; ++k)
    for (int i = 0; i < h; ++i)
      for (int j = 0; j < w; ++j) {
        const double v = 128 + 60 * std::sin(0.11 * i + 0.5 * k) * std::cos(0.07 * j) + 0.5 * noise(gen);
        ref.plane(k)[i * w + j] = v;
        test.plane(k)[i * w + j] = v + noise(gen);
      }
}

}  // namespace

TEST(SsimMetricDevice, SimtMatchesCpuTo1e12) {
  for (auto [w, h, c] : {std::tuple{11, 11, 1}, std::tuple{17, 13, 3}, std::tuple{23, 29, 2}}) {
    metrics::Planes ref, test;
    make_pair(w, h, c, ref, test);
    const double want = metrics::ssim(ref, test);
    const double got = metrics::ssim(ref, test, Device::simt);
    EXPECT_NEAR(got, want, 1e-12 * std::fabs(want)) << w << "x" << h << "x" << c;
    metrics::SsimOptions o;
    o.window = 7;
    o.device = Device::simt;
    const double got7 = metrics::ssim(ref, test, o);
    o.device = Device::cpu;
    EXPECT_NEAR(got7, metrics::ssim(ref, test, o), 1e-12 * std::fabs(got7)) << w << "x" << h << " window 7";
  }
}

TEST(SsimMetricDevice, MsSsimSimtMatchesCpuTo1e12) {
  metrics::Planes ref, test;
  make_pair(45, 50, 1, ref, test);  // three scales
  const double want = metrics::ms_ssim(ref, test);
  EXPECT_NEAR(metrics::ms_ssim(ref, test, Device::simt), want, 1e-12 * std::fabs(want));
}
