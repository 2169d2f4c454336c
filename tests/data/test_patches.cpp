// Tests of data/patches.h: a patch pair is the HR window and the matching window
// of the whole image's LR (default pipeline), and images are drawn by area or
// uniformly, as PatchOptions::by_area says - counted over many draws.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "data/image.h"
#include "data/patches.h"
#include "data/resize.h"
#include "support/temp_dir.h"

namespace upres::data {
namespace {

// A grey image whose every pixel holds `level`: patches then tell which image they came from.
Image flat(int w, int h, float level) {
  Image img(w, h, 3);
  for (float& v : img.pixels) v = level;
  return img;
}

TEST(PatchSet, ImagesAreDrawnByAreaOrUniformly) {
  upres::testing::TempDir dir;
  save_png(flat(96, 96, 0.2f), dir.file("big.png"));    // 48 x 48 LR pixels at x2: 2304
  save_png(flat(32, 32, 0.8f), dir.file("small.png"));  // 16 x 16: 256, a tenth of the total
  for (bool by_area : {true, false}) {
    PatchOptions o;
    o.scale = 2;
    o.channels = 1;
    o.patch = 8;
    o.by_area = by_area;
    PatchSet set(dir.path(), o);
    ASSERT_EQ(set.size(), 2u);
    int small = 0, n = 0;
    for (int64_t k = 0; k < 250; ++k) {
      Batch b = set.make_batch(3, k, 16);
      for (int i = 0; i < 16; ++i, ++n) small += b.hr.to_vector()[static_cast<size_t>(i) * 16 * 16] > 0.5f;
    }
    const double share = double(small) / n, expect = by_area ? 256.0 / (2304 + 256) : 0.5;
    // 4000 draws: the standard error of a share p is sqrt(p (1 - p) / 4000) <= 0.008.
    EXPECT_NEAR(share, expect, 0.03) << (by_area ? "by area" : "uniformly");
  }
}

TEST(PatchSet, LrPatchIsTheWindowOfTheWholeImagesLr) {
  upres::testing::TempDir dir;
  Image img(30, 24, 3);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 24; ++y)
      for (int x = 0; x < 30; ++x) img.at(c, y, x) = static_cast<float>((x * 7 + y * 13 + c * 31) % 64) / 63.0f;
  save_png(img, dir.file("a.png"));
  PatchOptions o;
  o.scale = 3;
  o.channels = 3;
  o.patch = 4;
  PatchSet set(dir.path(), o);
  const Image hr = load_image(dir.file("a.png"));
  ResizeOptions ro;
  ro.round_to_uint8 = true;  // an 8-bit RGB image is resized as MATLAB resizes uint8 (data/degrade.h)
  const Image lr = imresize(hr, 1.0 / 3.0, ro);
  Batch b = set.make_batch(11, 0, 32);
  const std::vector<float> lv = b.lr.to_vector(), hv = b.hr.to_vector();
  // Each pair, under one of the 8 flips/rotations: find the LR window (and HR window)
  // it is, among all positions on the scale grid and all 8 transforms.
  for (int i = 0; i < 32; ++i) {
    bool found = false;
    for (int top = 0; top + 4 <= lr.height && !found; ++top)
      for (int left = 0; left + 4 <= lr.width && !found; ++left)
        for (int t = 0; t < 8 && !found; ++t) {
          bool same = true;
          for (int c = 0; c < 3 && same; ++c) {
            float lw[16], hw[144];
            dihedral_copy(lr.plane(c) + top * lr.width + left, lr.width, 4, t, lw);
            dihedral_copy(hr.plane(c) + top * 3 * hr.width + left * 3, hr.width, 12, t, hw);
            for (int j = 0; j < 16 && same; ++j) same = std::fabs(lw[j] - lv[(i * 3 + c) * 16 + j]) < 1e-6f;
            for (int j = 0; j < 144 && same; ++j) same = hw[j] == hv[(i * 3 + c) * 144 + j];
          }
          found = same;
        }
    EXPECT_TRUE(found) << "pair " << i << " is no aligned window of the image and its LR";
  }
}

}  // namespace
}  // namespace upres::data
