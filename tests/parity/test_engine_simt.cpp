// The engine with tensors on the simt device: placement and copies, the ported ops (activations,
// pixel shuffle, fill, gradient accumulation) through autograd against cpu, and the clear error
// of an op whose GPU kernels do not exist yet.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "engine/allocator.h"
#include "engine/backends.h"
#include "parity/engine_ops.h"
#include "simt/orders.h"

namespace {

using namespace upres;
using namespace upres::testing::parity;

TEST(SimtDevice, TensorToSimtAndBackIsExact) {
  ASSERT_TRUE(device_available(Device::simt));
  Tensor x = image({2, 13, 7, 9}, 1);
  Tensor s = x.to(Device::simt);
  EXPECT_EQ(s.device(), Device::simt);
  EXPECT_EQ(s.describe(), "f32[2, 13, 7, 9] on simt");
  expect_match(s.to(Device::cpu).to_vector(), x.to_vector(), 0, 0, "cpu -> simt -> cpu");
  expect_match(s.clone().to_vector(), x.to_vector(), 0, 0, "clone on simt");
  Tensor c = Tensor::empty(x.shape(), Device::simt);
  c.copy_(x);
  expect_match(c.to_vector(), x.to_vector(), 0, 0, "copy_ into simt");
}

TEST(SimtDevice, FactoriesRunTheFillKernel) {
  expect_match(Tensor::zeros({7, 9}, Device::simt).to_vector(), std::vector<float>(63, 0.0f), 0, 0, "zeros");
  expect_match(Tensor::full({13}, -2.5f, Device::simt).to_vector(), std::vector<float>(13, -2.5f), 0, 0,
               "full");
  EXPECT_EQ(Tensor::ones({1}, Device::simt).item(), 1.0f);
}

TEST(SimtDevice, FreshMemoryIsPoisonedWithNaN) {
  Tensor e = Tensor::empty({5, 3}, Device::simt);
  for (float v : e.to_vector()) EXPECT_TRUE(std::isnan(v));
}

TEST(SimtDevice, AllocatorCountsBytes) {
  Allocator& a = allocator_for(Device::simt);
  const std::size_t before = a.bytes_in_use();
  {
    Tensor t = Tensor::empty({1000}, Device::simt);
    EXPECT_EQ(a.bytes_in_use(), before + 4032);  // 4000 bytes in 64-byte lines
    EXPECT_GE(a.peak_bytes(), before + 4032);
  }
  EXPECT_EQ(a.bytes_in_use(), before);
}

TEST(SimtEngineOps, ActivationsForwardBackwardMatchCpu) { check_activation_ops(Device::simt); }
TEST(SimtEngineOps, PixelShuffleForwardBackwardMatchCpu) { check_shuffle_ops(Device::simt); }

TEST(SimtEngineOps, ReluAutogradUnderRandomOrderOnThreeOsThreads) {
  simt::Options o;
  o.order = simt::Order::random;
  o.seed = 7;
  o.threads = 3;
  simt::ScopedOptions scope(o);
  check_op_on_device(Device::simt, "relu", {image({2, 13, 7, 9}, 12)}, [](auto& in) { return relu(in[0]); });
}

TEST(SimtEngineOps, UnportedOpSaysNoKernelForSimt) {
  // An op whose family is not ported calls the cpu-only UPRES_DISPATCH. Every engine op is
  // ported now, so the macro is called directly, as such an op would.
  Tensor a = Tensor::empty({7, 9}, Device::simt);
  try {
    UPRES_DISPATCH(a.device(), fill, a.numel(), 0.0f, a.data());
    FAIL() << "UPRES_DISPATCH of fill on simt did not throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no kernel for device 'simt'"), std::string::npos) << e.what();
  }
}

TEST(SimtEngineOps, MixedDevicesAreRejected) {
  Tensor x = image({1, 13, 7, 9}, 15).to(Device::simt), w = image({13}, 16);
  try {
    prelu(x, w);
    FAIL() << "prelu with inputs on simt and cpu did not throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("different devices"), std::string::npos) << e.what();
  }
}

TEST(CudaDevice, UnavailableDeviceGivesAClearError) {
  if (device_available(Device::cuda)) GTEST_SKIP() << "a GPU is present; tests/gpu covers it";
  try {
    Tensor::zeros({3}, Device::cuda);
    FAIL() << "a cuda tensor was made without a GPU";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("device 'cuda' is not available"), std::string::npos) << e.what();
  }
}

}  // namespace
