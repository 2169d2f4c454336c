// Tests of data/image: PNG round trips for 1 to 4 channels, exact 8-bit
// quantisation, clear errors for missing/empty/corrupt files, atomic saving,
// and the Image <-> Tensor layout.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "data/image.h"
#include "engine/error.h"

using namespace upres;
using namespace upres::data;
namespace fs = std::filesystem;

namespace {

// A fresh folder per test under the system temp dir.
fs::path scratch(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("upres_test_image_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// Every sample k/255 for a pseudo-random k: exactly representable in 8 bits.
Image pattern(int w, int h, int c) {
  Image img(w, h, c);
  for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<float>((i * 37 + 11) % 256) / 255.0f;
  return img;
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary);
  f << bytes;
}

// The message of the upres::Error that `fn` throws ("" if none).
template <typename F>
std::string error_of(F fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Image, PngRoundTripKeepsChannelsAndValues) {
  fs::path d = scratch("roundtrip");
  for (int c = 1; c <= 4; ++c) {
    Image img = pattern(7, 5, c);
    std::string path = (d / ("c" + std::to_string(c) + ".png")).string();
    save_png(img, path);
    Image back = load_image(path);
    ASSERT_EQ(back.width, 7);
    ASSERT_EQ(back.height, 5);
    ASSERT_EQ(back.channels, c) << "a " << c << "-channel PNG must load with " << c << " channels";
    EXPECT_EQ(back.pixels, img.pixels);
  }
  fs::remove_all(d);
}

TEST(Image, PlanarLayoutMatchesPixelPositions) {
  // A 3x2 RGB image where R encodes x, G encodes y, B is constant; after a PNG
  // round trip, plane c at (y, x) must still hold the value written there.
  Image img(3, 2, 3);
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 3; ++x) {
      img.at(0, y, x) = x * 50 / 255.0f;
      img.at(1, y, x) = y * 100 / 255.0f;
      img.at(2, y, x) = 7 / 255.0f;
    }
  fs::path d = scratch("layout");
  save_png(img, (d / "a.png").string());
  Image back = load_image((d / "a.png").string());
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 3; ++x) {
      EXPECT_FLOAT_EQ(back.at(0, y, x), x * 50 / 255.0f);
      EXPECT_FLOAT_EQ(back.at(1, y, x), y * 100 / 255.0f);
      EXPECT_FLOAT_EQ(back.at(2, y, x), 7 / 255.0f);
    }
  fs::remove_all(d);
}

TEST(Image, SaveRoundsAndClampsTo8Bit) {
  Image img(4, 1, 1);
  img.pixels = {-0.5f, 0.5f / 255.0f + 1e-4f, 1.7f, std::nanf("")};
  fs::path d = scratch("clamp");
  save_png(img, (d / "q.png").string());
  Image back = load_image((d / "q.png").string());
  std::vector<float> expect = {0.0f, 1.0f / 255.0f, 1.0f, 0.0f};
  EXPECT_EQ(back.pixels, expect);
  fs::remove_all(d);
}

TEST(Image, ErrorsNameTheFile) {
  fs::path d = scratch("errors");
  std::string missing = (d / "missing.png").string();
  std::string msg = error_of([&] { load_image(missing); });
  EXPECT_NE(msg.find("missing.png"), std::string::npos) << msg;
  EXPECT_NE(msg.find("does not exist"), std::string::npos) << msg;

  write_bytes(d / "empty.png", "");
  msg = error_of([&] { load_image((d / "empty.png").string()); });
  EXPECT_NE(msg.find("empty.png"), std::string::npos) << msg;
  EXPECT_NE(msg.find("0 bytes"), std::string::npos) << msg;

  write_bytes(d / "corrupt.png", "\x89PNG\r\n\x1a\n this is not really a png");
  msg = error_of([&] { load_image((d / "corrupt.png").string()); });
  EXPECT_NE(msg.find("corrupt.png"), std::string::npos) << msg;
  EXPECT_NE(msg.find("cannot decode"), std::string::npos) << msg;

  msg = error_of([&] { load_image(d.string()); });
  EXPECT_NE(msg.find("directory"), std::string::npos) << msg;

  msg = error_of([&] { save_png(pattern(2, 2, 1), (d / "no" / "such" / "dir.png").string()); });
  EXPECT_NE(msg.find("dir.png"), std::string::npos) << msg;
  fs::remove_all(d);
}

TEST(Image, SaveIsAtomicAndLeavesNoTemporaryFile) {
  fs::path d = scratch("atomic");
  std::string path = (d / "out.png").string();
  save_png(pattern(3, 3, 3), path);
  save_png(pattern(5, 4, 1), path);  // overwrite
  Image back = load_image(path);
  EXPECT_EQ(back.width, 5);
  EXPECT_EQ(back.channels, 1);
  int files = 0;
  for (auto& e : fs::directory_iterator(d)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1) << "a temporary file was left beside the output";
  fs::remove_all(d);
}

TEST(Image, TensorConversionIsNCHW) {
  Image img = pattern(4, 3, 2);
  Tensor t = to_tensor(img);
  EXPECT_EQ(t.shape(), (Shape{1, 2, 3, 4}));
  auto v = t.to_vector();
  // element [0, c, y, x] sits at c*12 + y*4 + x
  EXPECT_EQ(v[1 * 12 + 2 * 4 + 3], img.at(1, 2, 3));
  Image back = to_image(t);
  EXPECT_EQ(back.pixels, img.pixels);
  EXPECT_EQ(back.width, 4);
  EXPECT_EQ(back.height, 3);
  EXPECT_THROW(to_image(Tensor::zeros({2, 1, 3, 3})), Error);
}

TEST(Image, CropModcropAndChannelSelection) {
  Image img = pattern(7, 5, 3);
  Image m = modcrop(img, 2);
  EXPECT_EQ(m.width, 6);
  EXPECT_EQ(m.height, 4);
  Image c = crop(img, 1, 2, 3, 4);
  for (int ch = 0; ch < 3; ++ch)
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 4; ++x) EXPECT_EQ(c.at(ch, y, x), img.at(ch, y + 1, x + 2));
  EXPECT_THROW(crop(img, 3, 0, 3, 1), Error);
  Image g = select_channels(img, 1, 2);
  EXPECT_EQ(g.channels, 2);
  EXPECT_EQ(g.at(0, 4, 6), img.at(1, 4, 6));
  Image merged = merge_channels({select_channels(img, 0, 1), g});
  EXPECT_EQ(merged.pixels, img.pixels);
}
