// Tests of metrics/protocol.h, the evaluation protocols of SR tables, against
// plain loops written here: protocol names; prepare_hr (modcrop, alpha dropped,
// legacy-y's Y rounded to a level as MATLAB's rgb2ycbcr on uint8, grey kept);
// make_lr sizes (480x321 / 3 is 160x107, no ceil(160.0000001)) and 8-bit levels
// only in the standard protocol; score_y equals a naive Y-PSNR with the border
// removed and the SR rounded to 8 bits, ignores differences inside the border,
// and rejects mismatched sizes.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "data/image.h"
#include "engine/error.h"
#include "metrics/protocol.h"

using upres::data::Image;
using namespace upres::metrics;

namespace {

// An 8-bit RGB picture with edges and texture.
Image pattern(int w, int h, int channels = 3) {
  Image img(w, h, channels);
  for (int c = 0; c < channels; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        img.at(c, y, x) = static_cast<float>(((x * 7 + y * 5 + c * 71 + (x * y % 13) * 9) % 256) / 255.0);
  return img;
}

bool is_level(float v) {
  const double s = 255.0 * v;
  return std::abs(s - std::nearbyint(s)) < 1e-3;
}

// MATLAB rgb2ycbcr on uint8: Y = round(16 + (65.481 R + 128.553 G + 24.966 B) / 255).
double y_level(int r, int g, int b) { return std::floor(16.0 + (65.481 * r + 128.553 * g + 24.966 * b) / 255.0 + 0.5); }

std::string message_of(void (*f)()) {
  try {
    f();
  } catch (const upres::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(EvalProtocol, NamesRoundTripAndUnknownNameListsTheNames) {
  for (const std::string& n : eval_protocol_names())
    EXPECT_EQ(eval_protocol_name(eval_protocol_from_name(n)), n);
  EXPECT_EQ(eval_protocol_from_name("LEGACY_Y"), EvalProtocol::legacy_y);
  const std::string m = message_of([] { eval_protocol_from_name("matlab"); });
  EXPECT_NE(m.find("'matlab'"), std::string::npos) << m;
  EXPECT_NE(m.find("standard"), std::string::npos) << m;
  EXPECT_NE(m.find("legacy-y"), std::string::npos) << m;
}

TEST(EvalProtocol, PrepareHrCropsDropsAlphaAndRoundsLegacyY) {
  Image rgba = pattern(13, 8, 4);
  Image std_hr = prepare_hr(rgba, 3, EvalProtocol::standard);
  EXPECT_EQ(std_hr.width, 12);
  EXPECT_EQ(std_hr.height, 6);
  EXPECT_EQ(std_hr.channels, 3);
  EXPECT_EQ(std_hr.at(2, 5, 11), rgba.at(2, 5, 11));  // top-left kept

  Image y = prepare_hr(rgba, 4, EvalProtocol::legacy_y);
  ASSERT_EQ(y.channels, 1);
  EXPECT_EQ(y.width, 12);
  EXPECT_EQ(y.height, 8);
  for (int r = 0; r < y.height; ++r)
    for (int c = 0; c < y.width; ++c) {
      const int R = static_cast<int>(std::lround(255 * rgba.at(0, r, c)));
      const int G = static_cast<int>(std::lround(255 * rgba.at(1, r, c)));
      const int B = static_cast<int>(std::lround(255 * rgba.at(2, r, c)));
      ASSERT_DOUBLE_EQ(255.0 * y.at(0, r, c), static_cast<float>(y_level(R, G, B) / 255.0) * 255.0) << r << "," << c;
    }
  // Pure red: 16 + 65.481 = 81.481 -> 81; white: 235.
  Image px(1, 1, 3, 0.0f);
  px.at(0, 0, 0) = 1.0f;
  EXPECT_FLOAT_EQ(prepare_hr(px, 1, EvalProtocol::legacy_y).at(0, 0, 0), 81.0f / 255.0f);
  // A grey image is its own Y in both protocols.
  Image grey = pattern(9, 9, 1);
  Image gy = prepare_hr(grey, 3, EvalProtocol::legacy_y);
  ASSERT_EQ(gy.channels, 1);
  EXPECT_EQ(gy.pixels, grey.pixels);
  EXPECT_THROW(prepare_hr(pattern(2, 9), 3, EvalProtocol::standard), upres::Error);
}

TEST(EvalProtocol, MakeLrSizesAndLevels) {
  Image hr = prepare_hr(pattern(481, 321), 3, EvalProtocol::standard);
  Image lr = make_lr(hr, 3, EvalProtocol::standard);
  EXPECT_EQ(lr.width, 160);
  EXPECT_EQ(lr.height, 107);
  EXPECT_EQ(lr.channels, 3);
  for (float v : lr.pixels) ASSERT_TRUE(is_level(v)) << 255.0 * v;
  // legacy-y keeps the double values: some samples are between levels.
  Image ly = make_lr(prepare_hr(pattern(481, 321), 3, EvalProtocol::legacy_y), 3, EvalProtocol::legacy_y);
  ASSERT_EQ(ly.channels, 1);
  int between = 0;
  for (float v : ly.pixels) between += !is_level(v);
  EXPECT_GT(between, 1000);
  Image up = bicubic_sr(ly, 3, EvalProtocol::legacy_y);
  EXPECT_EQ(up.width, 480);
  EXPECT_EQ(up.height, 321);
  EXPECT_THROW(make_lr(pattern(20, 21), 2, EvalProtocol::standard), upres::Error);  // not cropped
  EXPECT_THROW(make_lr(pattern(20, 20), 0, EvalProtocol::standard), upres::Error);
}

TEST(EvalProtocol, ScoreYEqualsNaiveLoopOverTheInterior) {
  for (EvalProtocol p : {EvalProtocol::standard, EvalProtocol::legacy_y})
    for (int scale : {2, 3, 4}) {
      Image hr = prepare_hr(pattern(37, 31), scale, p);
      Image sr = bicubic_sr(make_lr(hr, scale, p), scale, p);
      // The reference: round SR to 8 bits, BT.601 Y in double (legacy-y: already Y), shave, MSE.
      double se = 0;
      int n = 0;
      for (int y = scale; y < hr.height - scale; ++y)
        for (int x = scale; x < hr.width - scale; ++x) {
          auto lev = [](float v) { return std::floor(std::min(std::max(255.0 * v, 0.0), 255.0) + 0.5); };
          auto luma = [&](const Image& im, bool round) {
            if (im.channels == 1) return round ? lev(im.at(0, y, x)) : 255.0 * im.at(0, y, x);
            double r = round ? lev(im.at(0, y, x)) : std::nearbyint(255.0 * im.at(0, y, x));
            double g = round ? lev(im.at(1, y, x)) : std::nearbyint(255.0 * im.at(1, y, x));
            double b = round ? lev(im.at(2, y, x)) : std::nearbyint(255.0 * im.at(2, y, x));
            return 16.0 + (65.481 * r + 128.553 * g + 24.966 * b) / 255.0;
          };
          const double d = luma(sr, true) - (hr.channels == 1 ? std::nearbyint(255.0 * hr.at(0, y, x)) : luma(hr, false));
          se += d * d;
          ++n;
        }
      const double want = 10.0 * std::log10(255.0 * 255.0 / (se / n));
      YScores s = score_y(sr, hr, scale, p);
      EXPECT_NEAR(s.psnr, want, 1e-9) << eval_protocol_name(p) << " x" << scale;
      EXPECT_GT(s.ssim, 0.05);  // the pattern is mostly texture, which bicubic loses
      EXPECT_LT(s.ssim, 1.0);
    }
}

TEST(EvalProtocol, ScoreYRoundsSrIgnoresTheBorderAndChecksSizes) {
  Image hr = prepare_hr(pattern(30, 30), 3, EvalProtocol::standard);
  Image sr = hr;
  for (float& v : sr.pixels) v += 0.4f / 255.0f;  // rounds back to HR's levels (or clamps at 1)
  for (int c = 0; c < 3; ++c) {
    sr.at(c, 0, 0) = 1.0f - hr.at(c, 0, 0);  // differences inside the 3-pixel border
    sr.at(c, 29, 2) = 0.0f;
  }
  YScores s = score_y(sr, hr, 3, EvalProtocol::standard);
  EXPECT_TRUE(std::isinf(s.psnr) && s.psnr > 0) << s.psnr;
  EXPECT_NEAR(s.ssim, 1.0, 1e-12);
  // One Y level everywhere in the interior: MSE 1 -> 20 log10(255) dB.
  Image y = prepare_hr(pattern(30, 30), 3, EvalProtocol::legacy_y), y1 = y;
  for (float& v : y1.pixels) v = std::min(v + 1.0f / 255.0f, 1.0f);
  for (float v : y.pixels) ASSERT_LT(v, 254.5f / 255.0f);
  EXPECT_NEAR(score_y(y1, y, 3, EvalProtocol::legacy_y).psnr, 20.0 * std::log10(255.0), 1e-9);
  EXPECT_THROW(score_y(prepare_hr(pattern(33, 30), 3, EvalProtocol::standard), hr, 3, EvalProtocol::standard),
               upres::Error);
  EXPECT_THROW(score_y(y, hr, 3, EvalProtocol::standard), upres::Error);  // Y vs RGB
}
