// Tests of `upres upscale`'s model choice, tiling, ensemble and folder mode, as a
// user runs them: -m NAME (a shipped model) writes what -m FILE writes; -m
// bicubic is MATLAB's imresize; an unknown name lists the shipped models; -s that
// no shipped model has, --tile < 2 --overlap and --arch without a file are usage
// errors; --tile gives the untiled pixels; --ensemble writes what the library's
// ensemble computes; a folder gives a folder (every image, same names and
// formats, a bad file named on stderr while the others are written); 16-bit and
// RGBA inputs stay 16-bit and RGBA.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "data/image.h"
#include "data/resize.h"
#include "inference/upscale.h"
#include "models/load.h"
#include "support/cli.h"

namespace fs = std::filesystem;
using upres::data::Image;

namespace {

using upres::testing::run_upres;
fs::path scratch(const std::string& name) { return upres::testing::scratch_dir("upscale_modes", name); }
// upres::testing::quoted() is qualified below: with a std::string argument, ADL would pick std::quoted.

Image pattern(int w, int h, int c) {
  Image img(w, h, c);
  for (int k = 0; k < c; ++k)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        img.at(k, y, x) = static_cast<float>(((x * 37 + y * 11 + k * 70 + (x * y) % 23) % 256) / 255.0);
  return img;
}

// Largest difference in 8-bit levels (or 16-bit levels / 257 for 16-bit files).
float max_level_diff(const Image& a, const Image& b) {
  if (a.width != b.width || a.height != b.height || a.channels != b.channels) return INFINITY;
  float m = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    const float x = std::fmin(std::fmax(a.pixels[i], 0.0f), 1.0f), y = std::fmin(std::fmax(b.pixels[i], 0.0f), 1.0f);
    m = std::fmax(m, std::fabs(x - y) * 255.0f);
  }
  return m;
}

const std::string kModel = std::string(UPRES_SOURCE_DIR) + "/models/zoo/espcn_x2.safetensors";

}  // namespace

TEST(UpscaleCliModes, ShippedNameAndFileAndDefaultWriteTheSamePixels) {
  fs::path d = scratch("names");
  upres::data::save_image(pattern(11, 9, 3), (d / "in.png").string());
  ASSERT_EQ(run_upres("upscale -i " + upres::testing::quoted(d / "in.png") + " -o " + upres::testing::quoted(d / "a.png") + " -m espcn -s 2", d).code, 0);
  ASSERT_EQ(run_upres("upscale -i " + upres::testing::quoted(d / "in.png") + " -o " + upres::testing::quoted(d / "b.png") + " -m " + upres::testing::quoted(kModel), d).code, 0);
  // No -m: the best shipped for x2, FSRCNN (ranked above ESPCN, inference/zoo.h).
  ASSERT_EQ(run_upres("upscale -i " + upres::testing::quoted(d / "in.png") + " -o " + upres::testing::quoted(d / "c.png"), d).code, 0);
  ASSERT_EQ(run_upres("upscale -i " + upres::testing::quoted(d / "in.png") + " -o " + upres::testing::quoted(d / "f.png") + " -m fsrcnn -s 2", d).code, 0);
  ASSERT_EQ(run_upres("upscale -i " + upres::testing::quoted(d / "in.png") + " -o " + upres::testing::quoted(d / "e.png") + " -m " + upres::testing::quoted(kModel) + " --arch espcn", d).code, 0);
  Image a = upres::data::load_image((d / "a.png").string());
  EXPECT_EQ(a.width, 22);
  EXPECT_EQ(max_level_diff(a, upres::data::load_image((d / "b.png").string())), 0.0f);
  EXPECT_EQ(max_level_diff(upres::data::load_image((d / "f.png").string()), upres::data::load_image((d / "c.png").string())), 0.0f);
  EXPECT_GT(max_level_diff(a, upres::data::load_image((d / "c.png").string())), 0.0f) << "the default is not espcn";
  EXPECT_EQ(max_level_diff(a, upres::data::load_image((d / "e.png").string())), 0.0f);
  fs::remove_all(d);
}

TEST(UpscaleCliModes, BicubicIsMatlabImresize) {
  fs::path d = scratch("bicubic");
  Image in = pattern(8, 7, 3);
  upres::data::save_image(in, (d / "in.png").string());
  upres::testing::CliRun r = run_upres("upscale -i " + upres::testing::quoted(d / "in.png") + " -o " + upres::testing::quoted(d / "o.png") + " -m bicubic -s 3", d);
  ASSERT_EQ(r.code, 0) << r.err;
  Image out = upres::data::load_image((d / "o.png").string());
  Image expect = upres::data::imresize(upres::data::load_image((d / "in.png").string()), 3.0);
  EXPECT_EQ(out.width, 24);
  EXPECT_LE(max_level_diff(out, expect), 0.5f + 1e-3f) << "only the rounding to 8 bits";
  fs::remove_all(d);
}

