// Tests of `upres upscale --device`: the simt backend (the CUDA kernels run by
// the SIMT emulator) must write the same picture as the cpu backend; a device
// this process cannot use (cuda without a GPU) and a value that names no device
// must fail with a message naming the value, a non-zero exit and no output file.
//
// Why "at most 1 level" rather than equal bytes: the two backends compute the
// same convolutions with float sums in a different order (cpu: Eigen GEMM,
// simt: the CUDA kernels' per-thread loops), so results differ by a few ulps;
// a value that lies near a rounding boundary (k + 0.5) / 255 can then round to
// neighbouring 8-bit levels. A wrong kernel shifts far more than one level.
#include <gtest/gtest.h>

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
#include "engine/backends.h"

namespace fs = std::filesystem;
using upres::data::Image;

namespace {

struct RunResult {
  int code = -1;
  std::string err;
};

// Runs the upres binary with `args`, capturing stderr into a file.
RunResult run_upres(const std::string& args, const fs::path& dir) {
  fs::path err = dir / "stderr.txt";
  std::string cmd = std::string("\"") + UPRES_CLI + "\" " + args + " 2> \"" + err.string() + "\" > /dev/null";
  int status = std::system(cmd.c_str());
  RunResult r;
  r.code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  std::ifstream f(err);
  std::stringstream ss;
  ss << f.rdbuf();
  r.err = ss.str();
  return r;
}

fs::path scratch(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("upres_test_device_cli_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// A 12x10 RGB test picture with detail everywhere (no flat areas).
Image test_picture(int w, int h) {
  Image img(w, h, 3);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        img.at(c, y, x) = static_cast<float>((x * 29 + y * 47 + c * 83 + x * y * 5) % 256) / 255.0f;
  return img;
}

std::string quoted(const fs::path& p) { return "\"" + p.string() + "\""; }

const std::string kModel = std::string(UPRES_SOURCE_DIR) + "/models/zoo/espcn_x2.safetensors";

}  // namespace

TEST(UpscaleCliDevice, SimtWritesTheSamePixelsAsCpuWithinOneLevel) {
  fs::path d = scratch("parity");
  upres::data::save_png(test_picture(12, 10), (d / "in.png").string());
  const std::string common = "upscale -m \"" + kModel + "\" -i " + quoted(d / "in.png");
  RunResult rc = run_upres(common + " -o " + quoted(d / "cpu.png") + " --device cpu", d);
  ASSERT_EQ(rc.code, 0) << rc.err;
  RunResult rs = run_upres(common + " -o " + quoted(d / "simt.png") + " --device simt", d);
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
  RunResult r = run_upres("upscale -m \"" + kModel + "\" -i " + quoted(d / "in.png") + " -o " +
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
  RunResult r = run_upres("upscale -m \"" + kModel + "\" -i " + quoted(d / "in.png") + " -o " +
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
