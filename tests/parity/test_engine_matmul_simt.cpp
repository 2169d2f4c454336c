// bmm and gram with tensors on the simt device: forward and backward through autograd equal the
// cpu ops (tests/parity/matmul_ops.h), under the default order and a random one on 3 OS threads.
#include <gtest/gtest.h>

#include "kernels/simt/runtime.h"
#include "parity/matmul_ops.h"

namespace {

using namespace upres;

TEST(SimtEngineOps, BmmGramForwardBackwardMatchCpu) { upres::testing::parity::check_matmul_ops(Device::simt); }

TEST(SimtEngineOps, BmmGramUnderRandomOrderOnThreeOsThreads) {
  simt::Options o;
  o.order = simt::Order::random;
  o.seed = 11;
  o.threads = 3;
  simt::ScopedOptions scope(o);
  upres::testing::parity::check_matmul_ops(Device::simt);
}

}  // namespace
