// Tests of `upres eval` as a user runs it: `-m bicubic --protocol legacy-y`
// reproduces the bicubic rows of the classic SR tables (VDSR Table 3, reprinted
// by EDSR and RCAN) for Set5 and BSD100 at x2, x3, x4 to their printed precision
// (PSNR to 0.01 dB; SSIM to 0.0001 except BSD100 x3/x4, see below); --json
// prints one object with the documented keys and types; bad folders, protocols
// and scales are refused with exit code 2 (usage) or 1 (runtime).
// The rows need ../shared/data (skipped without it). BSD100 takes ~6 s per
// scale in an optimised build and minutes under AddressSanitizer, so the BSD100
// rows are skipped in sanitizer builds (Set5 covers the same code there).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "data/image.h"
#include "engine/json.h"
#include "support/cli.h"

namespace fs = std::filesystem;
using upres::testing::CliRun;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

fs::path scratch(const std::string& name) { return upres::testing::scratch_dir("eval_protocols", name); }

upres::json::Value parse_json(const std::string& text) {
  return upres::json::parse(text.substr(0, text.find_last_not_of("\n") + 1));
}

// The published row, as printed: PSNR with 2 decimals, SSIM with 4.
struct Row {
  const char* set;
  int scale;
  double psnr, ssim;
};

std::string round_to(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Runs eval on the set and compares with the published row; ssim_tolerance 0
// means "equal when rounded to 4 decimals".
void check_row(const Row& row, double ssim_tolerance = 0) {
  const fs::path dir = fs::path(UPRES_SHARED_DATA_DIR) / row.set;
  if (!fs::is_directory(dir)) GTEST_SKIP() << "no " << dir << " (../shared/data is absent)";
  const fs::path d = scratch(std::string(row.set) + std::to_string(row.scale));
  CliRun r = upres::testing::run_upres("eval -m bicubic -s " + std::to_string(row.scale) + " -d \"" + dir.string() +
                                           "\" --protocol legacy-y --json",
                                       d);
  ASSERT_EQ(r.code, 0) << r.err;
  const upres::json::Value v = parse_json(r.out);
  const double psnr = v.find("psnr_y")->as_double(), ssim = v.find("ssim_y")->as_double();
  EXPECT_EQ(round_to(psnr, 2), round_to(row.psnr, 2)) << row.set << " x" << row.scale << " PSNR " << psnr;
  if (ssim_tolerance == 0)
    EXPECT_EQ(round_to(ssim, 4), round_to(row.ssim, 4)) << row.set << " x" << row.scale << " SSIM " << ssim;
  else
    EXPECT_NEAR(ssim, row.ssim, ssim_tolerance) << row.set << " x" << row.scale << " SSIM " << ssim;
}

void skip_if_sanitized() {
  if (kSanitized) GTEST_SKIP() << "BSD100 takes minutes under AddressSanitizer; this row runs in the plain build";
}

}  // namespace

TEST(EvalProtocols, LegacyYBicubicReproducesPublishedSet5Rows) {
  for (Row row : {Row{"Set5", 2, 33.66, 0.9299}, Row{"Set5", 3, 30.39, 0.8682}, Row{"Set5", 4, 28.42, 0.8104}})
    check_row(row);
}

TEST(EvalProtocols, LegacyYBicubicReproducesPublishedBSD100X2) {
  skip_if_sanitized();
  check_row({"BSD100", 2, 29.56, 0.8431});
}

// x3 and x4: PSNR reproduces, SSIM comes out 0.73844 and 0.66738 against the
// printed 0.7385 and 0.6675 (README, "Evaluation protocols": no variant we tried
// matches these two and all of Set5 at once). The tolerance keeps the test
// able to fail for any real change (other variants move SSIM by 3e-4 or more).
TEST(EvalProtocols, LegacyYBicubicReproducesPublishedBSD100X3) {
  skip_if_sanitized();
  check_row({"BSD100", 3, 27.21, 0.7385}, 1e-4);
}

TEST(EvalProtocols, LegacyYBicubicReproducesPublishedBSD100X4) {
  skip_if_sanitized();
  check_row({"BSD100", 4, 25.96, 0.6675}, 1.5e-4);
}

