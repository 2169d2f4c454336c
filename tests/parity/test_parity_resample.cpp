// Parity of the resizing and pooling kernels (kernels/cuda/upsample, kernels/cuda/pool) run on the simt emulator against the
// cpu kernels under every scheduling order, and the engine's upsample op on simt through
// autograd, and the same for pooling (resample_parity.h).
#include "kernels/cuda/pool.h"
#include "kernels/cuda/upsample.h"
#include "parity/resample_parity.h"
#include "simt/orders.h"

namespace {

using namespace upres::testing::parity;

Backend simt_backend() { return {upres::Device::simt, Kernels{}, upres::testing::all_orders()}; }
const ResampleKernels kSimt = UPRES_RESAMPLE_KERNELS(upres::simt);

TEST(SimtParity, UpsampleNearestBilinearBicubicForwardBackward) { check_upsample(simt_backend(), kSimt); }
TEST(SimtEngineOps, UpsampleMatchesCpu) { check_upsample_ops(upres::Device::simt); }
TEST(SimtParity, AvgMaxAdaptivePoolForwardBackward) {
  check_pool(simt_backend(), UPRES_POOL_KERNELS(upres::simt));
}
TEST(SimtEngineOps, PoolingMatchesCpu) { check_pool_ops(upres::Device::simt); }

}  // namespace
