// Tests of the C++ API (include/upres/upres.hpp) against `upres upscale`: an
// 8-bit interleaved buffer with a padded row stride, upscaled by the API, has
// the pixels of the PNG the tool writes for the same image (grey, grey+alpha,
// RGB, RGBA; plain, tiled and ensemble); float input gives the library's
// inference::upscale floats; the output stride is honoured.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "data/image.h"
#include "include/upres/upres.h"
#include "include/upres/upres.hpp"
#include "inference/upscale.h"
#include "models/load.h"
#include "support/cli.h"

namespace fs = std::filesystem;
namespace api = upres::api;

namespace {

const std::string kModel = std::string(UPRES_SOURCE_DIR) + "/models/zoo/espcn_x2.safetensors";
// upres::testing::quoted() is qualified below: with a std::string argument, ADL would pick std::quoted.

// An 8-bit interleaved image, `pad` spare bytes (filled with 0xAB) after each row.
struct Buffer {
  int w, h, c;
  std::ptrdiff_t stride;
  std::vector<unsigned char> bytes;
  unsigned char& at(int y, int x, int k) { return bytes[y * stride + (x * c + k)]; }
  api::ImageView view() const { return api::ImageView{bytes.data(), w, h, c, stride, api::PixelType::u8}; }
};

Buffer pattern(int w, int h, int c, int pad) {
  Buffer b{w, h, c, static_cast<std::ptrdiff_t>(w * c + pad), {}};
  b.bytes.assign(b.stride * h, 0xAB);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < c; ++k) b.at(y, x, k) = static_cast<unsigned char>((x * 37 + y * 11 + k * 70 + (x * y) % 23) % 256);
  return b;
}

// The same pixels as a PNG file, written by a plain loop (planar v / 255).
void write_png(const Buffer& b, const fs::path& p) {
  upres::data::Image img(b.w, b.h, b.c);
  for (int y = 0; y < b.h; ++y)
    for (int x = 0; x < b.w; ++x)
      for (int k = 0; k < b.c; ++k) img.at(k, y, x) = b.bytes[y * b.stride + x * b.c + k] / 255.0f;
  upres::data::save_image(img, p.string());
}

const std::string kM = "-m " + upres::testing::quoted(kModel);

// `upres upscale OPTIONS` on the buffer's PNG: the 8-bit result, interleaved, tightly packed.
std::vector<unsigned char> cli_upscale(const Buffer& b, const std::string& name, const std::string& options) {
  const fs::path d = upres::testing::scratch_dir("api_pixels", name);
  write_png(b, d / "in.png");
  const upres::testing::CliRun r = upres::testing::run_upres(
      "upscale -i " + upres::testing::quoted(d / "in.png") + " -o " + upres::testing::quoted(d / "out.png") + " " + options, d);
  EXPECT_EQ(r.code, 0) << r.err;
  const upres::data::Image out = upres::data::load_image((d / "out.png").string());
  std::vector<unsigned char> hwc(static_cast<size_t>(out.width) * out.height * out.channels);
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x)
      for (int k = 0; k < out.channels; ++k)
        hwc[(static_cast<size_t>(y) * out.width + x) * out.channels + k] =
            static_cast<unsigned char>(std::lround(out.at(k, y, x) * 255.0f));
  fs::remove_all(d);
  return hwc;
}

}  // namespace

TEST(ApiUpscale, Uint8WithPaddedStrideEqualsUpresUpscaleForEveryChannelCount) {
  const api::Model model = api::Model::load(kModel);
  EXPECT_EQ(model.scale(), 2);
  EXPECT_EQ(model.arch(), "espcn");
  for (int c : {1, 2, 3, 4}) {
    const Buffer in = pattern(13, 9, c, 7);
    const api::Image out = model.upscale(in.view());
    ASSERT_EQ(out.width, 26);
    ASSERT_EQ(out.height, 18);
    ASSERT_EQ(out.channels, c);
    ASSERT_EQ(out.type, api::PixelType::u8);
    EXPECT_EQ(out.bytes, cli_upscale(in, "c" + std::to_string(c), kM)) << c << " channels";
  }
}

