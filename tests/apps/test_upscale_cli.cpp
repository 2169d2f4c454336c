// Tests of the `upres` tool as a user runs it: `upres upscale` on a small image
// (with the shipped model and with an explicit -m), the output size and
// channels; and the failure paths: a corrupt input, a missing model, a bad
// option - each must exit non-zero, say what is wrong on stderr, and leave no
// output file behind.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "data/image.h"
#include "support/cli.h"

namespace fs = std::filesystem;
using upres::data::Image;

namespace {

using upres::testing::run_upres;
fs::path scratch(const std::string& name) { return upres::testing::scratch_dir("cli", name); }

Image small_rgb(int w, int h) {
  Image img(w, h, 3);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) img.at(c, y, x) = static_cast<float>(((x * 7 + y * 13 + c * 50) % 256) / 255.0);
  return img;
}

const std::string kModel = std::string(UPRES_SOURCE_DIR) + "/models/zoo/espcn_x2.safetensors";

}  // namespace

TEST(UpscaleCli, ShippedModelDoublesTheSizeOfRgbAndGreyImages) {
  fs::path d = scratch("ok");
  upres::data::save_png(small_rgb(13, 9), (d / "in.png").string());
  upres::testing::CliRun r = run_upres("upscale -i \"" + (d / "in.png").string() + "\" -o \"" + (d / "out.png").string() + "\"", d);
  ASSERT_EQ(r.code, 0) << r.err;
  Image out = upres::data::load_image((d / "out.png").string());
  EXPECT_EQ(out.width, 26);
  EXPECT_EQ(out.height, 18);
  EXPECT_EQ(out.channels, 3);

  Image grey = upres::data::select_channels(small_rgb(7, 5), 0, 1);
  upres::data::save_png(grey, (d / "grey.png").string());
  r = run_upres("upscale -s 2 -m \"" + kModel + "\" -i \"" + (d / "grey.png").string() + "\" -o \"" +
                    (d / "grey2.png").string() + "\"",
                d);
  ASSERT_EQ(r.code, 0) << r.err;
  Image g2 = upres::data::load_image((d / "grey2.png").string());
  EXPECT_EQ(g2.width, 14);
  EXPECT_EQ(g2.height, 10);
  EXPECT_EQ(g2.channels, 1);
  fs::remove_all(d);
}

TEST(UpscaleCli, CorruptInputGivesClearErrorAndNoOutput) {
  fs::path d = scratch("corrupt");
  {
    std::ofstream f(d / "bad.png", std::ios::binary);
    f << "\x89PNG\r\n\x1a\n garbage that is no image";
  }
  fs::path out = d / "out.png";
  upres::testing::CliRun r = run_upres("upscale -i \"" + (d / "bad.png").string() + "\" -o \"" + out.string() + "\"", d);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("bad.png"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cannot decode"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out)) << "an output was written for a failed run";
  for (auto& e : fs::directory_iterator(d))
    EXPECT_EQ(e.path().filename().string().find("out.png"), std::string::npos) << "left behind: " << e.path();
  fs::remove_all(d);
}

TEST(UpscaleCli, UsageErrorsExitWithTwoAndNameTheProblem) {
  fs::path d = scratch("usage");
  upres::data::save_png(small_rgb(4, 4), (d / "in.png").string());
  const std::string in = "\"" + (d / "in.png").string() + "\"";
  upres::testing::CliRun r = run_upres("upscale -i " + in + " -o \"" + (d / "out.gif").string() + "\"", d);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(".png, .jpg, .jpeg, .bmp"), std::string::npos) << r.err;
  r = run_upres("upscale -i " + in + " -o \"" + (d / "o.png").string() + "\" -s 3 -m \"" + kModel + "\"", d);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("enlarges by 2"), std::string::npos) << r.err;
  r = run_upres("upscale -i " + in + " -o \"" + (d / "o.png").string() + "\" --frobnicate", d);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--frobnicate"), std::string::npos) << r.err;
  r = run_upres("upscale -i " + in + " -o \"" + (d / "o.png").string() + "\" -m \"" + (d / "none.safetensors").string() + "\"", d);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("none.safetensors"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d / "o.png"));
  r = run_upres("--version", d);
  EXPECT_EQ(r.code, 0);
  fs::remove_all(d);
}
