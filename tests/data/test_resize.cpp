// Tests of MATLAB-style imresize (data/resize.h): against float64 reference
// values from an independent numpy implementation of MATLAB's algorithm
// (tests/fixtures/resize/make_fixture.py: bicubic/bilinear/nearest, x1/2 x1/3
// x1/4 x2 x3 x4, 0.7, 1.37, explicit sizes, uint8 rounding), plus properties:
// identity at scale 1, constants stay constant, weight rows sum to 1 with
// in-range indices, output sizes ceil(in * scale), clear errors; and, where
// ../shared/data exists, Set5 butterfly x1/4, x1/3, x1/2 in uint8 mode level for
// level (sums and samples from the same numpy reference). The uint8 cases also
// pin the order of the passes: they fail when the passes are swapped.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "data/resize.h"
#include "engine/dispatch.h"
#include "engine/error.h"

using upres::data::Image;
using upres::data::imresize;
using upres::data::ResizeKernel;
using upres::data::ResizeOptions;

namespace {

struct Case {
  std::string name, kernel;
  double scale = 0;
  int out_h = 0, out_w = 0;
  bool by_size = false, antialias = true, uint8 = false;
  std::vector<double> values;  // 8-bit units
};

struct Fixture {
  Image input;  // v / 255
  std::vector<Case> cases;
};

Fixture load_fixture() {
  std::ifstream f(std::string(UPRES_SOURCE_DIR) + "/tests/fixtures/resize/resize_cases.txt");
  Fixture fx;
  if (!f) return fx;
  std::string word;
  int h = 0, w = 0;
  f >> word >> h >> w;
  fx.input = Image(w, h, 1);
  for (int i = 0; i < h * w; ++i) {
    int v = 0;
    f >> v;
    fx.input.pixels[i] = static_cast<float>(v / 255.0);
  }
  while (f >> word && word == "case") {
    Case c;
    int by_size = 0, aa = 0, u8 = 0;
    f >> c.name >> c.kernel >> c.scale >> c.out_h >> c.out_w >> by_size >> aa >> u8;
    c.by_size = by_size, c.antialias = aa, c.uint8 = u8;
    c.values.resize(static_cast<size_t>(c.out_h) * c.out_w);
    for (double& v : c.values) f >> v;
    fx.cases.push_back(c);
  }
  return fx;
}

Image pattern(int w, int h, int c) {
  Image img(w, h, c);
  for (int ch = 0; ch < c; ++ch)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) img.at(ch, y, x) = static_cast<float>(((x * 37 + y * 91 + ch * 53) % 256) / 255.0);
  return img;
}

double max_abs_diff(const Image& a, const Image& b) {
  double m = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) m = std::max(m, std::fabs(double(a.pixels[i]) - b.pixels[i]));
  return m;
}

}  // namespace

TEST(Imresize, MatchesMatlabAlgorithmFixtureForEveryKernelAndFactor) {
  Fixture fx = load_fixture();
  ASSERT_FALSE(fx.cases.empty()) << "tests/fixtures/resize/resize_cases.txt missing or empty";
  for (const Case& c : fx.cases) {
    SCOPED_TRACE(c.name);
    ResizeOptions opt;
    opt.kernel = upres::data::resize_kernel_from_name(c.kernel);
    opt.antialias = c.antialias;
    opt.round_to_uint8 = c.uint8;
    Image out = c.by_size ? imresize(fx.input, c.out_h, c.out_w, opt) : imresize(fx.input, c.scale, opt);
    ASSERT_EQ(out.height, c.out_h);
    ASSERT_EQ(out.width, c.out_w);
    ASSERT_EQ(out.channels, 1);
    double worst = 0;
    int level_mismatches = 0;
    for (size_t i = 0; i < c.values.size(); ++i) {
      worst = std::max(worst, std::fabs(double(out.pixels[i]) * 255.0 - c.values[i]));
      level_mismatches += std::lround(out.pixels[i] * 255.0) != std::lround(c.values[i]);
    }
    // float32 weights and sums vs MATLAB's double: well under 1e-3 of an 8-bit level
    // (measured: at most 1.1e-4); with uint8 rounding the levels must be identical
    // (the only difference left is the float nearest v/255, ~1e-5 of a level).
    EXPECT_LT(worst, c.uint8 ? 1e-4 : 5e-4) << "max |diff| in 8-bit units";
    if (c.uint8) {
      EXPECT_EQ(level_mismatches, 0);
    }
    if (std::getenv("UPRES_RESIZE_REPORT")) std::printf("%-26s max |diff| %.3g (8-bit units)\n", c.name.c_str(), worst);
  }
}

