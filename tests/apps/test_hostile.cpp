// Hostile inputs thrown at `upres upscale`, `upres metrics` and the model loader
// (`upscale -m FILE`): broken, empty and truncated images, absurd and zero sizes,
// directories where files belong, malformed safetensors models, NaN/Inf weights,
// wrong or missing command-line values. Every case must
//   - exit with a code in 1..127 (an error, never a signal or a sanitizer abort),
//   - print a message on stderr that names the problem (a keyword per case),
//   - leave an existing output file byte for byte as it was.
// Inputs that are odd but valid (1x1, 16-bit, CMYK JPEG) must succeed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "data/image.h"
#include "engine/safetensors.h"
#include "support/cli.h"

namespace fs = std::filesystem;
using upres::data::Image;
using upres::testing::CliRun;
using upres::testing::run_upres;

namespace {

const std::string kSrc = UPRES_SOURCE_DIR;
const std::string kModel = kSrc + "/models/zoo/espcn_x2.safetensors";
const std::string kImages = kSrc + "/tests/fixtures/images/";
const std::string kOldOutput = "previous output, must survive";

fs::path scratch(const std::string& name) { return upres::testing::scratch_dir("hostile", name); }
// upres::testing::quoted() is qualified below: with a std::string argument, ADL would pick std::quoted.

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary);
  f << bytes;
}
std::string read_bytes(const fs::path& p) { return upres::testing::slurp(p); }

Image small_rgb(int w, int h) {
  Image img(w, h, 3);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) img.at(c, y, x) = static_cast<float>(((x * 7 + y * 13 + c * 50) % 256) / 255.0);
  return img;
}

std::string png_bytes(int w, int h) {
  std::vector<unsigned char> v = upres::data::encode_png(small_rgb(w, h));
  return std::string(v.begin(), v.end());
}

// An error run: code in 1..127, stderr names `keyword`, the old output intact.
void expect_clean_failure(const CliRun& r, const std::string& keyword, const fs::path& out, const std::string& what) {
  EXPECT_GE(r.code, 1) << what << ": exit " << r.code << "\n" << r.err;
  EXPECT_LT(r.code, 128) << what << ": exit " << r.code << "\n" << r.err;
  EXPECT_NE(r.err.find(keyword), std::string::npos) << what << ": stderr does not name '" << keyword << "':\n" << r.err;
  EXPECT_EQ(r.err.find("Sanitizer"), std::string::npos) << what << "\n" << r.err;
  EXPECT_EQ(r.err.find("runtime error"), std::string::npos) << what << "\n" << r.err;
  EXPECT_EQ(read_bytes(out), kOldOutput) << what << ": the existing output file was changed";
}

// The bytes of a safetensors file with a hand-written header and data buffer.
std::string safetensors(const std::string& header, const std::string& data, int64_t claimed_len = -1) {
  const uint64_t n = claimed_len < 0 ? header.size() : static_cast<uint64_t>(claimed_len);
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return out + header + data;
}

// The shipped ESPCN x2 with one value of its first tensor replaced.
std::string espcn_with(float value) {
  upres::SafetensorsData st = upres::read_safetensors(kModel);
  st.tensors[0].second.data()[0] = value;
  return upres::serialize_safetensors(st.tensors, st.metadata);
}

struct Case {
  const char* what;
  std::string bytes;  // the file's content (ignored when dir is set)
  const char* keyword;
  bool dir = false;  // a directory instead of a file
};

std::vector<Case> hostile_images() {
  const std::string png = png_bytes(9, 7);
  std::string flipped = png;
  for (size_t i = 40; i < flipped.size(); i += 7) flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
  std::vector<Case> cases = {
      {"empty file", "", "empty"},
      {"truncated PNG", png.substr(0, png.size() / 2), "in.img"},
      {"PNG signature then garbage", "\x89PNG\r\n\x1a\n garbage that is no image", "in.img"},
      {"corrupt PNG (flipped bytes)", flipped, "in.img"},
      {"text file", "hello, I am not an image\n", "in.img"},
      {"absurd size (2^31 x 2^31 header)", read_bytes(kImages + "huge.png"), "in.img"},
      {"too wide", read_bytes(kImages + "too_wide.png"), "in.img"},
      {"0 x N image", read_bytes(kImages + "zero_width.png"), "in.img"},
      {"GIF (unsupported)", read_bytes(kImages + "rgb.gif"), "in.img"},
      {"JPEG behind fill bytes, bad Huffman table (fuzz finding)",
       read_bytes(kSrc + "/tests/fixtures/fuzz/image_jpeg_huffman_info.jpg"), "in.img"},
      {"directory", "", "in.img", true},  // upscale reads a folder of images; metrics refuses
  };
  return cases;
}

