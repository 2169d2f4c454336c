// pixels.cpp - the API's interleaved 8-bit / float buffers with a row stride,
// to and from the engine's planar float images (data/image.h).
//
// 8-bit in: v / 255.0f, the float data::load_image gives, so a buffer holding
// a PNG's bytes enters the network exactly as `upres upscale` reads the file.
// 8-bit out: clamp to [0, 1] (NaN -> 0), lround(x * 255), as data::save_image
// writes. Cost: one pass over the pixels each way, memory bound.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <new>

#include "api/internal.h"
#include "engine/error.h"

namespace upres::api::detail {

int sample_size(PixelType t) {
  if (t == PixelType::u8) return 1;
  if (t == PixelType::f32) return 4;
  throw Error(Status::invalid_argument, "pixel type " + std::to_string(static_cast<int>(t)) + ", expected u8 (0) or f32 (1)");
}

std::ptrdiff_t checked_stride(const void* data, int width, int height, int channels, std::ptrdiff_t stride, PixelType t,
                              const char* what) {
  const int ss = sample_size(t);
  const std::string name = what;
  if (width <= 0 || height <= 0)
    throw Error(Status::invalid_argument, name + ": size " + std::to_string(width) + "x" + std::to_string(height) +
                                              ", expected a positive width and height");
  if (channels < 1 || channels > 4)
    throw Error(Status::invalid_argument, name + ": " + std::to_string(channels) +
                                              " channels, expected 1 (grey), 2 (grey+alpha), 3 (RGB) or 4 (RGBA)");
  if (!data) throw Error(Status::invalid_argument, name + ": the pixel pointer is null");
  const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(width) * channels * ss;
  if (stride == 0) return row;
  if (stride < row)
    throw Error(Status::invalid_argument, name + ": stride " + std::to_string(stride) + " bytes is less than a row of " +
                                              std::to_string(width) + " x " + std::to_string(channels) + " x " +
                                              std::to_string(ss) + " = " + std::to_string(row) + " bytes");
  if (t == PixelType::f32 && stride % 4 != 0)
    throw Error(Status::invalid_argument, name + ": stride " + std::to_string(stride) +
                                              " bytes is not a multiple of 4, as float rows need");
  return stride;
}

data::Image to_planar(const ImageView& in) {
  const std::ptrdiff_t stride = checked_stride(in.data, in.width, in.height, in.channels, in.stride, in.type, "input image");
  data::Image img(in.width, in.height, in.channels);
  const auto* base = static_cast<const unsigned char*>(in.data);
  const int c = in.channels;
  for (int y = 0; y < in.height; ++y) {
    const unsigned char* row = base + y * stride;
    for (int ch = 0; ch < c; ++ch) {
      float* dst = img.plane(ch) + static_cast<int64_t>(y) * in.width;
      if (in.type == PixelType::u8) {
        for (int x = 0; x < in.width; ++x) dst[x] = static_cast<float>(row[x * c + ch]) / 255.0f;
      } else {
        for (int x = 0; x < in.width; ++x) std::memcpy(&dst[x], row + (static_cast<std::ptrdiff_t>(x) * c + ch) * 4, 4);
      }
    }
  }
  return img;
}

void from_planar(const data::Image& img, const MutableImageView& out) {
  const std::ptrdiff_t stride =
      checked_stride(out.data, out.width, out.height, out.channels, out.stride, out.type, "output image");
  if (out.width != img.width || out.height != img.height || out.channels != img.channels)
    throw Error(Status::invalid_argument, "output image: " + std::to_string(out.width) + "x" + std::to_string(out.height) +
                                              " with " + std::to_string(out.channels) + " channels, expected " +
                                              std::to_string(img.width) + "x" + std::to_string(img.height) + " with " +
                                              std::to_string(img.channels));
  auto* base = static_cast<unsigned char*>(out.data);
  const int c = out.channels;
  for (int y = 0; y < out.height; ++y) {
    unsigned char* row = base + y * stride;
    for (int ch = 0; ch < c; ++ch) {
      const float* src = img.plane(ch) + static_cast<int64_t>(y) * img.width;
      if (out.type == PixelType::u8) {
        for (int x = 0; x < out.width; ++x) {
          const float v = src[x];
          const double clamped = v == v ? std::min(std::max(static_cast<double>(v), 0.0), 1.0) : 0.0;
          row[x * c + ch] = static_cast<unsigned char>(std::lround(clamped * 255.0));
        }
      } else {
        for (int x = 0; x < out.width; ++x) std::memcpy(row + (static_cast<std::ptrdiff_t>(x) * c + ch) * 4, &src[x], 4);
      }
    }
  }
}

[[noreturn]] void rethrow_as_api(Status fallback) {
  try {
    throw;
  } catch (const Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw Error(Status::out_of_memory, "out of memory");
  } catch (const std::exception& e) {
    throw Error(fallback, e.what());
  } catch (...) {
    throw Error(Status::runtime_error, "unknown exception");
  }
}

}  // namespace upres::api::detail