TEST(Imresize, ScaleOneIsTheIdentityForEveryKernel) {
  Image img = pattern(7, 5, 3);
  for (ResizeKernel k : {ResizeKernel::nearest, ResizeKernel::bilinear, ResizeKernel::bicubic}) {
    ResizeOptions opt;
    opt.kernel = k;
    Image out = imresize(img, 1.0, opt);
    ASSERT_EQ(out.width, 7);
    ASSERT_EQ(out.height, 5);
    EXPECT_EQ(out.pixels, img.pixels) << upres::data::resize_kernel_name(k);
    Image same = imresize(img, 5, 7, opt);
    EXPECT_EQ(same.pixels, img.pixels);
  }
}

TEST(Imresize, ConstantImagesStayConstant) {
  Image img(13, 7, 2, 0.0f);
  std::fill(img.pixels.begin(), img.pixels.begin() + img.plane_size(), 0.3f);
  std::fill(img.pixels.begin() + img.plane_size(), img.pixels.end(), 1.0f);
  for (ResizeKernel k : {ResizeKernel::nearest, ResizeKernel::bilinear, ResizeKernel::bicubic})
    for (double s : {0.25, 1.0 / 3.0, 0.5, 0.7, 1.37, 2.0, 3.0, 4.0}) {
      ResizeOptions opt;
      opt.kernel = k;
      Image out = imresize(img, s, opt);
      for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x) {
          ASSERT_NEAR(out.at(0, y, x), 0.3f, 1e-6) << upres::data::resize_kernel_name(k) << " x" << s;
          ASSERT_NEAR(out.at(1, y, x), 1.0f, 1e-6) << upres::data::resize_kernel_name(k) << " x" << s;
        }
    }
}

TEST(Imresize, WeightRowsSumToOneWithIndicesInRange) {
  struct Row { int64_t in, out; double scale; };
  for (ResizeKernel k : {ResizeKernel::nearest, ResizeKernel::bilinear, ResizeKernel::bicubic})
    for (Row r : {Row{1, 4, 4.0}, Row{3, 1, 0.25}, Row{7, 2, 0.25}, Row{9, 3, 1.0 / 3.0}, Row{13, 18, 1.37},
                  Row{5, 10, 2.0}, Row{8, 3, 0.3}, Row{2, 7, 3.5}})
      for (bool aa : {true, false}) {
        auto t = upres::data::resize_weights(r.in, r.out, r.scale, k, aa);
        ASSERT_EQ(t.out, r.out);
        ASSERT_GE(t.taps, 1);
        for (int64_t o = 0; o < t.out; ++o) {
          double sum = 0;
          for (int64_t j = 0; j < t.taps; ++j) {
            sum += t.weight[o * t.taps + j];
            ASSERT_GE(t.index[o * t.taps + j], 0);
            ASSERT_LT(t.index[o * t.taps + j], r.in);
          }
          EXPECT_NEAR(sum, 1.0, 1e-6) << upres::data::resize_kernel_name(k) << " in " << r.in << " out " << r.out;
        }
      }
  // Antialiasing widens the bicubic stencil by 1/scale: 4/0.25 + 2 = 18 taps before trimming.
  auto wide = upres::data::resize_weights(64, 16, 0.25, ResizeKernel::bicubic, true);
  auto narrow = upres::data::resize_weights(64, 16, 0.25, ResizeKernel::bicubic, false);
  EXPECT_GT(wide.taps, 12);
  EXPECT_LE(narrow.taps, 6);
}

TEST(Imresize, OutputSizeIsCeilOfInputTimesScaleOnOddSizes) {
  Image img = pattern(7, 9, 1);  // 7 wide, 9 high
  struct Row { double s; int w, h; };
  for (Row r : {Row{0.5, 4, 5}, Row{1.0 / 3.0, 3, 3}, Row{0.25, 2, 3}, Row{2, 14, 18}, Row{3, 21, 27},
                Row{4, 28, 36}, Row{0.7, 5, 7}, Row{1.37, 10, 13}}) {
    Image out = imresize(img, r.s);
    EXPECT_EQ(out.width, r.w) << "scale " << r.s;
    EXPECT_EQ(out.height, r.h) << "scale " << r.s;
  }
  Image sized = imresize(img, 4, 11);  // shrink the height, grow the width
  EXPECT_EQ(sized.width, 11);
  EXPECT_EQ(sized.height, 4);
}