TEST(ApiUpscale, TilingAndEnsembleEqualUpresUpscaleWithTheSameOptions) {
  const api::Model model = api::Model::load("espcn", api::LoadOptions{"", 2, api::Device::cpu});
  const Buffer in = pattern(21, 17, 3, 3);
  api::UpscaleOptions o;
  o.tile = 8;
  o.overlap = 4;
  EXPECT_EQ(model.upscale(in.view(), o).bytes, cli_upscale(in, "tiled", "-m espcn --tile 8 --overlap 4"));
  o.ensemble = true;
  const Buffer small = pattern(12, 10, 3, 1);  // 8 passes per tile: a smaller image keeps it quick under ASan
  EXPECT_EQ(model.upscale(small.view(), o).bytes, cli_upscale(small, "ensemble", "-m espcn --tile 8 --overlap 4 --ensemble"));
}

TEST(ApiUpscale, DefaultModelAndBicubicEqualUpresUpscale) {
  const Buffer in = pattern(10, 7, 3, 0);
  EXPECT_EQ(api::Model::load("").upscale(in.view()).bytes, cli_upscale(in, "default", ""));
  const api::Model bicubic = api::Model::load("bicubic", api::LoadOptions{"", 3, api::Device::cpu});
  EXPECT_EQ(bicubic.scale(), 3);
  EXPECT_EQ(bicubic.upscale(in.view()).bytes, cli_upscale(in, "bicubic", "-m bicubic -s 3"));
}

TEST(ApiUpscale, FloatInputGivesTheLibraryPipelinesFloats) {
  upres::models::LoadedNetwork net = upres::models::load_network(kModel);
  const api::Model model = api::Model::load(kModel);
  for (int c : {1, 3, 4}) {
    const int w = 11, h = 6;
    const std::ptrdiff_t stride = (w * c + 5) * 4;  // 5 floats of padding per row
    std::vector<float> buf(static_cast<size_t>(stride / 4) * h, -7.0f);
    upres::data::Image planar(w, h, c);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int k = 0; k < c; ++k) {
          const float v = static_cast<float>((x * 13 + y * 7 + k * 29) % 50) / 49.0f;
          buf[y * (stride / 4) + x * c + k] = v;
          planar.at(k, y, x) = v;
        }
    const api::Image out = model.upscale(api::ImageView{buf.data(), w, h, c, stride, api::PixelType::f32});
    ASSERT_EQ(out.type, api::PixelType::f32);
    ASSERT_EQ(out.bytes.size(), static_cast<size_t>(2 * w) * (2 * h) * c * 4);
    const upres::data::Image expect = upres::inference::upscale(*net.net, planar);
    std::vector<float> got(out.bytes.size() / 4);
    std::memcpy(got.data(), out.bytes.data(), out.bytes.size());
    for (int y = 0; y < 2 * h; ++y)
      for (int x = 0; x < 2 * w; ++x)
        for (int k = 0; k < c; ++k)
          ASSERT_EQ(got[(static_cast<size_t>(y) * 2 * w + x) * c + k], expect.at(k, y, x)) << c << " " << y << " " << x;
  }
}

TEST(ApiUpscale, UpscaleIntoWritesRowsAtTheOutputStrideAndLeavesThePaddingAlone) {
  const api::Model model = api::Model::load(kModel);
  const Buffer in = pattern(9, 5, 3, 0);
  const api::Image packed = model.upscale(in.view());
  const int ow = 18, oh = 10, row = ow * 3, stride = row + 11;
  std::vector<unsigned char> dst(static_cast<size_t>(stride) * oh, 0x5A);
  model.upscale_into(in.view(), api::MutableImageView{dst.data(), ow, oh, 3, stride, api::PixelType::u8});
  for (int y = 0; y < oh; ++y) {
    EXPECT_EQ(0, std::memcmp(&dst[y * stride], &packed.bytes[y * row], row)) << "row " << y;
    for (int i = row; i < stride; ++i) ASSERT_EQ(dst[y * stride + i], 0x5A) << "padding of row " << y;
  }
}

