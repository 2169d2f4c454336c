// Parity of the colour transform and the MATLAB imresize passes (kernels/cuda/color,
// kernels/cuda/resize) run on the simt emulator against the cpu kernels under every scheduling
// order, bit for bit, and the engine's colour and imresize ops on simt through autograd
// (color_resize_parity.h).
#include "kernels/cuda/color.h"
#include "kernels/cuda/resize.h"
#include "parity/color_resize_parity.h"
#include "simt/orders.h"

namespace {

using namespace upres::testing::parity;

Backend simt_backend() { return {upres::Device::simt, Kernels{}, upres::testing::all_orders()}; }
const ColorResizeKernels kSimt = UPRES_COLOR_RESIZE_KERNELS(upres::simt);

TEST(SimtParity, ColorTransformRgbYcbcrBitExact) { check_color(simt_backend(), kSimt); }
TEST(SimtParity, ImresizePassesForwardBackwardBitExact) { check_resize(simt_backend(), kSimt); }
TEST(SimtEngineOps, ColorAndImresizeMatchCpu) { check_color_resize_ops(upres::Device::simt); }

}  // namespace