TEST(UpscaleCliModes, ModelAndOptionErrorsAreUsageErrorsThatNameTheProblem) {
  fs::path d = scratch("errors");
  upres::data::save_image(pattern(6, 5, 3), (d / "in.png").string());
  const std::string base = "upscale -i " + upres::testing::quoted(d / "in.png") + " -o " + upres::testing::quoted(d / "o.png");
  struct Case {
    std::string args, says;
  };
  const Case cases[] = {
      {" -m nosuchnet", "shipped: espcn x2"},
      {" -m espcn -s 8", "no shipped model 'espcn' for scale 8"},
      {" -s 7", "no shipped model for scale 7"},
      {" -m " + upres::testing::quoted(kModel) + " -s 4", "enlarges by 2"},
      {" --tile 20", "twice --overlap 16"},
      {" --tile 10 --overlap 6", "--tile >= 12"},
      {" --overlap -1", "overlap"},
      {" -m espcn --arch edsr", "--arch"},
      {" -m bicubic --arch edsr", "--arch"},
  };
  for (const Case& k : cases) {
    upres::testing::CliRun r = run_upres(base + k.args, d);
    EXPECT_EQ(r.code, 2) << k.args << ": " << r.err;
    EXPECT_NE(r.err.find(k.says), std::string::npos) << k.args << ": " << r.err;
    EXPECT_FALSE(fs::exists(d / "o.png")) << k.args;
  }
  fs::remove_all(d);
}

TEST(UpscaleCliModes, TiledRunWritesTheUntiledPixelsAndEnsembleTheLibrarysMean) {
  fs::path d = scratch("tile");
  upres::data::save_image(pattern(53, 41, 3), (d / "in.png").string());
  const std::string base = "upscale -i " + upres::testing::quoted(d / "in.png") + " -m " + upres::testing::quoted(kModel);
  ASSERT_EQ(run_upres(base + " -o " + upres::testing::quoted(d / "whole.png"), d).code, 0);
  upres::testing::CliRun r = run_upres(base + " -o " + upres::testing::quoted(d / "tiled.png") + " --tile 16 --overlap 8", d);
  ASSERT_EQ(r.code, 0) << r.err;
  Image whole = upres::data::load_image((d / "whole.png").string());
  EXPECT_LE(max_level_diff(whole, upres::data::load_image((d / "tiled.png").string())), 1.0f)
      << "equal up to a rounding flip (ESPCN's radius 4 <= overlap / 2)";

  // The ensemble on a smaller image (eight runs).
  upres::data::save_image(pattern(19, 15, 3), (d / "small.png").string());
  const std::string small = "upscale -i " + upres::testing::quoted(d / "small.png") + " -m " + upres::testing::quoted(kModel);
  ASSERT_EQ(run_upres(small + " -o " + upres::testing::quoted(d / "plain.png"), d).code, 0);
  r = run_upres(small + " -o " + upres::testing::quoted(d / "ens.png") + " --ensemble", d);
  ASSERT_EQ(r.code, 0) << r.err;
  auto net = upres::models::load_network(kModel).net;
  upres::inference::UpscaleOptions opt;
  opt.ensemble = true;
  Image expect = upres::inference::upscale(*net, upres::data::load_image((d / "small.png").string()), opt);
  Image ens = upres::data::load_image((d / "ens.png").string());
  EXPECT_LE(max_level_diff(ens, expect), 0.5f + 1e-3f);
  EXPECT_GT(max_level_diff(ens, upres::data::load_image((d / "plain.png").string())), 0.0f)
      << "the ensemble changes something";
  fs::remove_all(d);
}

