// Errors of the public API: the C++ API throws upres::api::Error with a status
// and a message naming the value at fault; the C API (upres.h) returns the same
// status codes, keeps the message in upres_last_error(), and never throws.
#include <gtest/gtest.h>

#include <filesystem>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "include/upres/upres.h"
#include "include/upres/upres.hpp"
#include "support/cli.h"

namespace fs = std::filesystem;
namespace api = upres::api;

namespace {

const std::string kModel = std::string(UPRES_SOURCE_DIR) + "/models/zoo/espcn_x2.safetensors";

// Runs f, expects an api::Error with `status` whose message contains `part`.
template <typename F>
void expect_error(F&& f, api::Status status, const std::string& part) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected status " << static_cast<int>(status) << " with '" << part << "'";
  } catch (const api::Error& e) {
    EXPECT_EQ(e.status(), status) << e.what();
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << "message: " << e.what() << "\nexpected: " << part;
  }
}

}  // namespace

TEST(ApiErrors, ModelLoadingNamesTheProblem) {
  expect_error([] { api::Model::load("no-such-net"); }, api::Status::not_found, "unknown model 'no-such-net'");
  expect_error([] { api::Model::load("espcn", api::LoadOptions{"", 7, api::Device::cpu}); }, api::Status::not_found,
               "no shipped model 'espcn' for scale 7");
  expect_error([] { api::Model::load("", api::LoadOptions{"", 7, api::Device::cpu}); }, api::Status::not_found,
               "no shipped model for scale 7");
  expect_error([] { api::Model::load("/nowhere/x.safetensors"); }, api::Status::not_found, "/nowhere/x.safetensors");
  expect_error([] { api::Model::load(kModel, api::LoadOptions{"", 3, api::Device::cpu}); },
               api::Status::invalid_argument, "enlarges by 2, but the options ask for scale 3");
  expect_error([] { api::Model::load("espcn", api::LoadOptions{"edsr", 0, api::Device::cpu}); },
               api::Status::invalid_argument, "arch 'edsr' is for a .safetensors file");
  expect_error([] { api::Model::load(kModel, api::LoadOptions{"no-such-arch", 0, api::Device::cpu}); },
               api::Status::bad_model, "no-such-arch");
  const fs::path d = upres::testing::scratch_dir("api_errors", "corrupt");
  std::ofstream(d / "bad.safetensors") << "this is not a safetensors file";
  expect_error([&] { api::Model::load((d / "bad.safetensors").string()); }, api::Status::bad_model, "bad.safetensors");
  expect_error([] { api::Model::load(kModel, api::LoadOptions{"", 0, static_cast<api::Device>(9)}); },
               api::Status::invalid_argument, "device 9");
  fs::remove_all(d);
}

TEST(ApiErrors, CudaWithoutAGpuIsDeviceUnavailable) {
  try {
    api::Model m = api::Model::load(kModel, api::LoadOptions{"", 0, api::Device::cuda});
    EXPECT_EQ(m.device(), api::Device::cuda);  // a CUDA build on a GPU machine
  } catch (const api::Error& e) {
    EXPECT_EQ(e.status(), api::Status::device_unavailable) << e.what();
    EXPECT_NE(std::string(e.what()).find("cuda"), std::string::npos) << e.what();
  }
}

TEST(ApiErrors, BadImagesAndOptionsAreInvalidArguments) {
  const api::Model m = api::Model::load(kModel);
  std::vector<unsigned char> px(4 * 4 * 5, 0);
  expect_error([&] { m.upscale(api::ImageView{px.data(), 4, 4, 5, 0, api::PixelType::u8}); },
               api::Status::invalid_argument, "5 channels, expected 1 (grey)");
  expect_error([&] { m.upscale(api::ImageView{px.data(), 0, 4, 3, 0, api::PixelType::u8}); },
               api::Status::invalid_argument, "size 0x4");
  expect_error([&] { m.upscale(api::ImageView{nullptr, 4, 4, 3, 0, api::PixelType::u8}); },
               api::Status::invalid_argument, "null");
  expect_error([&] { m.upscale(api::ImageView{px.data(), 4, 4, 3, 11, api::PixelType::u8}); },
               api::Status::invalid_argument, "stride 11 bytes is less than a row of 4 x 3 x 1 = 12 bytes");
  expect_error([&] { m.upscale(api::ImageView{px.data(), 2, 2, 3, 26, api::PixelType::f32}); },
               api::Status::invalid_argument, "not a multiple of 4");
  expect_error([&] { m.upscale(api::ImageView{px.data(), 4, 4, 3, 0, static_cast<api::PixelType>(5)}); },
               api::Status::invalid_argument, "pixel type 5");
  api::UpscaleOptions o;
  o.tile = 10;
  o.overlap = 8;
  expect_error([&] { m.upscale(api::ImageView{px.data(), 4, 4, 3, 0, api::PixelType::u8}, o); },
               api::Status::invalid_argument, "tile 10 is smaller than twice the overlap 8");
  std::vector<unsigned char> out(8 * 8 * 3);
  expect_error([&] {
    m.upscale_into(api::ImageView{px.data(), 4, 4, 3, 0, api::PixelType::u8},
                   api::MutableImageView{out.data(), 8, 7, 3, 0, api::PixelType::u8});
  }, api::Status::invalid_argument, "expected 8x8 with 3");
  expect_error([] { api::read_image("/nowhere/in.png"); }, api::Status::io_error, "/nowhere/in.png");
  expect_error([&] { api::write_image(api::ImageView{px.data(), 4, 4, 3, 0, api::PixelType::u8}, "/nowhere/o.png"); },
               api::Status::io_error, "/nowhere");
}

