// Parity of the optimizer kernels (kernels/cuda/optim) run on the simt emulator against the cpu
// kernels under every scheduling order, the engine's optimizers and clip_grad_norm on simt, and a
// tiny conv net trained with Adam on simt vs cpu (optim_parity.h states the tolerances).
#include "kernels/cuda/optim.h"
#include "parity/optim_parity.h"
#include "simt/orders.h"

namespace {

using namespace upres::testing::parity;

Backend simt_backend() { return {upres::Device::simt, Kernels{}, upres::testing::all_orders()}; }

TEST(SimtParity, OptimSgdMomentumNesterovSteps) { check_sgd_kernel(simt_backend(), UPRES_OPTIM_KERNELS(upres::simt)); }
TEST(SimtParity, OptimAdamAdamWSteps) { check_adam_kernel(simt_backend(), UPRES_OPTIM_KERNELS(upres::simt)); }
TEST(SimtParity, OptimNormReductionsAndScale) { check_norm_kernels(simt_backend(), UPRES_OPTIM_KERNELS(upres::simt)); }
TEST(SimtParity, OptimKernelsWithBlocksOnThreeOsThreads) {
  Backend b = simt_backend();
  b.orders = upres::testing::all_orders(3);
  check_adam_kernel(b, UPRES_OPTIM_KERNELS(upres::simt));
  check_norm_kernels(b, UPRES_OPTIM_KERNELS(upres::simt));
}
TEST(SimtEngineOps, OptimizersAndClipGradNormMatchCpu) { check_optimizers_on_device(upres::Device::simt); }
TEST(SimtEngineOps, TinyConvNetAdamTrainingMatchesCpu) { check_tiny_net_training(upres::Device::simt); }

}  // namespace
