// Parity of the kernels/cuda kernels run on the simt emulator against the cpu kernels, under
// every scheduling order (tests/parity/parity.h says what is compared and how tightly).
#include "kernels/cuda/activation.h"
#include "kernels/cuda/basic.h"
#include "kernels/cuda/shuffle.h"
#include "parity/parity.h"
#include "simt/orders.h"

namespace {

using namespace upres::testing::parity;

Backend simt_backend() {
  return {upres::Device::simt, UPRES_PARITY_KERNELS(upres::simt), upres::testing::all_orders()};
}

TEST(SimtParity, FillBitExact) { check_fill(simt_backend()); }
TEST(SimtParity, Axpy) { check_axpy(simt_backend()); }
TEST(SimtParity, ReluLeakySigmoidTanhForwardBackward) { check_pointwise(simt_backend()); }
TEST(SimtParity, PreluForwardBackwardPerChannelAndShared) { check_prelu(simt_backend()); }
TEST(SimtParity, PixelShuffleUnshuffleBitExact) { check_pixel_shuffle(simt_backend()); }

// The same checks with the blocks spread over 3 OS threads.
TEST(SimtParity, AllKernelsWithBlocksOnThreeOsThreads) {
  Backend b = simt_backend();
  b.orders = upres::testing::all_orders(3);
  check_fill(b);
  check_axpy(b);
  check_prelu(b);
  check_pixel_shuffle(b);
}

}  // namespace
