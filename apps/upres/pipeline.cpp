// pipeline.cpp - how `upres upscale` applies a model to an image file's planes:
// which planes go through the network and which through bicubic (cli.h).
#include "apps/upres/cli.h"
#include "data/color.h"
#include "engine/autograd.h"
#include "engine/error.h"
#include "engine/ops.h"

namespace upres::cli {

using data::Image;

Image bicubic_upscale(const Image& img, int64_t scale) {
  NoGradGuard no_grad;
  return data::to_image(upsample(data::to_tensor(img), scale, UpsampleMode::bicubic));
}

namespace {
Image run_net(const LoadedModel& m, const Image& planes) {
  NoGradGuard no_grad;
  Tensor x = data::to_tensor(planes);
  if (m.device != Device::cpu) x = x.to(m.device);
  Tensor y = m.net->forward(x);
  return data::to_image(y);  // reads any device
}
}  // namespace

Image super_resolve(const LoadedModel& m, const Image& img) {
  UPRES_CHECK(img.channels >= 1 && img.channels <= 4, "super_resolve: image has ", img.channels,
              " channels, expected 1 to 4");
  const bool has_alpha = img.channels == 2 || img.channels == 4;
  const int colour = has_alpha ? img.channels - 1 : img.channels;  // 1 (grey) or 3 (RGB)
  Image body = data::select_channels(img, 0, colour);
  Image out;
  if (m.channels == 1) {
    if (colour == 1) {
      out = run_net(m, body);
    } else {
      Image ycc = data::rgb_to_ycbcr(body);
      Image y = run_net(m, data::select_channels(ycc, 0, 1));
      Image cbcr = bicubic_upscale(data::select_channels(ycc, 1, 2), m.scale);
      out = data::ycbcr_to_rgb(data::merge_channels({y, cbcr}));
    }
  } else if (m.channels == 3) {
    if (colour == 3) {
      out = run_net(m, body);
    } else {  // grey through an RGB model: three equal planes in, their mean out
      Image rgb = run_net(m, data::merge_channels({body, body, body}));
      out = Image(rgb.width, rgb.height, 1);
      for (int64_t i = 0; i < rgb.plane_size(); ++i)
        out.pixels[i] = (rgb.plane(0)[i] + rgb.plane(1)[i] + rgb.plane(2)[i]) / 3.0f;
    }
  } else {
    UPRES_FAIL("super_resolve: the model works on ", m.channels, " channels; supported are 1 (Y) and 3 (RGB)");
  }
  if (has_alpha) out = data::merge_channels({out, bicubic_upscale(data::select_channels(img, colour, 1), m.scale)});
  return out;
}

}  // namespace upres::cli
