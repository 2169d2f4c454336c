// Properties of the metrics that need no reference implementation: PSNR's
// closed form for a constant error (pooled over RGB planes) and +infinity for
// identical images; SSIM, MS-SSIM and VIF of identical images are 1; the number
// of MS-SSIM scales small images get; the evaluation protocol (border shave, Y
// from RGB in float64, grey taken as Y, alpha dropped); and the errors for
// mismatched or too small images, which name the metric and the sizes.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "data/color.h"
#include "metrics/metrics.h"
#include "metrics/ms_ssim.h"
#include "metrics/psnr.h"
#include "metrics/ssim.h"
#include "metrics/vif.h"
#include "metric_images.h"

using upres::data::Image;
namespace m = upres::metrics;
using namespace upres::testing;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Psnr, ConstantErrorGivesTheClosedFormAndIdenticalGivesInfinity) {
  const Image ref = metric_reference(37, 45, 3, 5);
  const m::Planes a = m::to_planes(ref, {});
  m::Planes b = a;
  EXPECT_EQ(m::psnr(a, b), std::numeric_limits<double>::infinity());
  for (double& v : b.samples) v += 5.0;
  EXPECT_NEAR(m::psnr(a, b), 10 * std::log10(255.0 * 255.0 / 25.0), 1e-12);
  b = a;  // error in one of three planes: MSE pooled over all samples = 25 / 3
  for (int64_t i = 0; i < b.plane_size(); ++i) b.plane(1)[i] -= 5.0;
  EXPECT_NEAR(m::psnr(a, b), 10 * std::log10(255.0 * 255.0 * 3 / 25.0), 1e-12);
  EXPECT_NEAR(m::psnr(a, b, 1.0), 10 * std::log10(3 / 25.0), 1e-12);
}

TEST(Metrics, IdenticalImagesScoreOneOnRgbAndY) {
  for (auto [w, h] : {std::pair{37, 45}, std::pair{171, 165}, std::pair{11, 11}}) {
    const Image img = metric_reference(w, h, 3, 9);
    for (bool y : {false, true}) {
      m::Protocol p;
      p.y = y;
      const m::Scores s = m::evaluate(img, img, p);
      EXPECT_EQ(s.psnr, std::numeric_limits<double>::infinity());
      EXPECT_EQ(s.ssim, 1.0) << w << "x" << h;
      EXPECT_EQ(s.ms_ssim, 1.0) << w << "x" << h;
      EXPECT_NEAR(s.vif, 1.0, 1e-9) << w << "x" << h;
      EXPECT_TRUE(std::isfinite(s.ifc));
      if (w >= 17) {
        EXPECT_GT(s.ifc, 0.0);  // else no VIF/IFC scale fits: 0 bits (VIF 1 by convention)
      }
    }
  }
}

TEST(Metrics, SsimIsSymmetricAndLowerForStrongerNoise) {
  const Image ref = metric_reference(45, 51, 1, 2);
  const m::Planes a = m::to_planes(ref, {}), b = m::to_planes(metric_noisy(ref, 3), {});
  EXPECT_NEAR(m::ssim(a, b), m::ssim(b, a), 1e-14);
  m::Planes c = b;
  for (size_t i = 0; i < c.samples.size(); ++i) c.samples[i] = a.samples[i] + 3 * (b.samples[i] - a.samples[i]);
  EXPECT_LT(m::ssim(a, c), m::ssim(a, b));
  EXPECT_LT(m::ms_ssim(a, c), m::ms_ssim(a, b));
  EXPECT_LT(m::vif(a, c), m::vif(a, b));
  EXPECT_LT(m::ifc(a, c), m::ifc(a, b));
}

TEST(MsSsim, ScalesUsedBySmallImages) {
  struct Row {
    int w, h, scales;
  };
  const Row rows[] = {{161, 161, 5}, {512, 400, 5}, {160, 160, 4}, {160, 500, 4}, {45, 51, 3},
                      {21, 21, 2},   {20, 20, 1},   {11, 11, 1},   {10, 50, 0},   {50, 10, 0}};
  for (const Row& r : rows) EXPECT_EQ(m::ms_ssim_scales(r.w, r.h), r.scales) << r.w << "x" << r.h;
  const Image tiny = metric_reference(10, 50, 1, 1);
  const std::string e = error_of([&] { m::ms_ssim(m::to_planes(tiny, {}), m::to_planes(tiny, {})); });
  EXPECT_NE(e.find("ms_ssim"), std::string::npos) << e;
  EXPECT_NE(e.find("10x50"), std::string::npos) << e;
}

