// Tests of `upres metrics` as a user runs it: --json prints one object with the
// five keys whose values equal the library's metrics::evaluate (RGB, and Y with
// --y and --crop); identical images give PSNR null (infinity) and SSIM 1; images
// of different sizes exit with 1 naming both files and sizes; a missing TEST is
// a usage error (2).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "data/image.h"
#include "support/cli.h"
#include "engine/json.h"
#include "metrics/metrics.h"

namespace fs = std::filesystem;
using upres::data::Image;

namespace {

using upres::testing::CliRun;
CliRun run_metrics(const std::string& args, const fs::path& dir) {
  return upres::testing::run_upres("metrics " + args, dir);
}
fs::path scratch(const std::string& name) { return upres::testing::scratch_dir("metrics_cli", name); }

Image pattern(int w, int h, int seed) {
  Image img(w, h, 3);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        img.at(c, y, x) = static_cast<float>(((x * 5 + y * 3 + c * 60 + ((x * y + seed) * 37 % 23)) % 256) / 255.0);
  return img;
}

void expect_json_equals(const std::string& text, const upres::metrics::Scores& s) {
  const upres::json::Value v = upres::json::parse(text.substr(0, text.find_last_not_of("\n") + 1));
  ASSERT_TRUE(v.is_object()) << text;
  EXPECT_EQ(v.size(), 5u) << text;
  const std::pair<const char*, double> keys[] = {
      {"psnr", s.psnr}, {"ssim", s.ssim}, {"ms_ssim", s.ms_ssim}, {"vif", s.vif}, {"ifc", s.ifc}};
  for (auto& [key, want] : keys) {
    const upres::json::Value* got = v.find(key);
    ASSERT_NE(got, nullptr) << "key " << key << " missing in " << text;
    if (std::isinf(want)) {
      EXPECT_TRUE(got->is_null()) << key;
    } else {
      EXPECT_EQ(got->as_double(), want) << key;  // printed exactly: same double
    }
  }
}

}  // namespace

TEST(MetricsCli, JsonHasTheFiveKeysWithTheLibrarysValuesRgbAndY) {
  const fs::path d = scratch("json");
  const Image ref = pattern(41, 47, 1), test = pattern(41, 47, 2);
  upres::data::save_png(ref, (d / "ref.png").string());
  upres::data::save_png(test, (d / "test.png").string());
  // What the CLI measures: the PNGs as read back (8-bit), the same as ref/test here.
  const Image r8 = upres::data::load_image((d / "ref.png").string());
  const Image t8 = upres::data::load_image((d / "test.png").string());

  CliRun r = run_metrics("\"" + (d / "ref.png").string() + "\" \"" + (d / "test.png").string() + "\" --json", d);
  ASSERT_EQ(r.code, 0) << r.err;
  expect_json_equals(r.out, upres::metrics::evaluate(r8, t8, {}));

  upres::metrics::Protocol y;
  y.y = true;
  y.border = 3;
  r = run_metrics("--y --crop 3 --json \"" + (d / "ref.png").string() + "\" \"" + (d / "test.png").string() + "\"", d);
  ASSERT_EQ(r.code, 0) << r.err;
  expect_json_equals(r.out, upres::metrics::evaluate(r8, t8, y));
  fs::remove_all(d);
}

TEST(MetricsCli, IdenticalImagesGivePsnrNullAndSsimOne) {
  const fs::path d = scratch("same");
  upres::data::save_png(pattern(33, 29, 4), (d / "a.png").string());
  CliRun r = run_metrics("\"" + (d / "a.png").string() + "\" \"" + (d / "a.png").string() + "\" --json", d);
  ASSERT_EQ(r.code, 0) << r.err;
  const upres::json::Value v = upres::json::parse(r.out.substr(0, r.out.find_last_not_of("\n") + 1));
  EXPECT_TRUE(v.find("psnr")->is_null());
  EXPECT_EQ(v.find("ssim")->as_double(), 1.0);
  EXPECT_EQ(v.find("ms_ssim")->as_double(), 1.0);
  EXPECT_NEAR(v.find("vif")->as_double(), 1.0, 1e-9);
  fs::remove_all(d);
}

TEST(MetricsCli, DifferentSizesAreAnErrorNamingBothFilesAndSizes) {
  const fs::path d = scratch("sizes");
  upres::data::save_png(pattern(40, 30, 1), (d / "big.png").string());
  upres::data::save_png(pattern(39, 30, 1), (d / "small.png").string());
  CliRun r = run_metrics("\"" + (d / "big.png").string() + "\" \"" + (d / "small.png").string() + "\" --json", d);
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("big.png"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("small.png"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("40x30"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("39x30"), std::string::npos) << r.err;

  r = run_metrics("\"" + (d / "big.png").string() + "\"", d);  // TEST missing: usage error
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("two images"), std::string::npos) << r.err;
  fs::remove_all(d);
}
