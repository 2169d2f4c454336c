// Test that the emulator works after the CUDA toolkit's own host headers: they define
// __shared__ as nothing for a host compiler (which would give every fiber its own local array),
// and kernels/simt/simt.h must redefine it. Built with the toolkit's include folder when CMake
// finds one; otherwise the test reports a skip.
#if defined(UPRES_SIMT_CUDA_HEADERS) && __has_include(<cuda_runtime.h>)
#include <cuda_runtime.h>
#define UPRES_SIMT_WITH_CUDA_HEADERS 1
#endif

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "kernels/cuda/launch.h"

namespace {

__global__ void exchange_through_shared(uintptr_t* address, int* seen) {
  __shared__ int cell[64];
  const int t = threadIdx.x;
  cell[t] = 1000 + t;
  __syncthreads();
  address[t] = reinterpret_cast<uintptr_t>(cell);
  seen[t] = cell[63 - t];
}

TEST(SimtCudaHeaders, SharedIsOneArrayPerBlockAfterTheToolkitHeaders) {
#if !defined(UPRES_SIMT_WITH_CUDA_HEADERS)
  GTEST_SKIP() << "the CUDA toolkit's headers were not found at configure time";
#else
  static_assert(sizeof(dim3) == 12, "dim3 from the toolkit's vector_types.h");
  std::vector<uintptr_t> address(64);
  std::vector<int> seen(64);
  UPRES_LAUNCH(exchange_through_shared, dim3(1), dim3(64), 0, nullptr, address.data(), seen.data());
  for (int t = 0; t < 64; ++t) {
    EXPECT_EQ(address[t], address[0]);
    EXPECT_EQ(seen[t], 1000 + 63 - t);
  }
#endif
}

}  // namespace