TEST(MsSsim, FewerScalesStretchTheFirstWeights) {
  // 21 x 21: two scales, weights 0.0448 and 0.2856 stretched to total 1.0001.
  const Image ref = metric_reference(21, 23, 1, 4), test = metric_noisy(ref, 5);
  const m::Planes a = m::to_planes(ref, {}), b = m::to_planes(test, {});
  const m::SsimMeans s1 = m::ssim_plane(a.plane(0), b.plane(0), 21, 23);
  m::Planes a2(11, 12, 1), b2(11, 12, 1);  // 2x2 means, odd edges mirrored, written out plainly
  for (int i = 0; i < 12; ++i)
    for (int j = 0; j < 11; ++j) {
      double sa = 0, sb = 0;
      for (int di = 0; di < 2; ++di)
        for (int dj = 0; dj < 2; ++dj) {
          const int r = std::min(2 * i + di, 22), c = std::min(2 * j + dj, 20);
          sa += a.plane(0)[r * 21 + c];
          sb += b.plane(0)[r * 21 + c];
        }
      a2.plane(0)[i * 11 + j] = sa / 4;
      b2.plane(0)[i * 11 + j] = sb / 4;
    }
  const m::SsimMeans s2 = m::ssim_plane(a2.plane(0), b2.plane(0), 11, 12);
  const double k = 1.0001 / (0.0448 + 0.2856);
  EXPECT_NEAR(m::ms_ssim(a, b), std::pow(s1.cs, 0.0448 * k) * std::pow(s2.ssim, 0.2856 * k), 1e-13);
}

TEST(MetricsProtocol, BorderShaveYInDoubleGreyAsYAndAlphaDropped) {
  const Image rgba = metric_reference(13, 9, 4, 6);
  m::Protocol p;
  p.border = 2;
  const m::Planes rgb = m::to_planes(rgba, p);
  EXPECT_EQ(rgb.channels, 3);
  EXPECT_EQ(rgb.width, 9);
  EXPECT_EQ(rgb.height, 5);
  EXPECT_EQ(rgb.plane(2)[0], level(rgba, 2, 2, 2));  // 8-bit levels come back exactly
  Image off = rgba;
  off.at(0, 2, 2) = 100.4f / 255.0f;  // not a level: kept as is
  EXPECT_NEAR(m::to_planes(off, p).plane(0)[0], 100.4, 1e-5);
  p.y = true;
  const m::Planes y = m::to_planes(rgba, p);
  EXPECT_EQ(y.channels, 1);
  const int R = level(rgba, 0, 3, 4), G = level(rgba, 1, 3, 4), B = level(rgba, 2, 3, 4);
  EXPECT_NEAR(y.plane(0)[1 * 9 + 2], 16.0 + (65.481 * R + 128.553 * G + 24.966 * B) / 255.0, 1e-12);
  const Image grey = metric_reference(13, 9, 2, 6);  // grey + alpha
  const m::Planes gy = m::to_planes(grey, p);
  EXPECT_EQ(gy.channels, 1);
  EXPECT_EQ(gy.plane(0)[0], level(grey, 0, 2, 2));
  p.border = 5;  // 13 - 10 = 3 wide, 9 - 10 < 0 high
  const std::string e = error_of([&] { m::to_planes(grey, p); });
  EXPECT_NE(e.find("13x9"), std::string::npos) << e;
}

TEST(Metrics, MismatchedAndTooSmallImagesAreErrorsNamingTheSizes) {
  const Image a = metric_reference(20, 15, 3, 1), b = metric_reference(19, 15, 3, 1);
  std::string e = error_of([&] { m::evaluate(a, b, {}); });
  EXPECT_NE(e.find("20x15"), std::string::npos) << e;
  EXPECT_NE(e.find("19x15"), std::string::npos) << e;
  e = error_of([&] { m::ssim(m::to_planes(a, {}), m::to_planes(select_channels(a, 0, 1), {})); });
  EXPECT_NE(e.find("ssim"), std::string::npos) << e;
  EXPECT_NE(e.find("20x15x3"), std::string::npos) << e;
  const Image thin = metric_reference(40, 10, 1, 1);
  e = error_of([&] { m::ssim(m::to_planes(thin, {}), m::to_planes(thin, {})); });
  EXPECT_NE(e.find("40x10"), std::string::npos) << e;
  EXPECT_NE(e.find("11x11 window"), std::string::npos) << e;
}

TEST(Vif, ImagesTooSmallForSomeScalesUseTheScalesThatFit) {
  // 20 x 20: scale 1 (17 taps) fits, scale 2 gets 2x2 after filtering: nothing more.
  const Image ref = metric_reference(20, 20, 1, 2), test = metric_noisy(ref, 3);
  const m::Planes a = m::to_planes(ref, {}), b = m::to_planes(test, {});
  const m::VifSums s = m::vif_sums_plane(a.plane(0), b.plane(0), 20, 20);
  EXPECT_GT(s.den, 0.0);
  EXPECT_DOUBLE_EQ(m::vif(a, b), s.num / s.den);
  const Image tiny = metric_reference(5, 5, 1, 2);  // no scale fits: a flat-reference convention
  EXPECT_EQ(m::vif(m::to_planes(tiny, {}), m::to_planes(tiny, {})), 1.0);
  EXPECT_EQ(m::vif(m::to_planes(tiny, {}), m::to_planes(metric_noisy(tiny, 1), {})), 0.0);
}
