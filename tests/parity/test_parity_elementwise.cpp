// Parity of the pointwise and reduction kernels (kernels/cuda/elementwise, kernels/cuda/reduce)
// run on the simt emulator against the cpu kernels under every scheduling order
// (elementwise_parity.h says what is compared and how tightly), and the engine's elementwise and
// reduction ops on simt through autograd.
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/reduce.h"
#include "parity/elementwise_engine_ops.h"
#include "parity/elementwise_parity.h"
#include "simt/orders.h"

namespace {

using namespace upres::testing::parity;

// The device and orders; the families here have their own kernel table (kSimt), so parity.h's
// table stays empty.
Backend simt_backend() { return {upres::Device::simt, Kernels{}, upres::testing::all_orders()}; }
const ElementwiseKernels kSimt = UPRES_ELEMENTWISE_KERNELS(upres::simt);

TEST(SimtParity, BinaryBroadcastForwardBackwardBitExact) { check_binary(simt_backend(), kSimt); }
TEST(SimtParity, ScalarOpsBitExact) { check_scalar(simt_backend(), kSimt); }
TEST(SimtParity, UnaryMathsForwardBackward) { check_unary(simt_backend(), kSimt); }
TEST(SimtParity, SumReduceOverDimsDeterministic) { check_sum_reduce(simt_backend(), kSimt); }
TEST(SimtParity, L1MseLossForwardBackward) { check_losses(simt_backend(), kSimt); }

TEST(SimtParity, ReduceAndBinaryWithBlocksOnThreeOsThreads) {
  Backend b = simt_backend();
  b.orders = upres::testing::all_orders(3);
  check_sum_reduce(b, kSimt);
  check_binary(b, kSimt);
}

TEST(SimtEngineOps, ElementwiseOpsMatchCpu) { check_elementwise_ops(upres::Device::simt); }
TEST(SimtEngineOps, ReduceAndLossOpsMatchCpu) { check_reduce_ops(upres::Device::simt); }

}  // namespace
