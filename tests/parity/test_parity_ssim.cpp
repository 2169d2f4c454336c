// Parity of the SSIM window kernels and total variation (kernels/cuda/ssim, kernels/cuda/tv)
// run on the simt emulator against the cpu kernels under every scheduling order, and the
// engine's ssim and total_variation on simt through autograd (ssim_parity.h).
#include "kernels/cuda/ssim.h"
#include "kernels/cuda/tv.h"
#include "parity/ssim_parity.h"
#include "simt/orders.h"

namespace {

using namespace upres::testing::parity;

Backend simt_backend() { return {upres::Device::simt, Kernels{}, upres::testing::all_orders()}; }

TEST(SimtParity, SsimWindowMomentsMapBackward) {
  check_ssim_window_kernels(simt_backend(), UPRES_SSIM_TV_KERNELS(upres::simt));
}
TEST(SimtParity, SsimDownsampleSumConversions) {
  check_ssim_helper_kernels(simt_backend(), UPRES_SSIM_TV_KERNELS(upres::simt));
}
TEST(SimtParity, TotalVariationForwardBackward) {
  check_tv_kernels(simt_backend(), UPRES_SSIM_TV_KERNELS(upres::simt));
}
TEST(SimtEngineOps, SsimAndTotalVariationMatchCpu) { check_ssim_tv_ops(upres::Device::simt); }

}  // namespace
