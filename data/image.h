// image.h - an image in memory, and reading/writing image files.
//
// An Image holds float32 samples in [0, 1], planar (channel-major, CHW): plane c
// is height*width samples in row-major order. This is the layout of one NCHW
// tensor, so conversion to and from a Tensor is a copy.
//
// Files go through stb_image (PNG, JPEG, BMP in; 8 bits per sample) and
// stb_image_write (PNG out). Channels are kept as stored: a grey file gives one
// plane, grey+alpha two, RGB three, RGBA four (alpha is the last plane).
// 8-bit values v map to v / 255; saving rounds clamp(x, 0, 1) * 255 to nearest.
// Saving is atomic: the PNG is encoded in memory, written to a temporary file
// beside the target and renamed over it, so a reader never sees half a file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace upres::data {

struct Image {
  int width = 0, height = 0, channels = 0;
  std::vector<float> pixels;  // channels * height * width samples, planar CHW

  Image() = default;
  Image(int w, int h, int c, float value = 0.0f);  // throws on non-positive sizes
  bool empty() const { return pixels.empty(); }
  int64_t plane_size() const { return static_cast<int64_t>(width) * height; }
  float* plane(int c) { return pixels.data() + c * plane_size(); }
  const float* plane(int c) const { return pixels.data() + c * plane_size(); }
  float& at(int c, int y, int x) { return plane(c)[static_cast<int64_t>(y) * width + x]; }
  float at(int c, int y, int x) const { return plane(c)[static_cast<int64_t>(y) * width + x]; }
};

// Read an image file (PNG, JPEG, BMP, ... whatever stb_image decodes) at 8 bits.
// Throws upres::Error naming the file when it is missing, unreadable, empty or
// not a decodable image.
Image load_image(const std::string& path);
// Decode an image held in memory; `name` is used in error messages.
Image decode_image(const std::vector<unsigned char>& bytes, const std::string& name);

// Encode as an 8-bit PNG (1 to 4 channels) in memory.
std::vector<unsigned char> encode_png(const Image& img);
// Write a PNG file atomically (temporary file + rename). Throws naming the file.
void save_png(const Image& img, const std::string& path);

// The planes [first, first + count) as a new image (e.g. the alpha plane of RGBA).
Image select_channels(const Image& img, int first, int count);
// Stack the planes of images of equal size.
Image merge_channels(const std::vector<Image>& parts);
// The window [top, top + height) x [left, left + width).
Image crop(const Image& img, int top, int left, int height, int width);
// Crop to the largest size that is a multiple of `scale` (keeping the top-left),
// as the evaluation protocol does before downscaling ("modcrop").
Image modcrop(const Image& img, int scale);

// [1, C, H, W] tensor (cpu) from an image, and back. to_image accepts [1, C, H, W]
// or [C, H, W] on any device and clamps nothing (save_png clamps).
Tensor to_tensor(const Image& img);
Image to_image(const Tensor& t);

}  // namespace upres::data