TEST(ApiErrorsC, StatusCodesAndLastErrorWithoutExceptions) {
  upres_model* m = reinterpret_cast<upres_model*>(0x1);
  EXPECT_EQ(upres_model_load("no-such-net", nullptr, &m), UPRES_ERROR_NOT_FOUND);
  EXPECT_EQ(m, nullptr);
  EXPECT_NE(std::string(upres_last_error()).find("unknown model 'no-such-net'"), std::string::npos) << upres_last_error();
  EXPECT_EQ(upres_model_load(kModel.c_str(), nullptr, nullptr), UPRES_ERROR_INVALID_ARGUMENT);
  upres_load_options lo;
  upres_load_options_init(&lo);
  lo.device = static_cast<upres_device>(9);
  EXPECT_EQ(upres_model_load(kModel.c_str(), &lo, &m), UPRES_ERROR_INVALID_ARGUMENT);

  ASSERT_EQ(upres_model_load(kModel.c_str(), nullptr, &m), UPRES_OK) << upres_last_error();
  EXPECT_STREQ(upres_last_error(), "");
  EXPECT_EQ(upres_model_scale(m), 2);
  std::vector<unsigned char> px(4 * 4 * 3, 100);
  upres_image in{px.data(), 4, 4, 3, 0, UPRES_PIXEL_U8};
  upres_image out{};
  EXPECT_EQ(upres_upscale(m, &in, nullptr, nullptr), UPRES_ERROR_INVALID_ARGUMENT);
  in.channels = 0;
  EXPECT_EQ(upres_upscale(m, &in, &out, nullptr), UPRES_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(upres_last_error()).find("0 channels"), std::string::npos) << upres_last_error();
  EXPECT_EQ(out.data, nullptr);
  in.channels = 3;
  in.type = static_cast<upres_pixel_type>(5);  // any int a C caller may write
  EXPECT_EQ(upres_upscale(m, &in, &out, nullptr), UPRES_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(upres_last_error()).find("pixel type 5"), std::string::npos) << upres_last_error();
  in.type = UPRES_PIXEL_U8;
  upres_upscale_options uo;
  upres_upscale_options_init(&uo);
  EXPECT_EQ(uo.overlap, 16);
  ASSERT_EQ(upres_upscale(m, &in, &out, &uo), UPRES_OK) << upres_last_error();
  EXPECT_EQ(out.width, 8);
  EXPECT_EQ(out.height, 8);
  EXPECT_EQ(out.channels, 3);
  ASSERT_NE(out.data, nullptr);
  // Into a caller's buffer of the wrong size: refused, buffer untouched.
  std::vector<unsigned char> small(7 * 8 * 3, 1);
  upres_image wrong{small.data(), 7, 8, 3, 0, UPRES_PIXEL_U8};
  EXPECT_EQ(upres_upscale(m, &in, &wrong, nullptr), UPRES_ERROR_INVALID_ARGUMENT);
  for (unsigned char v : small) ASSERT_EQ(v, 1);
  // Into a right one: the bytes upres allocated before.
  std::vector<unsigned char> right(8 * 8 * 3, 0);
  upres_image ok{right.data(), 8, 8, 3, 0, UPRES_PIXEL_U8};
  ASSERT_EQ(upres_upscale(m, &in, &ok, nullptr), UPRES_OK) << upres_last_error();
  EXPECT_EQ(0, std::memcmp(right.data(), out.data, right.size()));

  upres_image file{};
  EXPECT_EQ(upres_image_read("/nowhere/in.png", &file), UPRES_ERROR_IO);
  EXPECT_NE(std::string(upres_last_error()).find("/nowhere/in.png"), std::string::npos) << upres_last_error();
  EXPECT_EQ(upres_image_write(&out, "/nowhere/o.png"), UPRES_ERROR_IO);
  EXPECT_EQ(upres_image_read(nullptr, &file), UPRES_ERROR_INVALID_ARGUMENT);
  upres_image_free(&out);
  EXPECT_EQ(out.data, nullptr);
  upres_image_free(nullptr);
  upres_model_free(m);
  upres_model_free(nullptr);
  EXPECT_EQ(upres_model_scale(nullptr), 0);
  EXPECT_STRNE(upres_version(), "");
}