TEST(Imresize, NearestUpscaleRepeatsPixelsAndDownscalePicksThem) {
  Image img = pattern(5, 3, 1);
  ResizeOptions opt;
  opt.kernel = ResizeKernel::nearest;
  Image up = imresize(img, 2.0, opt);
  for (int y = 0; y < 6; ++y)
    for (int x = 0; x < 10; ++x) EXPECT_EQ(up.at(0, y, x), img.at(0, y / 2, x / 2));
  Image down = imresize(up, 0.5, opt);
  EXPECT_EQ(down.pixels, img.pixels);
}

TEST(Imresize, Uint8RoundingGivesWholeLevels) {
  // A smooth ramp in [0.2, 0.8]: no overshoot, so no clipping at 0 or 255.
  Image img(11, 9, 3);
  for (size_t i = 0; i < img.pixels.size(); ++i)
    img.pixels[i] = static_cast<float>(std::round(51 + 153 * std::sin(0.37 * double(i)) * std::sin(0.37 * double(i))) / 255.0);
  ResizeOptions opt;
  opt.round_to_uint8 = true;
  for (double s : {0.25, 0.5, 3.0}) {
    Image out = imresize(img, s, opt);
    for (float v : out.pixels) {
      const double level = v * 255.0;
      ASSERT_NEAR(level, std::round(level), 1e-4);
      ASSERT_GE(level, 0.0);
      ASSERT_LE(level, 255.0);
    }
    // Rounding moves a value by half a level in the second pass, and by half a level
    // times the sum of |weights| (<= 1.25 for Keys' cubic) carried from the first.
    Image exact = imresize(img, s);
    EXPECT_LE(max_abs_diff(out, exact) * 255.0, 0.5 + 0.5 * 1.25 + 1e-4);
    EXPECT_GT(max_abs_diff(out, exact) * 255.0, 0.0);
  }
}

TEST(Imresize, ChannelsAreResizedIndependentlyAndThreadCountDoesNotMatter) {
  Image img = pattern(37, 29, 3);
  upres::set_cpu_threads(1);
  Image one = imresize(img, 0.37);
  upres::set_cpu_threads(2);
  Image two = imresize(img, 0.37);
  upres::set_cpu_threads(0);
  EXPECT_EQ(one.pixels, two.pixels);
  Image g = upres::data::select_channels(img, 1, 1);
  Image gout = imresize(g, 0.37);
  Image mid = upres::data::select_channels(one, 1, 1);
  EXPECT_EQ(gout.pixels, mid.pixels);
}

TEST(Imresize, BadArgumentsThrowNamingTheProblem) {
  Image img = pattern(5, 5, 1);
  EXPECT_THROW(imresize(img, 0.0), upres::Error);
  EXPECT_THROW(imresize(img, -2.0), upres::Error);
  EXPECT_THROW(imresize(img, 0, 3), upres::Error);
  EXPECT_THROW(imresize(Image(), 2.0), upres::Error);
  try {
    upres::data::resize_kernel_from_name("lanczos3");
    FAIL() << "no throw";
  } catch (const upres::Error& e) {
    EXPECT_NE(std::string(e.what()).find("lanczos3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bicubic"), std::string::npos) << e.what();
  }
}

TEST(Imresize, Set5ButterflyUint8LevelsMatchReferenceSums) {
  const std::string path = std::string(UPRES_SHARED_DATA_DIR) + "/Set5/butterfly.png";
  if (!std::ifstream(path)) GTEST_SKIP() << "shared data not found: " << path;
  std::ifstream f(std::string(UPRES_SOURCE_DIR) + "/tests/fixtures/resize/set5_summary.txt");
  ASSERT_TRUE(f.good()) << "tests/fixtures/resize/set5_summary.txt missing";
  Image hr = upres::data::load_image(path);
  std::string word, name;
  double factor = 0;
  int h = 0, w = 0, cases = 0;
  while (f >> word >> name >> factor >> h >> w) {
    ResizeOptions opt;
    opt.round_to_uint8 = true;
    Image lr = imresize(hr, factor, opt);
    ASSERT_EQ(lr.height, h);
    ASSERT_EQ(lr.width, w);
    for (int c = 0; c < 3; ++c) {
      long long want_sum = 0, got_sum = 0;
      f >> want_sum;
      const float* p = lr.plane(c);
      for (int64_t i = 0; i < lr.plane_size(); ++i) got_sum += std::lround(p[i] * 255.0);
      EXPECT_EQ(got_sum, want_sum) << "x" << factor << " channel " << c;
      for (int k = 0; k < 16; ++k) {
        int want = 0;
        f >> want;
        EXPECT_EQ(std::lround(p[(k * 7919) % lr.plane_size()] * 255.0), want) << "x" << factor << " sample " << k;
      }
    }
    ++cases;
  }
  EXPECT_EQ(cases, 3);
}
