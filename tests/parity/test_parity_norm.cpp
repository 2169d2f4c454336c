// Parity of the batch norm kernels (kernels/cuda/norm) run on the simt emulator against the cpu
// kernels under every scheduling order, and the engine's batch_norm on simt through autograd
// (norm_parity.h).
#include "kernels/cuda/norm.h"
#include "parity/norm_parity.h"
#include "simt/orders.h"

namespace {

using namespace upres::testing::parity;

TEST(SimtParity, BatchNormStatsRunningForwardBackward) {
  check_batch_norm({upres::Device::simt, Kernels{}, upres::testing::all_orders()}, UPRES_NORM_KERNELS(upres::simt));
}
TEST(SimtEngineOps, BatchNormTrainingAndEvalMatchCpu) { check_norm_ops(upres::Device::simt); }

}  // namespace