std::vector<Case> hostile_models() {
  const std::string f32 = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  return {
      {"empty model file", "", "model.safetensors"},
      {"shorter than 8 bytes", "abc", "model.safetensors"},
      {"header length past the end", safetensors(f32, std::string(8, '\0'), 4096), "model.safetensors"},
      {"header length absurd", safetensors(f32, std::string(8, '\0'), int64_t(1) << 62), "model.safetensors"},
      {"header not JSON", safetensors("this is not json", ""), "model.safetensors"},
      {"header a JSON array", safetensors("[1,2,3]   ", ""), "model.safetensors"},
      {"offsets out of range", safetensors(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,800]}})", std::string(8, '\0')),
       "model.safetensors"},
      {"overlapping tensors",
       safetensors(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                   std::string(12, '\0')),
       "model.safetensors"},
      {"byte count not matching the shape",
       safetensors(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", std::string(8, '\0')), "model.safetensors"},
      {"unknown dtype", safetensors(R"({"w":{"dtype":"Q7","shape":[2],"data_offsets":[0,8]}})", std::string(8, '\0')),
       "model.safetensors"},
      {"negative shape", safetensors(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", std::string(8, '\0')),
       "model.safetensors"},
      {"valid file, no architecture", safetensors(f32, std::string(8, '\0')), "architecture"},
      {"NaN weight", espcn_with(std::numeric_limits<float>::quiet_NaN()), "NaN"},
      {"Inf weight", espcn_with(std::numeric_limits<float>::infinity()), "Inf"},
      {"model is a directory", "", "directory", true},
  };
}

void make(const fs::path& p, const Case& c) {
  if (c.dir)
    fs::create_directories(p);
  else
    write_bytes(p, c.bytes);
}

}  // namespace

TEST(HostileUpscale, BrokenImagesFailCleanlyAndKeepTheOldOutput) {
  fs::path d = scratch("upscale_images");
  const fs::path out = d / "out.png";
  for (const Case& c : hostile_images()) {
    SCOPED_TRACE(c.what);
    fs::remove_all(d / "in.img");
    make(d / "in.img", c);
    write_bytes(out, kOldOutput);
    CliRun r = run_upres("upscale -m " + upres::testing::quoted(kModel) + " -i " + upres::testing::quoted(d / "in.img") + " -o " + upres::testing::quoted(out), d);
    expect_clean_failure(r, c.keyword, out, c.what);
  }
  // A missing input.
  CliRun r = run_upres("upscale -m " + upres::testing::quoted(kModel) + " -i " + upres::testing::quoted(d / "missing.png") + " -o " + upres::testing::quoted(out), d);
  expect_clean_failure(r, "missing.png", out, "missing input");
  fs::remove_all(d);
}

TEST(HostileUpscale, MalformedModelFilesFailCleanlyAndKeepTheOldOutput) {
  fs::path d = scratch("upscale_models");
  const fs::path out = d / "out.png";
  write_bytes(d / "in.png", png_bytes(9, 7));
  for (const Case& c : hostile_models()) {
    SCOPED_TRACE(c.what);
    fs::remove_all(d / "model.safetensors");
    make(d / "model.safetensors", c);
    write_bytes(out, kOldOutput);
    CliRun r = run_upres("upscale -m " + upres::testing::quoted(d / "model.safetensors") + " -i " + upres::testing::quoted(d / "in.png") + " -o " + upres::testing::quoted(out), d);
    expect_clean_failure(r, c.keyword, out, c.what);
  }
  fs::remove_all(d);
}

TEST(HostileUpscale, WrongOrMissingCommandLineValues) {
  fs::path d = scratch("upscale_args");
  const fs::path out = d / "out.png";
  write_bytes(d / "in.png", png_bytes(9, 7));
  const std::string in = " -i " + upres::testing::quoted(d / "in.png");
  const std::string m = " -m " + upres::testing::quoted(kModel);
  struct Args {
    std::string args, keyword;
  };
  const std::vector<Args> cases = {
      {"upscale" + m + in + " -o " + upres::testing::quoted(out) + " -s abc", "abc"},
      {"upscale" + m + in + " -o " + upres::testing::quoted(out) + " -s 0", "scale"},
      {"upscale" + m + in + " -o " + upres::testing::quoted(out) + " -s 3", "enlarges by 2"},
      {"upscale" + m + in + " -o " + upres::testing::quoted(out) + " --threads -4", "threads"},
      {"upscale" + m + in + " -o " + upres::testing::quoted(out) + " --tile 1e99", "tile"},
      {"upscale" + m + in + " -o " + upres::testing::quoted(out) + " --device tpu", "tpu"},
      {"upscale" + m + in + " -o " + upres::testing::quoted(out) + " --frobnicate", "frobnicate"},
      {"upscale" + m + " -o " + upres::testing::quoted(out), "input"},
      {"upscale" + m + in + " -o " + upres::testing::quoted(out) + " -i", "needs a value"},
      {"upscale -m nosuchmodel" + in + " -o " + upres::testing::quoted(out), "nosuchmodel"},
      {"upscale" + m + in + " -o " + upres::testing::quoted(d / "out.gif"), "gif"},
  };
  for (const Args& a : cases) {
    SCOPED_TRACE(a.args);
    write_bytes(out, kOldOutput);
    CliRun r = run_upres(a.args, d);
    expect_clean_failure(r, a.keyword, out, a.args);
  }
  EXPECT_FALSE(fs::exists(d / "out.gif"));
  fs::remove_all(d);
}

