// internal.h - what the files of api/ share, private to the library: the model
// behind a upres::api::Model handle, the pixel conversions between the API's
// interleaved buffers and the engine's planar float images, and the mapping of
// the engine's exceptions to the API's status codes.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "data/image.h"
#include "engine/device.h"
#include "include/upres/upres.hpp"
#include "models/network.h"

namespace upres::api {

struct Model::Impl {
  std::shared_ptr<models::SRNetwork> net;  // null: bicubic
  int scale = 2;
  std::string arch, path;
  Device device = Device::cpu;
  mutable std::mutex mutex;  // one call at a time on this network (upres.hpp, thread safety)
};

namespace detail {

// Sample size in bytes of a pixel type (1 or 4); throws invalid_argument for a bad value.
int sample_size(PixelType t);
// The stride of a view: its own, or width * channels * sample size when 0.
// Checks the size, channels, type, pointer and stride; `what` names the argument.
std::ptrdiff_t checked_stride(const void* data, int width, int height, int channels, std::ptrdiff_t stride, PixelType t,
                              const char* what);
// Interleaved (u8: v / 255, f32: as is) -> planar float.
data::Image to_planar(const ImageView& in);
// Planar float -> interleaved into `out` (u8: clamped and rounded as image files are written).
void from_planar(const data::Image& img, const MutableImageView& out);

// Calls f(); turns whatever it throws into api::Error with `fallback` for the
// engine's upres::Error, out_of_memory for std::bad_alloc.
template <typename F>
auto translate(Status fallback, F&& f) -> decltype(f());
[[noreturn]] void rethrow_as_api(Status fallback);

}  // namespace detail
}  // namespace upres::api

template <typename F>
auto upres::api::detail::translate(Status fallback, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (...) {
    rethrow_as_api(fallback);
  }
}
