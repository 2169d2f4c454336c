// The engine with tensors on the cuda device against cpu: the same checks as
// tests/parity/test_engine_simt.cpp (engine_ops.h). Skipped without a GPU.
#include <gtest/gtest.h>

#include "gpu/need_gpu.h"

#include "engine/allocator.h"
#include "engine/backends.h"
#include "parity/engine_ops.h"

namespace {

using namespace upres;
using namespace upres::testing::parity;

TEST(CudaEngineOps, ActivationsForwardBackwardMatchCpu) {
  UPRES_NEED_GPU();
  check_activation_ops(Device::cuda);
}

TEST(CudaEngineOps, PixelShuffleForwardBackwardMatchCpu) {
  UPRES_NEED_GPU();
  check_shuffle_ops(Device::cuda);
}

TEST(CudaDevice, CachingAllocatorReusesFreedBlocks) {
  UPRES_NEED_GPU();
  Allocator& a = allocator_for(Device::cuda);
  const std::size_t before = a.bytes_in_use();
  void* first;
  {
    Tensor t = Tensor::empty({1000}, Device::cuda);
    first = t.data();
    EXPECT_EQ(a.bytes_in_use(), before + 4096);  // 4000 bytes in the 512-byte class
  }
  Tensor u = Tensor::empty({1000}, Device::cuda);
  EXPECT_EQ(u.data(), first) << "the freed block of the same size class was not reused";
  Tensor v = Tensor::from_vector({3}, {1.0f, 2.0f, 3.0f}, Device::cuda);
  EXPECT_EQ(v.to_vector(), (std::vector<float>{1.0f, 2.0f, 3.0f}));
  EXPECT_EQ(v.to(Device::simt).to(Device::cuda).to_vector(), v.to_vector());
}

}  // namespace
