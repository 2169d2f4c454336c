// Tests of data/color (BT.601 YCbCr, MATLAB rgb2ycbcr convention) and
// data/box_downscale, against the formulas written out plainly.
#include <gtest/gtest.h>

#include <cmath>

#include "data/box_downscale.h"
#include "data/color.h"
#include "engine/error.h"

using namespace upres;
using namespace upres::data;

TEST(Color, LumaOf8BitValuesMatchesMatlabFormula) {
  Image rgb(4, 1, 3);
  const int px[4][3] = {{0, 0, 0}, {255, 255, 255}, {255, 0, 0}, {12, 200, 99}};
  for (int i = 0; i < 4; ++i)
    for (int c = 0; c < 3; ++c) rgb.at(c, 0, i) = px[i][c] / 255.0f;
  Image y = rgb_to_y(rgb);
  ASSERT_EQ(y.channels, 1);
  for (int i = 0; i < 4; ++i) {
    double expect = 16.0 + (65.481 * px[i][0] + 128.553 * px[i][1] + 24.966 * px[i][2]) / 255.0;
    EXPECT_NEAR(y.at(0, 0, i) * 255.0, expect, 1e-4) << "pixel " << i;
  }
  EXPECT_NEAR(y.at(0, 0, 0) * 255.0, 16.0, 1e-4);
  EXPECT_NEAR(y.at(0, 0, 1) * 255.0, 235.0, 1e-3);
}

TEST(Color, ChromaMatchesFormulaAndRoundTrips) {
  Image rgb(5, 3, 3);
  for (size_t i = 0; i < rgb.pixels.size(); ++i) rgb.pixels[i] = static_cast<float>((i * 53) % 256) / 255.0f;
  Image ycc = rgb_to_ycbcr(rgb);
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 5; ++x) {
      double r = rgb.at(0, y, x), g = rgb.at(1, y, x), b = rgb.at(2, y, x);
      EXPECT_NEAR(ycc.at(1, y, x) * 255.0, 128 - 37.797 * r - 74.203 * g + 112.0 * b, 1e-3);
      EXPECT_NEAR(ycc.at(2, y, x) * 255.0, 128 + 112.0 * r - 93.786 * g - 18.214 * b, 1e-3);
    }
  Image back = ycbcr_to_rgb(ycc);
  for (size_t i = 0; i < rgb.pixels.size(); ++i) EXPECT_NEAR(back.pixels[i], rgb.pixels[i], 1e-5);
}

TEST(Color, GreyIsTakenAsLumaAndBadChannelCountsThrow) {
  Image grey(2, 2, 1, 0.25f);
  EXPECT_EQ(rgb_to_y(grey).pixels, grey.pixels);
  EXPECT_THROW(rgb_to_ycbcr(Image(2, 2, 2)), Error);
  EXPECT_THROW(ycbcr_to_rgb(Image(2, 2, 4)), Error);
  Image rgba(2, 2, 4, 0.5f);
  EXPECT_EQ(rgb_to_y(rgba).channels, 1);
}

TEST(BoxDownscale, AveragesBlocksAndCropsRemainder) {
  Image img(7, 5, 2);
  for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<float>(i % 17) / 16.0f;
  for (int f : {1, 2, 3}) {
    Image out = box_downscale(img, f);
    ASSERT_EQ(out.width, 7 / f);
    ASSERT_EQ(out.height, 5 / f);
    for (int c = 0; c < 2; ++c)
      for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x) {
          double s = 0;
          for (int i = 0; i < f; ++i)
            for (int j = 0; j < f; ++j) s += img.at(c, y * f + i, x * f + j);
          EXPECT_NEAR(out.at(c, y, x), s / (f * f), 1e-6);
        }
  }
  EXPECT_THROW(box_downscale(img, 0), Error);
  EXPECT_THROW(box_downscale(img, 6), Error);
}