TEST(EvalProtocols, JsonHasTheDocumentedKeysAndTypes) {
  const fs::path d = scratch("json"), data = d / "Tiny";
  fs::create_directories(data);
  upres::data::Image img(30, 27, 3);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < img.height; ++y)
      for (int x = 0; x < img.width; ++x) img.at(c, y, x) = static_cast<float>(((x * 9 + y * 4 + c * 50) % 256) / 255.0);
  upres::data::save_png(img, (data / "b.png").string());
  upres::data::save_png(img, (data / "a.png").string());
  for (const char* protocol : {"standard", "legacy-y"}) {
    CliRun r = upres::testing::run_upres("eval -m bicubic -s 3 -d \"" + data.string() + "/\" --json --protocol " + protocol, d);
    ASSERT_EQ(r.code, 0) << r.err;
    const upres::json::Value v = parse_json(r.out);
    ASSERT_TRUE(v.is_object()) << r.out;
    EXPECT_EQ(v.size(), 7u) << r.out;
    EXPECT_EQ(v.find("dataset")->as_string(), "Tiny");
    EXPECT_EQ(v.find("scale")->as_int64(), 3);
    EXPECT_EQ(v.find("model")->as_string(), "bicubic");
    EXPECT_EQ(v.find("protocol")->as_string(), protocol);
    const double psnr = v.find("psnr_y")->as_double(), ssim = v.find("ssim_y")->as_double();
    EXPECT_GT(psnr, 10.0);
    EXPECT_LT(ssim, 1.0);
    const upres::json::Value& images = *v.find("images");
    ASSERT_TRUE(images.is_array());
    ASSERT_EQ(images.size(), 2u);
    EXPECT_EQ(images.as_array()[0].find("name")->as_string(), "a.png");  // sorted by name
    EXPECT_EQ(images.as_array()[1].find("name")->as_string(), "b.png");
    for (const auto& im : images.as_array()) {
      EXPECT_EQ(im.size(), 3u);
      EXPECT_DOUBLE_EQ(im.find("psnr_y")->as_double(), psnr);  // same picture twice: mean = each
      EXPECT_DOUBLE_EQ(im.find("ssim_y")->as_double(), ssim);
    }
    // Progress on stderr, one plain line per image when stderr is not a terminal.
    EXPECT_NE(r.err.find("[1/2] a.png "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[2/2] b.png "), std::string::npos) << r.err;
  }
  // Without --json: a table whose last line is the mean.
  CliRun t = upres::testing::run_upres("eval -m bicubic -s 3 -d \"" + data.string() + "\"", d);
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_NE(t.out.find("mean"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("a.png"), std::string::npos) << t.out;
}

TEST(EvalProtocols, ErrorsNameTheProblemWithUsageOrRuntimeExitCodes) {
  const fs::path d = scratch("errors"), empty = d / "empty", file = d / "file.png";
  fs::create_directories(empty);
  upres::data::save_png(upres::data::Image(8, 8, 3, 0.5f), file.string());
  struct Case {
    std::string args;
    int code;
    std::string says;
  };
  const Case cases[] = {
      {"eval -m bicubic -s 2 -d \"" + (d / "missing").string() + "\"", 2, "does not exist"},
      {"eval -m bicubic -s 2 -d \"" + file.string() + "\"", 2, "is not a folder"},
      {"eval -m bicubic -s 2 -d \"" + empty.string() + "\"", 1, "no image files"},
      {"eval -m bicubic -s 2 -d \"" + empty.string() + "\" --protocol matlab", 2, "legacy-y"},
      {"eval -m bicubic -s 9 -d \"" + empty.string() + "\"", 2, "scale"},
      {"eval -m bicubic -s 1 -d \"" + empty.string() + "\"", 2, "scale"},
      {"eval -m bicubic -d \"" + empty.string() + "\"", 2, "-s"},
      {"eval -s 2 -d \"" + empty.string() + "\"", 2, "model"},
  };
  for (const Case& c : cases) {
    CliRun r = upres::testing::run_upres(c.args, d);
    EXPECT_EQ(r.code, c.code) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << c.args << "\n" << r.out;
  }
}

// A shipped network (ESPCN x2, a luma network) through both protocols: it runs,
// and it beats the protocol's own bicubic, as a trained SR model must. Two of
// Set5's smaller images keep it short under AddressSanitizer.
TEST(EvalProtocols, ShippedModelBeatsBicubicInBothProtocols) {
  const fs::path set5 = fs::path(UPRES_SHARED_DATA_DIR) / "Set5";
  if (!fs::is_directory(set5)) GTEST_SKIP() << "no " << set5 << " (../shared/data is absent)";
  const fs::path d = scratch("model"), dir = d / "pair";
  fs::create_directories(dir);
  for (const char* name : {"bird.png", "butterfly.png"}) fs::copy_file(set5 / name, dir / name);
  for (const char* protocol : {"standard", "legacy-y"}) {
    const std::string tail = " -s 2 -d \"" + dir.string() + "\" --json --protocol " + protocol;
    CliRun net = upres::testing::run_upres("eval -m espcn" + tail, d);
    ASSERT_EQ(net.code, 0) << net.err;
    CliRun bic = upres::testing::run_upres("eval -m bicubic" + tail, d);
    ASSERT_EQ(bic.code, 0) << bic.err;
    const upres::json::Value n = parse_json(net.out), b = parse_json(bic.out);
    EXPECT_EQ(n.find("model")->as_string(), "espcn");
    EXPECT_GT(n.find("psnr_y")->as_double(), b.find("psnr_y")->as_double() + 1.0) << protocol;
    EXPECT_GT(n.find("ssim_y")->as_double(), b.find("ssim_y")->as_double()) << protocol;
  }
}
