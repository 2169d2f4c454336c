// The engine-level simt tests that ran only in the default (forward) order, or in forward
// and one random order - activations, pixel shuffle, bmm and gram through autograd
// (tests/parity/test_engine_simt.cpp, test_engine_matmul_simt.cpp) - here under every
// scheduling order of simt/orders.h (forward, reverse, three random seeds), as every
// other simt parity test runs: one order can hide a missing barrier.
#include <gtest/gtest.h>

#include "kernels/simt/runtime.h"
#include "parity/engine_ops.h"
#include "parity/matmul_ops.h"
#include "simt/orders.h"

namespace {

using namespace upres;
using upres::testing::all_orders;
using upres::testing::describe;

TEST(SimtEveryOrder, ActivationsPixelShuffleBmmGramMatchCpu) {
  for (const simt::Options& o : all_orders()) {
    SCOPED_TRACE(describe(o));
    simt::ScopedOptions scope(o);
    upres::testing::parity::check_activation_ops(Device::simt);
    upres::testing::parity::check_shuffle_ops(Device::simt);
    upres::testing::parity::check_matmul_ops(Device::simt);
  }
}

}  // namespace