TEST(HostileUpscale, OutputPathThatIsADirectoryOrInAMissingFolder) {
  fs::path d = scratch("upscale_outdir");
  write_bytes(d / "in.png", png_bytes(9, 7));
  write_bytes(d / "keep.txt", kOldOutput);
  fs::create_directories(d / "out.png");  // a directory where the output file should go
  CliRun r = run_upres("upscale -m " + upres::testing::quoted(kModel) + " -i " + upres::testing::quoted(d / "in.png") + " -o " + upres::testing::quoted(d / "out.png"), d);
  expect_clean_failure(r, "out.png", d / "keep.txt", "output is a directory");
  EXPECT_TRUE(fs::is_directory(d / "out.png"));
  r = run_upres("upscale -m " + upres::testing::quoted(kModel) + " -i " + upres::testing::quoted(d / "in.png") + " -o " + upres::testing::quoted(d / "no" / "such" / "out.png"), d);
  expect_clean_failure(r, "out.png", d / "keep.txt", "output folder missing");
  for (auto& e : fs::directory_iterator(d))  // no temporary files left behind
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  fs::remove_all(d);
}

TEST(HostileUpscale, OddButValidImagesSucceed) {
  fs::path d = scratch("upscale_odd");
  write_bytes(d / "one.png", png_bytes(1, 1));
  struct Valid {
    std::string in;
    int w, h;
  };
  const std::vector<Valid> cases = {{(d / "one.png").string(), 2, 2},
                                    {kImages + "rgb16.png", 0, 0},
                                    {kImages + "cmyk.jpg", 0, 0},
                                    {kImages + "greyalpha16.png", 0, 0}};
  for (const Valid& v : cases) {
    SCOPED_TRACE(v.in);
    fs::remove(d / "out.png");
    CliRun r = run_upres("upscale -m " + upres::testing::quoted(kModel) + " -i " + upres::testing::quoted(v.in) + " -o " + upres::testing::quoted(d / "out.png"), d);
    ASSERT_EQ(r.code, 0) << r.err;
    Image in = upres::data::load_image(v.in);
    Image out = upres::data::load_image((d / "out.png").string());
    EXPECT_EQ(out.width, 2 * in.width);
    EXPECT_EQ(out.height, 2 * in.height);
    if (v.w) {
      EXPECT_EQ(out.width, v.w);
    }
    for (float x : out.pixels) ASSERT_TRUE(std::isfinite(x));
  }
  fs::remove_all(d);
}

TEST(HostileMetrics, BrokenImagesAndBadValuesFailCleanly) {
  fs::path d = scratch("metrics");
  write_bytes(d / "ref.png", png_bytes(16, 16));
  write_bytes(d / "small.png", png_bytes(8, 8));
  const fs::path keep = d / "keep.txt";
  write_bytes(keep, kOldOutput);
  for (const Case& c : hostile_images()) {
    SCOPED_TRACE(c.what);
    fs::remove_all(d / "in.img");
    make(d / "in.img", c);
    CliRun r = run_upres("metrics " + upres::testing::quoted(d / "ref.png") + " " + upres::testing::quoted(d / "in.img"), d);
    expect_clean_failure(r, c.keyword, keep, std::string("TEST ") + c.what);
    r = run_upres("metrics " + upres::testing::quoted(d / "in.img") + " " + upres::testing::quoted(d / "ref.png"), d);
    expect_clean_failure(r, c.keyword, keep, std::string("REF ") + c.what);
  }
  struct Args {
    std::string args, keyword;
  };
  const std::string pair = " " + upres::testing::quoted(d / "ref.png") + " " + upres::testing::quoted(d / "ref.png");
  const std::vector<Args> cases = {
      {"metrics " + upres::testing::quoted(d / "ref.png"), "two images"},
      {"metrics" + pair + " " + upres::testing::quoted(d / "ref.png"), "two images"},
      {"metrics " + upres::testing::quoted(d / "ref.png") + " " + upres::testing::quoted(d / "small.png"), "small.png"},
      {"metrics" + pair + " --crop -1", "crop"},
      {"metrics" + pair + " --crop x", "crop"},
      {"metrics" + pair + " --crop 8", "border"},
      {"metrics" + pair + " --crop", "needs a value"},
      {"metrics" + pair + " --threads abc", "abc"},
  };
  for (const Args& a : cases) {
    SCOPED_TRACE(a.args);
    CliRun r = run_upres(a.args, d);
    expect_clean_failure(r, a.keyword, keep, a.args);
  }
  // 1x1 images: the metrics need a window; the answer is a result or a clear error.
  write_bytes(d / "one.png", png_bytes(1, 1));
  CliRun r = run_upres("metrics " + upres::testing::quoted(d / "one.png") + " " + upres::testing::quoted(d / "one.png"), d);
  EXPECT_LT(r.code, 128) << r.err;
  EXPECT_GE(r.code, 0) << r.err;
  if (r.code != 0) {
    EXPECT_FALSE(r.err.empty());
  }
  fs::remove_all(d);
}
