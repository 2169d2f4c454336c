// Tests of the degradation pipeline (data/degrade.h): the pipeline-string
// parser (good strings, and bad ones whose message must name the token, its
// position and what was expected), Gaussian blur against a direct 2-D
// convolution written here, noise statistics with a seed, JPEG, quantization,
// and the composed pipeline (sizes, determinism).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "data/degrade.h"
#include "engine/error.h"
#include "engine/rng.h"

using upres::data::DegradeStep;
using upres::data::Image;
using upres::data::parse_degrade_pipeline;

namespace {

Image textured(int w, int h, int c) {
  Image img(w, h, c);
  for (int ch = 0; ch < c; ++ch)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        img.at(ch, y, x) = static_cast<float>(0.5 + 0.35 * std::sin(0.9 * x + 0.4 * ch) * std::cos(0.7 * y - 0.2 * ch));
  return img;
}

// Reference: the Gaussian written out plainly, and a direct convolution with
// OpenCV's reflect-101 border computed by walking back and forth.
int reflect(int i, int n) {
  if (n == 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
  return i;
}

Image naive_blur(const Image& img, double sx, double sy, double theta_deg, int size) {
  const double t = theta_deg * M_PI / 180.0;
  const int r = size / 2;
  std::vector<double> k(size * size);
  double sum = 0;
  for (int dy = -r; dy <= r; ++dy)
    for (int dx = -r; dx <= r; ++dx) {
      // Quadratic form with the inverse covariance R diag(1/sx^2, 1/sy^2) R^T.
      const double a = std::cos(t) * std::cos(t) / (sx * sx) + std::sin(t) * std::sin(t) / (sy * sy);
      const double b = std::sin(t) * std::cos(t) * (1 / (sx * sx) - 1 / (sy * sy));
      const double c = std::sin(t) * std::sin(t) / (sx * sx) + std::cos(t) * std::cos(t) / (sy * sy);
      const double v = std::exp(-0.5 * (a * dx * dx + 2 * b * dx * dy + c * dy * dy));
      k[(dy + r) * size + dx + r] = v;
      sum += v;
    }
  Image out(img.width, img.height, img.channels);
  for (int ch = 0; ch < img.channels; ++ch)
    for (int y = 0; y < img.height; ++y)
      for (int x = 0; x < img.width; ++x) {
        double acc = 0;
        for (int dy = -r; dy <= r; ++dy)
          for (int dx = -r; dx <= r; ++dx)
            acc += k[(dy + r) * size + dx + r] / sum *
                   img.at(ch, reflect(y + dy, img.height), reflect(x + dx, img.width));
        out.at(ch, y, x) = static_cast<float>(acc);
      }
  return out;
}

double max_diff(const Image& a, const Image& b) {
  double m = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) m = std::max(m, std::fabs(double(a.pixels[i]) - b.pixels[i]));
  return m;
}

std::string error_of(const std::string& spec) {
  try {
    parse_degrade_pipeline(spec);
  } catch (const upres::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(DegradePipelineParser, AcceptsTheDocumentedGrammar) {
  auto p = parse_degrade_pipeline("blur:sigma=1.2,resize:bicubic,noise:gauss:5,jpeg:q=40");
  ASSERT_EQ(p.steps.size(), 4u);
  EXPECT_EQ(p.steps[0].kind, DegradeStep::Kind::blur);
  EXPECT_DOUBLE_EQ(p.steps[0].sigma_x, 1.2);
  EXPECT_DOUBLE_EQ(p.steps[0].sigma_y, 1.2);
  EXPECT_EQ(p.steps[1].kind, DegradeStep::Kind::resize);
  EXPECT_EQ(p.steps[1].resize_kernel, upres::data::ResizeKernel::bicubic);
  EXPECT_EQ(p.steps[2].kind, DegradeStep::Kind::gauss_noise);
  EXPECT_DOUBLE_EQ(p.steps[2].noise_sigma, 5.0);
  EXPECT_EQ(p.steps[3].kind, DegradeStep::Kind::jpeg);
  EXPECT_EQ(p.steps[3].quality, 40);

  // Anisotropic blur with comma-continued keys, equal to the ':' form.
  auto a = parse_degrade_pipeline(" blur:sigma_x=2, sigma_y=0.5 ,theta=30:size=9 , resize:nearest");
  auto b = parse_degrade_pipeline("blur:sigma_x=2:sigma_y=0.5:theta=30:size=9,resize:kernel=nearest");
  ASSERT_EQ(a.steps.size(), 2u);
  ASSERT_EQ(b.steps.size(), 2u);
  for (const auto* q : {&a, &b}) {
    EXPECT_DOUBLE_EQ(q->steps[0].sigma_x, 2.0);
    EXPECT_DOUBLE_EQ(q->steps[0].sigma_y, 0.5);
    EXPECT_DOUBLE_EQ(q->steps[0].theta_deg, 30.0);
    EXPECT_EQ(q->steps[0].kernel_size, 9);
    EXPECT_EQ(q->steps[1].resize_kernel, upres::data::ResizeKernel::nearest);
  }
  auto c = parse_degrade_pipeline("blur:0.8,noise:poisson:peak=100,quantize:5,jpeg:90,resize");
  ASSERT_EQ(c.steps.size(), 5u);
  EXPECT_DOUBLE_EQ(c.steps[0].sigma_x, 0.8);
  EXPECT_EQ(c.steps[1].kind, DegradeStep::Kind::poisson_noise);
  EXPECT_DOUBLE_EQ(c.steps[1].poisson_peak, 100.0);
  EXPECT_EQ(c.steps[2].bits, 5);
  EXPECT_EQ(c.steps[3].quality, 90);
  EXPECT_EQ(c.steps[4].resize_kernel, upres::data::ResizeKernel::bicubic);
  auto d = parse_degrade_pipeline(upres::data::default_degrade_pipeline());
  ASSERT_EQ(d.steps.size(), 1u);
  EXPECT_EQ(d.steps[0].kind, DegradeStep::Kind::resize);
}

TEST(DegradePipelineParser, BadStringsNameTokenPositionAndExpectation) {
  struct Bad {
    std::string spec, token, position, expected;
  };
  const std::vector<Bad> bad = {
      {"blur:sigma=1.2,resize:bicubc", "'bicubc'", "position 22", "bicubic, bilinear or nearest"},
      {"blur:sigma=1.2,resise:bicubic", "'resise'", "position 15", "blur, resize, noise, jpeg or quantize"},
      {"blur:sigma=abc", "'abc'", "position 11", "not a number"},
      {"blur:sigma=-1", "'-1'", "position 11", "out of range"},
      {"blur:sigma=1:size=4", "'4'", "position 18", "odd"},
      {"blur:radius=3", "'radius'", "position 5", "sigma=..."},
      {"blur", "'blur'", "position 0", "blur:sigma=S"},
      {"noise:gauss", "'gauss'", "position 6", "SIGMA"},
      {"noise:pink:3", "'pink'", "position 6", "gauss or poisson"},
      {"noise:gauss:5:7", "'7'", "position 14", "unexpected argument"},
      {"jpeg:q=0", "'0'", "position 7", "JPEG quality"},
      {"jpeg:q=40.5", "'40.5'", "position 7", "integer"},
      {"quantize:bits=9", "'9'", "position 14", "out of range"},
      {"resize,resize", "'resize'", "position 7", "at most one"},
      {"resize,,jpeg:50", "''", "position 7", "empty step"},
      {"jpeg:q=50,", "''", "position 10", "empty step"},
      {"jpeg:q=50:q=60", "'q'", "position 10", "given twice"},
      {"blur:sigma=1:", "''", "position 13", "empty argument"},
  };
  for (const Bad& b : bad) {
    const std::string msg = error_of(b.spec);
    SCOPED_TRACE(b.spec);
    ASSERT_FALSE(msg.empty()) << "no error";
    EXPECT_NE(msg.find(b.token), std::string::npos) << msg;
    EXPECT_NE(msg.find(b.position), std::string::npos) << msg;
    EXPECT_NE(msg.find(b.expected), std::string::npos) << msg;
  }
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
}

TEST(GaussianBlur, MatchesDirectConvolutionIsotropicAndAnisotropicOnOddSizes) {
  struct Row { int w, h, c; double sx, sy, theta; int size; };
  for (Row r : {Row{9, 7, 1, 1.2, 1.2, 0, 0}, Row{5, 3, 3, 0.6, 0.6, 0, 0}, Row{13, 11, 2, 2.0, 0.7, 30, 0},
                Row{7, 9, 1, 1.5, 0.5, -60, 7}, Row{1, 6, 1, 1.0, 1.0, 0, 5}, Row{6, 4, 1, 3.0, 3.0, 0, 0}}) {
    Image img = textured(r.w, r.h, r.c);
    int size = r.size;
    if (size == 0) size = 2 * static_cast<int>(std::ceil(3 * std::max(r.sx, r.sy))) + 1;
    Image got = upres::data::gaussian_blur(img, r.sx, r.sy, r.theta, r.size);
    Image want = naive_blur(img, r.sx, r.sy, r.theta, size);
    EXPECT_LT(max_diff(got, want), 2e-6) << r.w << "x" << r.h << " sigma " << r.sx << "," << r.sy << " theta "
                                         << r.theta;
  }
}

TEST(GaussianBlur, KernelSizeRuleSumAndRotation) {
  int size = 0;
  auto k = upres::data::gaussian_kernel(1.2, 1.2, 0, 0, &size);
  EXPECT_EQ(size, 2 * 4 + 1);  // 2 * ceil(3 * 1.2) + 1
  double sum = 0;
  for (float v : k) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-6);
  // theta = 90 swaps the roles of x and y.
  auto a = upres::data::gaussian_kernel(2.0, 0.5, 90, 9, &size);
  auto b = upres::data::gaussian_kernel(0.5, 2.0, 0, 9, &size);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-7);
  // A kernel elongated along x spreads a vertical edge, not a horizontal one.
  auto h = upres::data::gaussian_kernel(2.0, 0.5, 0, 9, &size);
  EXPECT_GT(h[4 * 9 + 0], h[0 * 9 + 4]);
}

TEST(DegradeNoise, GaussianStatisticsAndSeeding) {
  Image grey(64, 64, 1, 0.5f);
  upres::Rng rng(7);
  Image noisy = upres::data::add_gaussian_noise(grey, 5.0, rng);
  double mean = 0, var = 0;
  for (float v : noisy.pixels) mean += (v - 0.5) * 255.0;
  mean /= noisy.pixels.size();
  for (float v : noisy.pixels) var += std::pow((v - 0.5) * 255.0 - mean, 2);
  var /= noisy.pixels.size() - 1;
  EXPECT_NEAR(mean, 0.0, 4 * 5.0 / 64);        // 4 standard errors
  EXPECT_NEAR(std::sqrt(var), 5.0, 0.25);
  upres::Rng again(7), other(8);
  EXPECT_EQ(upres::data::add_gaussian_noise(grey, 5.0, again).pixels, noisy.pixels);
  EXPECT_NE(upres::data::add_gaussian_noise(grey, 5.0, other).pixels, noisy.pixels);
  // Clipped to [0, 1].
  Image black(16, 16, 1, 0.0f);
  upres::Rng r3(1);
  for (float v : upres::data::add_gaussian_noise(black, 50.0, r3).pixels) ASSERT_GE(v, 0.0f);
}

TEST(DegradeNoise, PoissonMeanAndVarianceEqualTheCount) {
  for (double peak : {10.0, 255.0, 1200.0}) {
    Image grey(64, 64, 1, 0.4f);
    upres::Rng rng(11);
    Image noisy = upres::data::add_poisson_noise(grey, peak, rng);
    const double lambda = 0.4 * peak;
    double mean = 0, var = 0;
    for (float v : noisy.pixels) mean += v * peak;
    mean /= noisy.pixels.size();
    for (float v : noisy.pixels) var += std::pow(v * peak - mean, 2);
    var /= noisy.pixels.size() - 1;
    EXPECT_NEAR(mean, lambda, 4 * std::sqrt(lambda / 4096)) << "peak " << peak;
    EXPECT_NEAR(var / lambda, 1.0, 0.1) << "peak " << peak;
    for (float v : noisy.pixels) ASSERT_NEAR(v * peak, std::round(v * peak), 1e-3 * std::max(1.0, peak / 100));
  }
}

TEST(DegradeJpeg, ChangesTheImageKeepsSizeChannelsAndAlpha) {
  for (int c : {1, 2, 3, 4}) {
    Image img = textured(13, 9, c);
    Image low = upres::data::jpeg_recompress(img, 20);
    Image high = upres::data::jpeg_recompress(img, 95);
    ASSERT_EQ(low.width, 13);
    ASSERT_EQ(low.height, 9);
    ASSERT_EQ(low.channels, c);
    EXPECT_GT(max_diff(low, img), 2.0 / 255) << c << " channels";
    EXPECT_LT(max_diff(high, img), max_diff(low, img)) << c << " channels";
    if (c == 2 || c == 4) {  // alpha untouched
      Image a0 = upres::data::select_channels(img, c - 1, 1), a1 = upres::data::select_channels(low, c - 1, 1);
      EXPECT_EQ(a0.pixels, a1.pixels);
    }
  }
  EXPECT_THROW(upres::data::jpeg_recompress(textured(4, 4, 3), 0), upres::Error);
}

TEST(DegradeQuantize, ValuesLieOnTheLevels) {
  Image img = textured(17, 5, 2);
  for (int bits : {1, 3, 5, 8}) {
    Image q = upres::data::quantize_bits(img, bits);
    const double levels = (1 << bits) - 1;
    std::vector<float> seen;
    for (size_t i = 0; i < q.pixels.size(); ++i) {
      ASSERT_NEAR(q.pixels[i] * levels, std::round(q.pixels[i] * levels), 1e-4);
      ASSERT_LE(std::fabs(q.pixels[i] - img.pixels[i]), 0.5 / levels + 1e-6);
      seen.push_back(q.pixels[i]);
    }
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    EXPECT_LE(seen.size(), static_cast<size_t>(levels + 1));
  }
  Image one = upres::data::quantize_bits(img, 1);
  for (float v : one.pixels) ASSERT_TRUE(v == 0.0f || v == 1.0f);
}

TEST(DegradePipeline, DefaultIsBicubicDownscaleAndRunsAreSeeded) {
  Image hr = textured(37, 23, 3);
  auto def = parse_degrade_pipeline(upres::data::default_degrade_pipeline());
  Image lr = upres::data::degrade(hr, def, 4, 1);
  EXPECT_EQ(lr.width, 10);  // ceil(37 / 4)
  EXPECT_EQ(lr.height, 6);
  EXPECT_EQ(lr.pixels, upres::data::imresize(hr, 0.25).pixels);

  auto p = parse_degrade_pipeline("blur:sigma=1.2,resize:bicubic,noise:gauss:5,jpeg:q=40");
  Image a = upres::data::degrade(hr, p, 3, 42), b = upres::data::degrade(hr, p, 3, 42);
  Image c = upres::data::degrade(hr, p, 3, 43);
  EXPECT_EQ(a.width, 13);
  EXPECT_EQ(a.height, 8);
  EXPECT_EQ(a.pixels, b.pixels);
  EXPECT_NE(a.pixels, c.pixels);
  // 8-bit input (whole levels) is resized as MATLAB resizes uint8: rounded per pass.
  Image levels = upres::data::quantize_bits(hr, 8);
  upres::data::ResizeOptions u8;
  u8.round_to_uint8 = true;
  EXPECT_EQ(upres::data::degrade(levels, def, 4, 1).pixels, upres::data::imresize(levels, 0.25, u8).pixels);
  EXPECT_NE(upres::data::imresize(levels, 0.25, u8).pixels, upres::data::imresize(levels, 0.25).pixels);
  // Without a resize step the size is kept.
  Image same = upres::data::degrade(hr, parse_degrade_pipeline("blur:1,quantize:4"), 4, 0);
  EXPECT_EQ(same.width, 37);
  EXPECT_EQ(same.height, 23);
}
