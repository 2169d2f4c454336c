// The hand-written SGEMM (kernels/cuda/sgemm.h) on a real GPU against cpu::gemm_reference: the
// checks of tests/parity/test_parity_sgemm_simt.cpp (sgemm_parity.h) with bigger sizes too, and
// bmm/gram through autograd on cuda. ctest label `gpu`; every test reports a skip without a GPU
// or in a build without CUDA.
// The toolkit's headers come first: the simt runtime (included by sgemm_parity.h) declares dim3,
// float4 & co. only where <cuda_runtime.h> has not (kernels/simt/types.h).
#if defined(UPRES_WITH_CUDA)
#include <cuda_runtime.h>
#endif

#include <gtest/gtest.h>

#include "gpu/need_gpu.h"

#include "engine/backends.h"
#include "kernels/cuda/sgemm.h"
#include "parity/matmul_ops.h"
#include "parity/sgemm_parity.h"

namespace {

using namespace upres::testing::sgemm;
using upres::Device;

#if defined(UPRES_WITH_CUDA)
#define UPRES_SGEMM_NEED_GPU() UPRES_NEED_GPU()
#define UPRES_CUDA_SGEMM_TEST(name, version)                                         \
  TEST(CudaSgemm, name) {                                                            \
    UPRES_SGEMM_NEED_GPU();                                                          \
    check_version(Device::cuda, &upres::cuda::sgemm, version, gpu_sizes(), {});      \
  }
#else
#define UPRES_SGEMM_NEED_GPU() UPRES_SKIP_WITHOUT_CUDA()
#define UPRES_CUDA_SGEMM_TEST(name, version) \
  TEST(CudaSgemm, name) { UPRES_SGEMM_NEED_GPU(); }
#endif

UPRES_CUDA_SGEMM_TEST(V0CublasMatchesReference, 0)
UPRES_CUDA_SGEMM_TEST(V1NaiveMatchesReference, 1)
UPRES_CUDA_SGEMM_TEST(V2SharedTilesMatchReference, 2)
UPRES_CUDA_SGEMM_TEST(V3RegisterColumnMatchesReference, 3)
UPRES_CUDA_SGEMM_TEST(V4RegisterTileFloat4MatchesReference, 4)
UPRES_CUDA_SGEMM_TEST(V5WarpTileMatchesReference, 5)

TEST(CudaEngineOps, BmmGramForwardBackwardMatchCpu) {
  UPRES_SGEMM_NEED_GPU();
#if defined(UPRES_WITH_CUDA)
  upres::testing::parity::check_matmul_ops(Device::cuda);
#endif
}

}  // namespace
