// image.h - an image in memory, and reading/writing image files.
//
// An Image holds float32 samples in [0, 1], planar (channel-major, CHW): plane c
// is height*width samples in row-major order. This is the layout of one NCHW
// tensor, so conversion to and from a Tensor is a copy.
//
// Reading (stb_image): PNG (8 and 16 bits per sample, palette and low bit depths
// expanded to 8), JPEG (baseline and progressive; CMYK/YCCK JPEGs are converted to
// RGB), BMP and TGA. Channels are kept as stored: a grey file gives one plane,
// grey+alpha two, RGB three, RGBA four (alpha is the last plane). An 8-bit value v
// maps to v / 255, a 16-bit one to v / 65535 (full precision; bit_depth records 16).
// The header is read first (stbi_info) and an image over LoadOptions::max_pixels is
// refused before any pixel is decoded, so a small file that claims a huge size (a
// "decompression bomb") cannot exhaust memory. Every failure throws upres::Error
// naming the file and the problem (missing, a directory, empty, truncated or corrupt,
// unsupported format, zero size, too many pixels).
//
// Writing, chosen by the file extension: .png (8 bits, or 16 bits when bit_depth is
// 16; our encoder, data/png_writer.h, which can also stream), .jpg/.jpeg
// (stb_image_write, quality 1..100, default 95; JPEG has no alpha, so an alpha plane
// is dropped) and .bmp (24-bit, or 32-bit with alpha; BMP has no grey, so grey is
// written as R = G = B and reads back as RGB). Samples are clamped to [0, 1] (NaN to
// 0) and rounded to the nearest level: lround(x * 255) or lround(x * 65535). Saving
// is atomic: the file is encoded in memory, written to a temporary file beside the
// target and renamed over it (engine/fileio.h), so a failed save never leaves a
// half-written file and never damages an existing one.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace upres::data {

// A sample as files store it: clamp(v, 0, 1) (NaN -> 0), rounded to the nearest of
// top + 1 levels (top = 255 or 65535). Every encoder quantizes with this.
inline long quantize_sample(float v, double top) {
  const double x = v == v ? std::min(std::max(static_cast<double>(v), 0.0), 1.0) : 0.0;
  return std::lround(x * top);
}

struct Image {
  int width = 0, height = 0, channels = 0;
  std::vector<float> pixels;  // channels * height * width samples, planar CHW
  int bit_depth = 8;          // bits per sample of the source file (8 or 16); saving a PNG follows it

  Image() = default;
  Image(int w, int h, int c, float value = 0.0f);  // throws on non-positive sizes
  bool empty() const { return pixels.empty(); }
  int64_t plane_size() const { return static_cast<int64_t>(width) * height; }
  float* plane(int c) { return pixels.data() + c * plane_size(); }
  const float* plane(int c) const { return pixels.data() + c * plane_size(); }
  float& at(int c, int y, int x) { return plane(c)[static_cast<int64_t>(y) * width + x]; }
  float at(int c, int y, int x) const { return plane(c)[static_cast<int64_t>(y) * width + x]; }
};

// Pixel limit of load_image when UPRES_MAX_PIXELS is not set: 2^28 (268 million
// pixels, e.g. 16384 x 16384). Reason: larger than any camera or scan one upscales
// (150-megapixel sensors), yet bounded: an RGBA image of 2^28 pixels is 4 GiB as float
// planes, plus 1 GiB for stb's decoded bytes, which a workstation can hold.
constexpr std::int64_t kDefaultMaxPixels = std::int64_t(1) << 28;

// The default limit: the environment variable UPRES_MAX_PIXELS (a positive integer) if
// set, else kDefaultMaxPixels. Throws naming the variable when it is not a number.
std::int64_t default_max_pixels();

struct LoadOptions {
  std::int64_t max_pixels = default_max_pixels();  // width * height above this is refused
};

// Read an image file (PNG, JPEG, BMP, TGA; see above). Throws upres::Error naming the file.
Image load_image(const std::string& path);
Image load_image(const std::string& path, const LoadOptions& options);
// Decode an image held in memory; `name` is used in error messages.
Image decode_image(const std::vector<unsigned char>& bytes, const std::string& name);
Image decode_image(const std::vector<unsigned char>& bytes, const std::string& name, const LoadOptions& options);

enum class ImageFormat { png, jpeg, bmp };

struct SaveOptions {
  int jpeg_quality = 95;  // 1..100
  int png_bit_depth = 0;  // 8 or 16; 0 follows the image's bit_depth (16 -> 16, otherwise 8)
};

// The output format named by the extension of `path` (.png, .jpg, .jpeg, .bmp, any case).
// Throws naming the file and listing the supported extensions otherwise.
ImageFormat format_from_path(const std::string& path);

// Encode in memory (1 to 4 channels).
std::vector<unsigned char> encode_image(const Image& img, ImageFormat format, const SaveOptions& options = {});
// PNG: 8-bit, or 16-bit when img.bit_depth is 16.
std::vector<unsigned char> encode_png(const Image& img);
// Write a file in the format its extension names, atomically (temporary file + rename).
// Throws naming the file (and the folder when it does not exist); on failure an existing
// file at `path` is left as it was.
void save_image(const Image& img, const std::string& path, const SaveOptions& options = {});
// Write a PNG whatever the extension, atomically.
void save_png(const Image& img, const std::string& path);

// These keep bit_depth (merge_channels: the largest of its parts).
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
// or [C, H, W] on any device and clamps nothing (saving clamps); its bit_depth is 8.
Tensor to_tensor(const Image& img);
Image to_image(const Tensor& t);

}  // namespace upres::data
