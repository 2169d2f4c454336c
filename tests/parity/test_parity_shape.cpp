// Parity of the data-movement kernels (kernels/cuda/shape) run on the simt emulator against the
// cpu kernels, bit for bit under every scheduling order, and the engine's shape ops on simt
// through autograd (shape_parity.h).
#include "kernels/cuda/shape.h"
#include "parity/shape_parity.h"
#include "simt/orders.h"

namespace {

using namespace upres::testing::parity;

Backend simt_backend() { return {upres::Device::simt, Kernels{}, upres::testing::all_orders()}; }
const ShapeKernels kSimt = UPRES_SHAPE_KERNELS(upres::simt);

TEST(SimtParity, StridedCopyConcatCropNarrowBitExact) { check_strided_copy(simt_backend(), kSimt); }
TEST(SimtParity, PadZeroReflectReplicateForwardBackwardBitExact) { check_pad(simt_backend(), kSimt); }
TEST(SimtParity, PadWithBlocksOnThreeOsThreads) {
  Backend b = simt_backend();
  b.orders = upres::testing::all_orders(3);
  check_pad(b, kSimt);
}
TEST(SimtEngineOps, ConcatSplitNarrowPadCropMatchCpu) { check_shape_ops(upres::Device::simt); }

}  // namespace