TEST(UpscaleCliModes, FolderInGivesFolderOutAndNamesTheBadFile) {
  fs::path d = scratch("folder");
  fs::path in = d / "in", out = d / "out";
  fs::create_directories(in);
  upres::data::save_image(pattern(7, 5, 3), (in / "a.png").string());
  upres::data::save_image(pattern(6, 6, 3), (in / "b.jpg").string());
  upres::data::save_image(pattern(5, 4, 3), (in / "c.bmp").string());
  Image rgba = pattern(4, 3, 4);
  upres::data::save_image(rgba, (in / "d_rgba.png").string());
  {
    std::ofstream f(in / "broken.png", std::ios::binary);
    f << "not an image";
    std::ofstream t(in / "notes.txt");
    t << "skipped";
  }
  upres::testing::CliRun r = run_upres("upscale -i " + upres::testing::quoted(in) + " -o " + upres::testing::quoted(out), d);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("broken.png"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 of 5 images failed"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out / "broken.png"));
  EXPECT_FALSE(fs::exists(out / "notes.txt"));
  struct Want {
    const char* name;
    int w, h, c;
  };
  for (Want k : {Want{"a.png", 14, 10, 3}, Want{"b.jpg", 12, 12, 3}, Want{"c.bmp", 10, 8, 3}, Want{"d_rgba.png", 8, 6, 4}}) {
    ASSERT_TRUE(fs::exists(out / k.name)) << k.name;
    Image o = upres::data::load_image((out / k.name).string());
    EXPECT_EQ(o.width, k.w) << k.name;
    EXPECT_EQ(o.height, k.h) << k.name;
    EXPECT_EQ(o.channels, k.c) << k.name;
  }
  // The file's format follows its name: the JPEG is a JPEG.
  std::ifstream j(out / "b.jpg", std::ios::binary);
  unsigned char soi[2] = {0, 0};
  j.read(reinterpret_cast<char*>(soi), 2);
  EXPECT_TRUE(soi[0] == 0xFF && soi[1] == 0xD8);

  fs::remove(in / "broken.png");
  r = run_upres("upscale -i " + upres::testing::quoted(in) + " -o " + upres::testing::quoted(out), d);
  EXPECT_EQ(r.code, 0) << r.err;
  r = run_upres("upscale -i " + upres::testing::quoted(in) + " -o " + upres::testing::quoted(out / "a.png"), d);
  EXPECT_EQ(r.code, 2) << "a folder into a file";
  r = run_upres("upscale -i " + upres::testing::quoted(in) + " -o " + upres::testing::quoted(in), d);
  EXPECT_EQ(r.code, 2) << "a folder into itself";
  fs::create_directories(d / "empty");
  r = run_upres("upscale -i " + upres::testing::quoted(d / "empty") + " -o " + upres::testing::quoted(d / "o2"), d);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no image files"), std::string::npos) << r.err;
  fs::remove_all(d);
}

TEST(UpscaleCliModes, SixteenBitPngStaysSixteenBit) {
  fs::path d = scratch("sixteen");
  Image img = pattern(6, 5, 3);
  for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] += static_cast<float>(i % 7) / 65535.0f;  // below 8-bit
  img.bit_depth = 16;
  upres::data::save_image(img, (d / "in.png").string());
  for (const char* m : {"bicubic", "espcn"}) {
    upres::testing::CliRun r = run_upres("upscale -i " + upres::testing::quoted(d / "in.png") + " -o " + upres::testing::quoted(d / "o.png") + " -m " + m, d);
    ASSERT_EQ(r.code, 0) << r.err;
    Image o = upres::data::load_image((d / "o.png").string());
    EXPECT_EQ(o.bit_depth, 16) << m;
    EXPECT_EQ(o.width, 12) << m;
  }
  // bicubic: the 16-bit result of MATLAB's imresize, to 16-bit rounding
  ASSERT_EQ(run_upres("upscale -i " + upres::testing::quoted(d / "in.png") + " -o " + upres::testing::quoted(d / "o.png") + " -m bicubic", d).code, 0);
  Image o = upres::data::load_image((d / "o.png").string());
  Image expect = upres::data::imresize(upres::data::load_image((d / "in.png").string()), 2.0);
  EXPECT_LE(max_level_diff(o, expect), 255.0f * 0.51f / 65535.0f + 1e-5f);
  fs::remove_all(d);
}

// A PNG output is streamed in bands of 16 x --overlap input rows (at least 64):
// 150 rows with --overlap 4 are three bands. Against the BMP path (the whole
// image at once): equal up to rounding flips for ESPCN (radius 4) with --overlap 8,
// and the same for RGBA (alpha goes through bicubic per band) and a 16-bit grey input.
TEST(UpscaleCliModes, StreamedPngEqualsTheWholeImage) {
  fs::path d = scratch("stream");
  auto net = upres::models::load_network(kModel).net;
  struct Case {
    int channels, bits;
    const char* overlap;
  };
  for (const Case& k : {Case{3, 8, "8"}, Case{4, 8, "4"}, Case{1, 16, "4"}}) {
    Image img = pattern(23, 150, k.channels);
    img.bit_depth = k.bits;
    upres::data::save_image(img, (d / "in.png").string());
    const std::string base = "upscale -i " + upres::testing::quoted(d / "in.png") + " -m " +
                             upres::testing::quoted(kModel) + " --overlap " + k.overlap + " -o ";
    upres::testing::CliRun r = run_upres(base + upres::testing::quoted(d / "s.png"), d);
    ASSERT_EQ(r.code, 0) << r.err;
    // The reference: the library on the whole image, quantized like any saved file.
    Image expect = upres::inference::upscale(*net, upres::data::load_image((d / "in.png").string()), {});
    Image got = upres::data::load_image((d / "s.png").string());
    ASSERT_EQ(got.width, 46);
    ASSERT_EQ(got.height, 300);
    ASSERT_EQ(got.channels, k.channels);
    EXPECT_EQ(got.bit_depth, k.bits);
    // In 8-bit levels. --overlap 8 >= 2 x ESPCN's radius 4: only the file's rounding.
    // --overlap 4 is too little context: the seams differ, but the blend keeps it small.
    const float err = max_level_diff(got, expect);
    std::cout << k.channels << " channels, " << k.bits << " bits, overlap " << k.overlap << ": " << err << " levels\n";
    EXPECT_LE(err, std::string(k.overlap) == "8" ? 0.5f + 1e-3f : 8.0f) << k.channels << " channels";
  }
  fs::remove_all(d);
}
