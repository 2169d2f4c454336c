// Tests of the colour ops (engine/ops/color.h): BT.601 RGB <-> YCbCr and Y against plain
// formulas written here and against data/color.h bit for bit, the round trip, gradients by
// finite differences over odd shapes and batches, and argument errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "data/color.h"
#include "data/image.h"
#include "engine/error.h"
#include "engine/ops.h"
#include "support/gradcheck.h"

using namespace upres;
using namespace upres::testing;

TEST(ColorOps, RgbToYcbcrAndYMatchThePlainFormula) {
  Rng rng(1);
  Tensor x = Tensor::uniform({2, 3, 7, 9}, 0, 1, rng);
  const auto v = x.to_vector(), ycc = rgb_to_ycbcr(x).to_vector(), y = rgb_to_y(x).to_vector();
  const int64_t P = 63;
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t p = 0; p < P; ++p) {
      const double r = v[(n * 3 + 0) * P + p], g = v[(n * 3 + 1) * P + p], b = v[(n * 3 + 2) * P + p];
      const double Y = (16 + 65.481 * r + 128.553 * g + 24.966 * b) / 255;
      const double Cb = (128 - 37.797 * r - 74.203 * g + 112.0 * b) / 255;
      const double Cr = (128 + 112.0 * r - 93.786 * g - 18.214 * b) / 255;
      EXPECT_NEAR(ycc[(n * 3 + 0) * P + p], Y, 1e-7);
      EXPECT_NEAR(ycc[(n * 3 + 1) * P + p], Cb, 1e-7);
      EXPECT_NEAR(ycc[(n * 3 + 2) * P + p], Cr, 1e-7);
      EXPECT_NEAR(y[n * P + p], Y, 1e-7);
    }
  // White and black: Y spans [16, 235] / 255.
  Tensor white = Tensor::ones({1, 3, 1, 1}), black = Tensor::zeros({1, 3, 1, 1});
  EXPECT_NEAR(rgb_to_y(white).item(), 235.0 / 255, 1e-6);
  EXPECT_NEAR(rgb_to_y(black).item(), 16.0 / 255, 1e-7);
}

TEST(ColorOps, EqualDataColorBitForBit) {
  Rng rng(2);
  data::Image img(9, 7, 3);
  for (float& v : img.pixels) v = rng.uniform(0, 1);
  Tensor x = data::to_tensor(img);
  auto same = [](const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
  };
  EXPECT_TRUE(same(rgb_to_ycbcr(x).to_vector(), data::rgb_to_ycbcr(img).pixels));
  EXPECT_TRUE(same(rgb_to_y(x).to_vector(), data::rgb_to_y(img).pixels));
  data::Image ycc = data::rgb_to_ycbcr(img);
  EXPECT_TRUE(same(ycbcr_to_rgb(data::to_tensor(ycc)).to_vector(), data::ycbcr_to_rgb(ycc).pixels));
}

TEST(ColorOps, RoundTripRecoversRgb) {
  Rng rng(3);
  Tensor x = Tensor::uniform({2, 3, 5, 3}, -0.5, 1.5, rng);  // out of gamut too: no clamping
  const auto back = ycbcr_to_rgb(rgb_to_ycbcr(x)).to_vector(), v = x.to_vector();
  for (size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(back[i], v[i], 2e-6);
}

TEST(ColorOps, GradientOddShapesAndBatches) {
  Rng rng(4);
  const Shape shapes[] = {{1, 3, 7, 9}, {2, 3, 5, 3}, {1, 3, 1, 1}};
  for (const Shape& s : shapes) {
    SCOPED_TRACE(to_string(s));
    EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return rgb_to_ycbcr(in[0]); }, {rand_input(s, rng)}));
    EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return ycbcr_to_rgb(in[0]); }, {rand_input(s, rng)}));
    EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return rgb_to_y(in[0]); }, {rand_input(s, rng)}));
  }
}

TEST(ColorOps, WrongChannelCountThrowsNamingTheOp) {
  for (const Shape& s : {Shape{1, 1, 7, 9}, Shape{2, 13, 5, 3}, Shape{3, 7, 9}}) {
    try {
      rgb_to_y(Tensor::zeros(s));
      FAIL() << "rgb_to_y accepted " << to_string(s);
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("rgb_to_y"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(to_string(s)), std::string::npos) << e.what();
    }
    EXPECT_THROW(rgb_to_ycbcr(Tensor::zeros(s)), Error);
    EXPECT_THROW(ycbcr_to_rgb(Tensor::zeros(s)), Error);
  }
}
