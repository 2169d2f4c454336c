// upscale.h - the upscale pipeline as a library: from a decoded image and a
// network to the enlarged image, as `upres upscale` writes it.
//
// The folder inference/ is the layer between the networks (models/) and the
// tool (apps/): it knows which planes of an image file go through a network,
// how an image of any size goes through in bounded memory (tiling.h), and the
// x8 self-ensemble (ensemble.h). It uses engine/, models/ and data/; it knows
// no command line.
//
// Colour handling, by the network's channel count:
//   1-channel (luma) network: a grey image goes in as it is; a colour one is
//     converted to BT.601 YCbCr (data/color.h), Y goes through the network, Cb
//     and Cr are enlarged by bicubic, and the result converted back to RGB.
//   3-channel (RGB) network: RGB goes in; a grey image goes in as three equal
//     planes and comes out as the mean of the three output planes.
//   Alpha (the last plane of grey+alpha or RGBA) is enlarged by bicubic.
// Pre-upsampling networks (SRCNN, VDSR; SRNetwork::pre_upsampling()) get their
// input enlarged by bicubic first and return an image of that size.
//
// "Bicubic" here is MATLAB's imresize (data/resize.h: Keys cubic with a = -0.5),
// not the engine's upsample (PyTorch's, a = -0.75): it is the interpolation the
// field's evaluation code uses for chroma, and the one that made the enlarged
// inputs pre-upsampling networks were trained on (SRCNN, VDSR), so feeding them
// anything else is a shift of the input distribution.
//
// Values are floats in [0, 1] and are not clamped here (saving clamps); a
// 16-bit source keeps bit_depth 16 in the result.
#pragma once

#include <cstdint>

#include "data/image.h"
#include "engine/device.h"
#include "models/network.h"

namespace upres::inference {

struct UpscaleOptions {
  // Largest side of a tile's core, in low-resolution pixels. 0: automatic - the
  // whole image in one piece when the network's working memory for it fits in
  // memory_budget, else the largest tile that fits (auto_tile). > 0: tiles of at
  // most this size (must be >= 2 * overlap). For a pre-upsampling network tile
  // and overlap are still counted in LR pixels (the network sees scale x as many).
  int64_t tile = 0;
  // Context around each tile, in LR pixels; tiled == untiled up to rounding when
  // overlap >= 2 x the network's receptive-field radius (tiling.h).
  int64_t overlap = 16;
  bool ensemble = false;        // x8 geometric self-ensemble (ensemble.h)
  Device device = Device::cpu;  // where the network's weights live (Module::to); tiles are copied there
  // Bytes of tensors the network may use at once when tile == 0 (1 GiB).
  int64_t memory_budget = int64_t(1) << 30;
};

// The enlarged image (see the header comment). Runs without autograd.
data::Image upscale(models::SRNetwork& net, const data::Image& img, const UpscaleOptions& opt = {});

// Every plane enlarged by MATLAB-style bicubic (data/resize.h); `upres upscale -m bicubic`.
data::Image bicubic_upscale(const data::Image& img, int64_t scale);

// The network on one image of planes [C, H, W] (C = net.channels()): copied to
// `device`, run under no-grad, copied back. No tiling, no ensemble.
data::Image run_network(models::SRNetwork& net, const data::Image& planes, Device device);

// The tile (LR pixels) that tile == 0 chooses for an image of width x height:
// 0 when it fits the budget whole. Measures the network's tensor bytes per
// input pixel on a small probe window (the device allocator's peak), so it
// accounts for whatever widths and depths the architecture has. The probe
// resets that allocator's peak counter (Allocator::reset_peak).
int64_t auto_tile(models::SRNetwork& net, int64_t width, int64_t height, const UpscaleOptions& opt);

}  // namespace upres::inference
