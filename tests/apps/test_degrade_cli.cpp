// Tests of `upres degrade` as a user runs it: the LR size for -s 4 (and the
// default bicubic pipeline equals data::imresize), a full pipeline with a seed
// (same seed, same bytes), and the failure paths: a bad pipeline exits 2 naming
// the bad token, a missing input exits 1 - and neither writes an output file.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "data/image.h"
#include "support/cli.h"
#include "data/resize.h"

namespace fs = std::filesystem;
using upres::data::Image;

namespace {

using upres::testing::CliRun;
CliRun run_degrade(const std::string& args, const fs::path& dir) {
  return upres::testing::run_upres("degrade " + args, dir);
}
fs::path scratch(const std::string& name) { return upres::testing::scratch_dir("degrade", name); }

Image scene(int w, int h) {
  Image img(w, h, 3);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        img.at(c, y, x) = static_cast<float>(std::round(127.5 + 120 * std::sin(0.3 * x + c) * std::cos(0.2 * y)) / 255.0);
  return img;
}

// upres::testing::quoted() is qualified below: with a std::string argument, ADL would pick std::quoted.

std::string bytes_of(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

TEST(DegradeCli, ScaleFourGivesQuarterSizeWithDefaultBicubic) {
  fs::path d = scratch("size");
  Image hr = scene(50, 34);
  upres::data::save_png(hr, (d / "hr.png").string());
  CliRun r = run_degrade("-i " + upres::testing::quoted(d / "hr.png") + " -o " + upres::testing::quoted(d / "lr.png") + " -s 4", d);
  ASSERT_EQ(r.code, 0) << r.err;
  Image lr = upres::data::load_image((d / "lr.png").string());
  EXPECT_EQ(lr.width, 13);  // ceil(50 / 4)
  EXPECT_EQ(lr.height, 9);  // ceil(34 / 4)
  EXPECT_EQ(lr.channels, 3);
  // The default pipeline is MATLAB bicubic on a uint8 image: the same levels.
  upres::data::ResizeOptions u8;
  u8.round_to_uint8 = true;
  Image want = upres::data::imresize(upres::data::load_image((d / "hr.png").string()), 0.25, u8);
  EXPECT_EQ(lr.pixels, want.pixels);
  fs::remove_all(d);
}

TEST(DegradeCli, PipelineWithSeedIsReproducible) {
  fs::path d = scratch("seed");
  upres::data::save_png(scene(40, 24), (d / "hr.png").string());
  const std::string p = " -s 2 --pipeline \"blur:sigma=1.2,resize:bicubic,noise:gauss:5,jpeg:q=40\" --seed ";
  ASSERT_EQ(run_degrade("-i " + upres::testing::quoted(d / "hr.png") + " -o " + upres::testing::quoted(d / "a.png") + p + "7", d).code, 0);
  ASSERT_EQ(run_degrade("-i " + upres::testing::quoted(d / "hr.png") + " -o " + upres::testing::quoted(d / "b.png") + p + "7", d).code, 0);
  ASSERT_EQ(run_degrade("-i " + upres::testing::quoted(d / "hr.png") + " -o " + upres::testing::quoted(d / "c.png") + p + "8", d).code, 0);
  EXPECT_EQ(bytes_of(d / "a.png"), bytes_of(d / "b.png"));
  EXPECT_NE(bytes_of(d / "a.png"), bytes_of(d / "c.png"));
  Image a = upres::data::load_image((d / "a.png").string());
  EXPECT_EQ(a.width, 20);
  EXPECT_EQ(a.height, 12);
  fs::remove_all(d);
}

TEST(DegradeCli, BadPipelineExitsTwoNamingTheTokenAndWritesNothing) {
  fs::path d = scratch("bad");
  upres::data::save_png(scene(16, 16), (d / "hr.png").string());
  CliRun r = run_degrade("-i " + upres::testing::quoted(d / "hr.png") + " -o " + upres::testing::quoted(d / "lr.png") +
                             " -s 4 --pipeline \"blur:sigma=1.2,resize:bicubc\"",
                         d);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("'bicubc'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("position 22"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bicubic, bilinear or nearest"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d / "lr.png"));

  r = run_degrade("-i " + upres::testing::quoted(d / "missing.png") + " -o " + upres::testing::quoted(d / "lr.png") + " -s 4", d);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("missing.png"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d / "lr.png"));

  r = run_degrade("-i " + upres::testing::quoted(d / "hr.png") + " -o " + upres::testing::quoted(d / "lr.png") + " -s 0", d);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_FALSE(fs::exists(d / "lr.png"));
  fs::remove_all(d);
}
