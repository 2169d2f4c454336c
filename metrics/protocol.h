// protocol.h - the evaluation protocols of super-resolution tables, by name.
//
// Every SR paper reports PSNR and SSIM on the luma (Y) of its test images with
// `scale` pixels removed at each border, but the tables descend from two
// pipelines that differ in which image is shrunk and where values are rounded.
// Differences of 0.01 to 0.05 dB come from these details alone, so a number is
// only comparable to a table computed the same way. upres names both:
//
// standard (the default; how the published LR sets of DIV2K and of the
//   benchmark sets are made, and how RGB networks such as EDSR and RCAN are judged):
//   1. HR: the 8-bit image, cropped to a multiple of the scale (top-left kept),
//      alpha dropped; a grey image stays grey.
//   2. LR: MATLAB imresize(HR, 1/scale, 'bicubic') on the uint8 RGB image, i.e.
//      antialiased Keys cubic (a = -0.5), rounded to 8 bits after each of the
//      two 1-D passes (data/resize.h, round_to_uint8).
//   3. bicubic SR: imresize(LR, scale) on uint8 (rounded after each pass).
//   4. scoring: SR clamped to [0, 1] and rounded to 8 bits per channel; then the
//      BT.601 Y of SR and HR in double, not rounded (metrics/planes.h; a grey
//      image is its own Y), `scale` pixels removed at each border, PSNR (peak
//      255) and SSIM (Wang's ssim_index: 11x11 Gaussian, sigma 1.5, 'valid').
//
// legacy-y (the Y-only pipeline of the SRCNN / VDSR era; the "Bicubic" rows of
//   the classic tables, reprinted by EDSR, RCAN and most later papers):
//   1. HR: cropped as above, then MATLAB rgb2ycbcr on the uint8 image and only
//      Y kept, ROUNDED to an 8-bit level (16..235); a grey image is taken as Y
//      unchanged (MATLAB code of that era converts only when size(im,3) > 1).
//   2. LR: imresize(Y, 1/scale, 'bicubic') in double: no rounding.
//   3. bicubic SR: imresize(LR, scale, 'bicubic') in double.
//   4. scoring: SR clamped and rounded to an 8-bit level (the im2uint8 / saved
//      PNG of the published code), `scale` pixels shaved, PSNR and SSIM as above.
//   Only the Y plane exists in this protocol: networks must be 1-channel (luma).
//   With upres's float32 imresize this reproduces the published bicubic rows
//   of Set5 and BSD100 at x2, x3, x4 (README, "Evaluation protocols").
#pragma once

#include <string>
#include <vector>

#include "data/image.h"

namespace upres::metrics {

enum class EvalProtocol { standard, legacy_y };

// "standard" / "legacy-y" (also "legacy_y"); throws upres::Error listing the names.
EvalProtocol eval_protocol_from_name(const std::string& name);
const char* eval_protocol_name(EvalProtocol p);
// All names, in the order of the enum: {"standard", "legacy-y"}.
std::vector<std::string> eval_protocol_names();

// Step 1: the ground truth the protocol scores against (an image read from an
// 8-bit file; alpha, if any, dropped). standard: RGB or grey, cropped;
// legacy-y: one plane, the rounded Y. Throws when the image is smaller than the scale.
data::Image prepare_hr(const data::Image& hr, int scale, EvalProtocol p);
// Step 2: the LR input from prepare_hr's result (size: HR size / scale).
data::Image make_lr(const data::Image& hr, int scale, EvalProtocol p);
// Step 3: the protocol's own bicubic enlargement of make_lr's result.
data::Image bicubic_sr(const data::Image& lr, int scale, EvalProtocol p);

// Clamp to [0, 1] and round to the nearest 8-bit level (v / 255), as saving a PNG does.
data::Image quantize_8bit(const data::Image& img);

struct YScores {
  double psnr = 0, ssim = 0;  // PSNR in dB (+infinity for identical images), SSIM in [-1, 1]
};
// Step 4: Y-channel PSNR and SSIM of an SR image against prepare_hr's result,
// `scale` pixels removed at each border; sr is quantized to 8 bits first.
// Throws upres::Error naming both sizes when they differ.
YScores score_y(const data::Image& sr, const data::Image& hr, int scale, EvalProtocol p);

}  // namespace upres::metrics
