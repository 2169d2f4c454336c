// Tests of `upres upscale --device` (and `upres train --device`): the simt
// backend (the CUDA kernels run by the SIMT emulator) must write the same
// picture as the cpu backend, and train to the same weights; a device
// this process cannot use (cuda without a GPU) and a value that names no device
// must fail with a message naming the value, a non-zero exit and no output file.
//
// Why "at most 1 level" rather than equal bytes: the two backends compute the
// same convolutions with float sums in a different order (cpu: Eigen GEMM,
// simt: the CUDA kernels' per-thread loops), so results differ by a few ulps;
// a value that lies near a rounding boundary (k + 0.5) / 255 can then round to
// neighbouring 8-bit levels. A wrong kernel shifts far more than one level.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "data/image.h"
#include "support/cli.h"
#include "engine/backends.h"
#include "engine/safetensors.h"

namespace fs = std::filesystem;
using upres::data::Image;

namespace {

using upres::testing::run_upres;
fs::path scratch(const std::string& name) { return upres::testing::scratch_dir("device_cli", name); }

// An RGB test picture with detail everywhere (no flat areas).
Image test_picture(int w, int h) {
  Image img(w, h, 3);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        img.at(c, y, x) = static_cast<float>((x * 29 + y * 47 + c * 83 + x * y * 5) % 256) / 255.0f;
  return img;
}

using upres::testing::quoted;

const std::string kModel = std::string(UPRES_SOURCE_DIR) + "/models/zoo/espcn_x2.safetensors";

}  // namespace

TEST(UpscaleCliDevice, SimtWritesTheSamePixelsAsCpuWithinOneLevel) {
  fs::path d = scratch("parity");
  upres::data::save_png(test_picture(12, 10), (d / "in.png").string());
  const std::string common = "upscale -m \"" + kModel + "\" -i " + quoted(d / "in.png");
  upres::testing::CliRun rc = run_upres(common + " -o " + quoted(d / "cpu.png") + " --device cpu", d);
  ASSERT_EQ(rc.code, 0) << rc.err;
  upres::testing::CliRun rs = run_upres(common + " -o " + quoted(d / "simt.png") + " --device simt", d);
  ASSERT_EQ(rs.code, 0) << rs.err;

  Image a = upres::data::load_image((d / "cpu.png").string());
  Image b = upres::data::load_image((d / "simt.png").string());
  ASSERT_EQ(a.width, 24);
  ASSERT_EQ(a.height, 20);
  ASSERT_EQ(a.channels, 3);
  ASSERT_EQ(b.width, a.width);
  ASSERT_EQ(b.height, a.height);
  ASSERT_EQ(b.channels, a.channels);
  int worst = 0, differing = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    int la = static_cast<int>(std::lround(a.pixels[i] * 255.0f));
    int lb = static_cast<int>(std::lround(b.pixels[i] * 255.0f));
    worst = std::max(worst, std::abs(la - lb));
    differing += la != lb;
  }
  EXPECT_LE(worst, 1) << differing << " of " << a.pixels.size() << " values differ";
  fs::remove_all(d);
}

TEST(UpscaleCliDevice, CudaWithoutAGpuFailsCleanly) {
  if (upres::device_available(upres::Device::cuda)) GTEST_SKIP() << "a CUDA GPU is present";
  fs::path d = scratch("cuda");
  upres::data::save_png(test_picture(12, 10), (d / "in.png").string());
  upres::testing::CliRun r = run_upres("upscale -m \"" + kModel + "\" -i " + quoted(d / "in.png") + " -o " +
                              quoted(d / "out.png") + " --device cuda",
                          d);
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(r.code, 1) << "an unavailable device is a runtime error (exit 1)";
  EXPECT_NE(r.err.find("'cuda'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not available"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d / "out.png"));
  fs::remove_all(d);
}

TEST(UpscaleCliDevice, UnknownDeviceIsAUsageErrorNamingTheValue) {
  fs::path d = scratch("tpu");
  upres::data::save_png(test_picture(12, 10), (d / "in.png").string());
  upres::testing::CliRun r = run_upres("upscale -m \"" + kModel + "\" -i " + quoted(d / "in.png") + " -o " +
                              quoted(d / "out.png") + " --device tpu",
                          d);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--device"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'tpu'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d / "out.png"));
  fs::remove_all(d);
}

TEST(UpscaleCliDevice, HelpListsTheDeviceOption) {
  fs::path d = scratch("help");
  fs::path out = d / "help.txt";
  std::string cmd = std::string("\"") + UPRES_CLI + "\" upscale --help > " + quoted(out);
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream f(out);
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_NE(ss.str().find("--device"), std::string::npos) << ss.str();
  fs::remove_all(d);
}

// A few Adam steps of a tiny ESPCN on simt end at the same weights as on cpu:
// the model, the batches and the optimizer's moments all live on the device.
// Tolerance 1e-5 absolute: after 3 steps of lr 1e-3 the weights move by ~3e-3,
// and the two backends differ only in summation order (a few ulps per step).
TEST(TrainCliDevice, SimtTrainsToTheSameWeightsAsCpu) {
  fs::path d = scratch("train");
  fs::create_directories(d / "hr");
  upres::data::save_png(test_picture(30, 26), (d / "hr" / "a.png").string());
  const std::string common = "train --train " + quoted(d / "hr") +
                             " --steps 3 --batch 2 --patch 9 --hp features=8,features2=4 --channels 1 --ema 0 --seed 3 --log-every 10";
  upres::testing::CliRun rc = run_upres(common + " -o " + quoted(d / "cpu.safetensors") + " --device cpu", d);
  ASSERT_EQ(rc.code, 0) << rc.err;
  upres::testing::CliRun rs = run_upres(common + " -o " + quoted(d / "simt.safetensors") + " --device simt", d);
  ASSERT_EQ(rs.code, 0) << rs.err;
  auto a = upres::read_safetensors((d / "cpu.safetensors").string()).tensor_map();
  auto b = upres::read_safetensors((d / "simt.safetensors").string()).tensor_map();
  ASSERT_EQ(a.size(), 6u);
  ASSERT_EQ(a.size(), b.size());
  for (auto& [name, ta] : a) {
    ASSERT_TRUE(b.count(name)) << name;
    std::vector<float> va = ta.to_vector(), vb = b.at(name).to_vector();
    ASSERT_EQ(va.size(), vb.size()) << name;
    for (size_t i = 0; i < va.size(); ++i) EXPECT_NEAR(va[i], vb[i], 1e-5f) << name << "[" << i << "]";
  }

  upres::testing::CliRun rt = run_upres(common + " -o " + quoted(d / "tpu.safetensors") + " --device tpu", d);
  EXPECT_EQ(rt.code, 2) << rt.err;
  EXPECT_NE(rt.err.find("'tpu'"), std::string::npos) << rt.err;
  EXPECT_FALSE(fs::exists(d / "tpu.safetensors"));
  fs::remove_all(d);
}