TEST(ApiImageFiles, WriteThenReadGivesTheSameBytes) {
  const fs::path d = upres::testing::scratch_dir("api_pixels", "files");
  const Buffer in = pattern(7, 5, 4, 2);
  api::write_image(in.view(), (d / "a.png").string());
  const api::Image back = api::read_image((d / "a.png").string());
  ASSERT_EQ(back.width, 7);
  ASSERT_EQ(back.channels, 4);
  for (int y = 0; y < 5; ++y) EXPECT_EQ(0, std::memcmp(&back.bytes[y * 28], &in.bytes[y * in.stride], 28));
  fs::remove_all(d);
}

// upscale_file: what `upres upscale -i -o` writes (the same streamed PNG, byte for byte,
// for an image of several bands), in C++ and through the C API; failures are io_error
// and leave nothing behind.
TEST(ApiImageFiles, UpscaleFileWritesWhatTheToolWrites) {
  const fs::path d = upres::testing::scratch_dir("api_pixels", "upscale_file");
  const Buffer in = pattern(23, 150, 3, 0);  // 150 rows at --overlap 4: three bands of 64
  write_png(in, d / "in.png");
  const upres::testing::CliRun r = upres::testing::run_upres(
      "upscale -i " + upres::testing::quoted(d / "in.png") + " -o " + upres::testing::quoted(d / "cli.png") + " " + kM +
          " --overlap 4",
      d);
  ASSERT_EQ(r.code, 0) << r.err;
  api::Model m = api::Model::load(kModel);
  api::UpscaleOptions o;
  o.overlap = 4;
  m.upscale_file((d / "in.png").string(), (d / "api.png").string(), o);
  EXPECT_EQ(upres::testing::slurp(d / "api.png"), upres::testing::slurp(d / "cli.png"));

  upres_model* cm = nullptr;
  ASSERT_EQ(upres_model_load(kModel.c_str(), nullptr, &cm), UPRES_OK) << upres_last_error();
  upres_upscale_options co;
  upres_upscale_options_init(&co);
  co.overlap = 4;
  EXPECT_EQ(upres_upscale_file(cm, (d / "in.png").c_str(), (d / "c.png").c_str(), &co), UPRES_OK) << upres_last_error();
  EXPECT_EQ(upres::testing::slurp(d / "c.png"), upres::testing::slurp(d / "cli.png"));
  EXPECT_EQ(upres_upscale_file(cm, (d / "missing.png").c_str(), (d / "x.png").c_str(), nullptr), UPRES_ERROR_IO);
  EXPECT_NE(std::string(upres_last_error()).find("missing.png"), std::string::npos) << upres_last_error();
  EXPECT_EQ(upres_upscale_file(cm, (d / "in.png").c_str(), (d / "x.gif").c_str(), nullptr), UPRES_ERROR_IO);
  EXPECT_EQ(upres_upscale_file(cm, nullptr, (d / "x.png").c_str(), nullptr), UPRES_ERROR_INVALID_ARGUMENT);
  upres_model_free(cm);
  EXPECT_FALSE(fs::exists(d / "x.png"));
  EXPECT_FALSE(fs::exists(d / "x.gif"));
  try {
    m.upscale_file((d / "in.png").string(), (d / "no-such-folder" / "o.png").string());
    ADD_FAILURE() << "no error";
  } catch (const api::Error& e) {
    EXPECT_EQ(e.status(), api::Status::io_error) << e.what();
  }
  fs::remove_all(d);
}
