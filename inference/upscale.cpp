// upscale.cpp - colour handling, pre-upsampling, and the choice between one
// piece and tiles (upscale.h).
#include "inference/upscale.h"

#include <algorithm>
#include <cmath>

#include "data/color.h"
#include "data/resize.h"
#include "engine/allocator.h"
#include "engine/autograd.h"
#include "engine/error.h"
#include "inference/ensemble.h"
#include "inference/tiling.h"

namespace upres::inference {

using data::Image;

Image bicubic_upscale(const Image& img, int64_t scale) {
  UPRES_CHECK(scale >= 1 && scale <= 16, "bicubic_upscale: scale ", scale, ", expected 1 to 16");
  if (scale == 1) return img;
  Image out = data::imresize(img, static_cast<double>(scale));  // ceil(n * s) = n * s: exactly s times larger
  out.bit_depth = img.bit_depth;
  return out;
}

Image run_network(models::SRNetwork& net, const Image& planes, Device device) {
  UPRES_CHECK(planes.channels == net.channels(), "upscale: the ", net.arch(), " network works on ", net.channels(),
              " channels, the planes given have ", planes.channels);
  NoGradGuard no_grad;
  Tensor x = data::to_tensor(planes);
  if (device != Device::cpu) x = x.to(device);
  return data::to_image(net.forward(x));  // to_image reads any device
}

int64_t auto_tile(models::SRNetwork& net, int64_t width, int64_t height, const UpscaleOptions& opt) {
  const int64_t probe = 48;  // LR pixels on a side: big enough that per-pixel costs dominate fixed ones
  if (width <= probe && height <= probe) return 0;
  const int64_t in_side = net.pre_upsampling() ? probe * net.scale() : probe;  // what the network sees
  Allocator& alloc = allocator_for(opt.device);
  const std::size_t before = alloc.bytes_in_use();
  alloc.reset_peak();
  run_network(net, Image(static_cast<int>(in_side), static_cast<int>(in_side), static_cast<int>(net.channels())),
              opt.device);
  const double bytes_per_pixel =  // per LR pixel, everything the forward held at its peak
      static_cast<double>(alloc.peak_bytes() - std::min(alloc.peak_bytes(), before)) / double(probe * probe);
  if (bytes_per_pixel * double(width) * double(height) <= double(opt.memory_budget)) return 0;
  // A window of (tile + 2 overlap)^2 pixels must fit.
  const int64_t side = static_cast<int64_t>(std::floor(std::sqrt(double(opt.memory_budget) / bytes_per_pixel)));
  return std::max<int64_t>({side - 2 * opt.overlap, 2 * opt.overlap, 1});
}

namespace {

// The network on planes of its channel count, with pre-upsampling, tiling and
// the ensemble applied.
Image enlarge(models::SRNetwork& net, const Image& planes, const UpscaleOptions& opt) {
  const int64_t s = net.scale();
  int64_t tile = opt.tile;
  UPRES_CHECK(tile >= 0, "upscale: tile ", tile, ", expected >= 0 (0: automatic)");
  UPRES_CHECK(opt.overlap >= 0, "upscale: overlap ", opt.overlap, ", expected >= 0");
  if (tile == 0) tile = auto_tile(net, planes.width, planes.height, opt);
  TileFn one = [&](const Image& t) { return run_network(net, t, opt.device); };
  Image input = planes;
  int64_t net_scale = s, net_tile = tile, net_overlap = opt.overlap;
  if (net.pre_upsampling()) {  // the network sees the bicubic-enlarged image: count tiles in its pixels
    input = bicubic_upscale(planes, s);
    net_scale = 1;
    net_tile = tile * s;
    net_overlap = opt.overlap * s;
  }
  TileFn tiled = [&](const Image& t) { return run_tiled(one, t, net_scale, net_tile, net_overlap); };
  return opt.ensemble ? self_ensemble(tiled, input) : tiled(input);
}

}  // namespace

Image upscale(models::SRNetwork& net, const Image& img, const UpscaleOptions& opt) {
  UPRES_CHECK(img.channels >= 1 && img.channels <= 4, "upscale: image has ", img.channels,
              " channels, expected 1 to 4");
  const int64_t s = net.scale();
  const bool has_alpha = img.channels == 2 || img.channels == 4;
  const int colour = has_alpha ? img.channels - 1 : img.channels;  // 1 (grey) or 3 (RGB)
  Image body = data::select_channels(img, 0, colour);
  Image out;
  if (net.channels() == 1) {
    if (colour == 1) {
      out = enlarge(net, body, opt);
    } else {
      Image ycc = data::rgb_to_ycbcr(body);
      Image y = enlarge(net, data::select_channels(ycc, 0, 1), opt);
      Image cbcr = bicubic_upscale(data::select_channels(ycc, 1, 2), s);
      out = data::ycbcr_to_rgb(data::merge_channels({y, cbcr}));
    }
  } else if (net.channels() == 3) {
    if (colour == 3) {
      out = enlarge(net, body, opt);
    } else {  // grey through an RGB model: three equal planes in, their mean out
      Image rgb = enlarge(net, data::merge_channels({body, body, body}), opt);
      out = Image(rgb.width, rgb.height, 1);
      for (int64_t i = 0; i < rgb.plane_size(); ++i)
        out.pixels[i] = (rgb.plane(0)[i] + rgb.plane(1)[i] + rgb.plane(2)[i]) / 3.0f;
    }
  } else {
    UPRES_FAIL("upscale: the ", net.arch(), " network works on ", net.channels(),
               " channels; supported are 1 (Y) and 3 (RGB)");
  }
  if (has_alpha) out = data::merge_channels({out, bicubic_upscale(data::select_channels(img, colour, 1), s)});
  out.bit_depth = img.bit_depth;  // a 16-bit source is saved at 16 bits
  return out;
}

}  // namespace upres::inference
