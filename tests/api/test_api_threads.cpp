// Thread safety as upres.hpp states it: four threads sharing one model, and
// four threads with a model each, give bit for bit the results of a serial run
// (given tile sizes, so the automatic choice cannot differ), in both APIs.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "include/upres/upres.h"
#include "include/upres/upres.hpp"

namespace api = upres::api;

namespace {

const std::string kModel = std::string(UPRES_SOURCE_DIR) + "/models/zoo/espcn_x2.safetensors";
constexpr int kThreads = 4, kRounds = 3;

// Image t of the test: each thread gets different pixels and sizes.
api::Image input(int t) {
  api::Image img;
  img.width = 17 + t;
  img.height = 12 + 2 * t;
  img.channels = t % 2 ? 4 : 3;
  img.bytes.resize(static_cast<size_t>(img.width) * img.height * img.channels);
  for (size_t i = 0; i < img.bytes.size(); ++i) img.bytes[i] = static_cast<unsigned char>((i * 29 + t * 61) % 251);
  return img;
}

api::UpscaleOptions options(int t) {
  api::UpscaleOptions o;
  o.tile = 8 + 2 * (t % 2);
  o.overlap = 4;
  o.ensemble = t == 3;
  return o;
}

}  // namespace

TEST(ApiThreads, FourThreadsSharingOneModelEqualASerialRun) {
  const api::Model model = api::Model::load(kModel);
  std::vector<api::Image> serial;
  for (int t = 0; t < kThreads; ++t) serial.push_back(model.upscale(input(t).view(), options(t)));
  std::vector<std::vector<api::Image>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      const api::Image in = input(t);
      for (int r = 0; r < kRounds; ++r) got[t].push_back(model.upscale(in.view(), options(t)));
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t)
    for (int r = 0; r < kRounds; ++r) EXPECT_EQ(got[t][r].bytes, serial[t].bytes) << "thread " << t << " round " << r;
}

TEST(ApiThreads, OneModelPerThreadEqualsASerialRun) {
  const api::Model model = api::Model::load(kModel);
  std::vector<api::Image> serial;
  for (int t = 0; t < kThreads; ++t) serial.push_back(model.upscale(input(t).view(), options(t)));
  std::vector<api::Image> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      const api::Model own = api::Model::load(t % 2 ? "espcn" : kModel);
      got[t] = own.upscale(input(t).view(), options(t));
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(got[t].bytes, serial[t].bytes) << "thread " << t;
}

TEST(ApiThreadsC, FourThreadsSharingOneHandleAndOwnLastErrors) {
  upres_model* m = nullptr;
  ASSERT_EQ(upres_model_load(kModel.c_str(), nullptr, &m), UPRES_OK) << upres_last_error();
  const api::Model ref = api::Model::load(kModel);
  std::vector<int> ok(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      api::Image in = input(t);
      const api::Image expect = ref.upscale(in.view(), options(t));
      upres_image ci{in.bytes.data(), in.width, in.height, in.channels, 0, UPRES_PIXEL_U8};
      upres_upscale_options uo{options(t).tile, options(t).overlap, options(t).ensemble ? 1 : 0};
      int good = 0;
      for (int r = 0; r < kRounds; ++r) {
        upres_image out{};
        if (upres_upscale(m, &ci, &out, &uo) == UPRES_OK &&
            std::vector<unsigned char>(static_cast<unsigned char*>(out.data),
                                       static_cast<unsigned char*>(out.data) + expect.bytes.size()) == expect.bytes)
          ++good;
        upres_image_free(&out);
        // A failure on this thread sets this thread's message only.
        upres_image bad = ci;
        bad.channels = 7 + t;
        if (upres_upscale(m, &bad, &out, &uo) == UPRES_ERROR_INVALID_ARGUMENT &&
            std::string(upres_last_error()).find(std::to_string(7 + t) + " channels") != std::string::npos)
          ++good;
      }
      ok[t] = good;
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(ok[t], 2 * kRounds) << "thread " << t;
  upres_model_free(m);
}
