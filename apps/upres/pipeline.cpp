// pipeline.cpp - how `upres upscale` and `upres eval` apply a model to an image
// file's planes. The work is done by the library (inference/upscale.h: colour
// handling, pre-upsampling, tiling, self-ensemble); this file only adapts the
// tool's LoadedModel to it.
#include "apps/upres/cli.h"
#include "engine/autograd.h"
#include "engine/ops.h"

namespace upres::cli {

using data::Image;

Image bicubic_upscale(const Image& img, int64_t scale) {
  NoGradGuard no_grad;
  return data::to_image(upsample(data::to_tensor(img), scale, UpsampleMode::bicubic));
}

Image super_resolve(const LoadedModel& m, const Image& img, inference::UpscaleOptions opt) {
  opt.device = m.device;
  return inference::upscale(*m.net, img, opt);
}

}  // namespace upres::cli
