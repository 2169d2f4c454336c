// Tests of data/patches.h: a patch pair is the HR window and the matching window
// of the whole image's LR (default pipeline), images are drawn by area or
// uniformly, as PatchOptions::by_area says - counted over many draws - and
// hr_scales adds shrunk copies made as MATLAB shrinks a uint8 image.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "data/image.h"
#include "data/patches.h"
#include "data/resize.h"
#include "engine/error.h"
#include "support/temp_dir.h"

namespace upres::data {
namespace {

// A grey image whose every pixel holds `level`: patches then tell which image they came from.
Image flat(int w, int h, float level) {
  Image img(w, h, 3);
  for (float& v : img.pixels) v = level;
  return img;
}

// An RGB image of wrapping ramps, level (x kx + y ky + c kc) mod n of n: no two windows alike.
Image ramps(int w, int h, int kx, int ky, int kc, int n) {
  Image img(w, h, 3);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) img.at(c, y, x) = static_cast<float>((x * kx + y * ky + c * kc) % n) / (n - 1);
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
  save_png(ramps(30, 24, 7, 13, 31, 64), dir.file("a.png"));
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

// Whether `hr` ([C, hp, hp] at `v`) is, under one of the 8 transforms, the window of `img` at
// some position of the `step` grid.
bool is_window_of(const Image& img, const float* v, int hp, int step) {
  for (int top = 0; top + hp <= img.height; top += step)
    for (int left = 0; left + hp <= img.width; left += step)
      for (int t = 0; t < 8; ++t) {
        bool same = true;
        std::vector<float> w(static_cast<size_t>(hp) * hp);
        for (int c = 0; c < img.channels && same; ++c) {
          dihedral_copy(img.plane(c) + top * img.width + left, img.width, hp, t, w.data());
          for (int j = 0; j < hp * hp && same; ++j) same = w[j] == v[c * hp * hp + j];
        }
        if (same) return true;
      }
  return false;
}

TEST(PatchSet, HrScalesAddCopiesShrunkAsMatlabShrinksUint8) {
  upres::testing::TempDir dir;
  save_png(ramps(40, 34, 5, 11, 29, 97), dir.file("a.png"));
  PatchOptions o;
  o.scale = 2;
  o.channels = 3;
  o.patch = 5;
  o.hr_scales = {1.0, 0.5, 0.2};  // 40x34, 20x17 and 8x7 (too small for a 10x10 HR patch)
  o.by_area = false;
  PatchSet set(dir.path(), o);
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(set.skipped(), 1u);
  const Image hr = load_image(dir.file("a.png"));
  ResizeOptions ro;
  ro.round_to_uint8 = true;
  const Image half = modcrop(imresize(hr, 0.5, ro), 2);  // 20x16
  ASSERT_EQ(half.width, 20);
  ASSERT_EQ(half.height, 16);
  Batch b = set.make_batch(7, 0, 24);
  const std::vector<float> hv = b.hr.to_vector();
  int from_half = 0;
  for (int i = 0; i < 24; ++i) {
    const float* v = hv.data() + static_cast<size_t>(i) * 3 * 100;
    const bool in_full = is_window_of(hr, v, 10, 2), in_half = is_window_of(half, v, 10, 2);
    EXPECT_TRUE(in_full || in_half) << "HR patch " << i << " is no window of the image or its half-size copy";
    from_half += in_half && !in_full;
  }
  EXPECT_GT(from_half, 3) << "the half-size copy is drawn about half the time";
  EXPECT_LT(from_half, 21);
}

TEST(PatchSet, HrScalesParseAndRefuseBadLists) {
  EXPECT_EQ(parse_hr_scales("1"), std::vector<double>{1.0});
  EXPECT_EQ(parse_hr_scales("1,0.9,0.6"), (std::vector<double>{1.0, 0.9, 0.6}));
  for (const char* bad : {"", "1,", "0", "1.5", "0.8x", "1,0.8,0.8", "-0.5", "nan"}) {
    try {
      parse_hr_scales(bad);
      ADD_FAILURE() << "'" << bad << "' was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("HR scales '" + std::string(bad) + "'"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace upres::data
