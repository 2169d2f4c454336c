// resize.cpp - MATLAB imresize: weight tables (engine/resize_weights.h, host, double
// precision) and two gather passes (kernels/cpu/resize.h). See resize.h for the algorithm.
#include "data/resize.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "engine/dispatch.h"
#include "engine/error.h"
#include "kernels/cpu/resize.h"

namespace upres::data {

namespace {

// Round data held in 8-bit units to the nearest level, half away from zero, saturated.
void round_levels(std::vector<float>& v) {
  for (float& x : v) x = std::clamp(std::floor(x + 0.5f), 0.0f, 255.0f);
}

// One pass along the height (axis 0) or the width (axis 1) of all planes.
void resize_axis(std::vector<float>& data, int channels, int64_t& h, int64_t& w, int axis, int64_t out,
                 double scale, const ResizeOptions& opt) {
  const int64_t in = axis == 0 ? h : w;
  ResizeWeights t = resize_weights(in, out, scale, opt.kernel, opt.antialias);
  kern::ResizeShape s;
  s.planes = channels;
  s.in_h = h;
  s.in_w = w;
  s.out_h = axis == 0 ? out : h;
  s.out_w = axis == 0 ? w : out;
  s.taps = t.taps;
  std::vector<float> y(static_cast<size_t>(s.planes * s.out_h * s.out_w));
  if (axis == 0)
    UPRES_DISPATCH(Device::cpu, resize_height_forward, s, data.data(), t.index.data(), t.weight.data(), y.data());
  else
    UPRES_DISPATCH(Device::cpu, resize_width_forward, s, data.data(), t.index.data(), t.weight.data(), y.data());
  if (opt.round_to_uint8) round_levels(y);
  data.swap(y);
  h = s.out_h;
  w = s.out_w;
}

Image resize_impl(const Image& img, int64_t out_h, int64_t out_w, double scale_h, double scale_w,
                  const ResizeOptions& opt) {
  UPRES_CHECK(!img.empty() && img.channels > 0, "imresize: the input image is empty (", img.width, "x",
              img.height, ", ", img.channels, " channels)");
  UPRES_CHECK(out_h >= 1 && out_w >= 1 && out_h <= (1 << 20) && out_w <= (1 << 20), "imresize: output size ",
              out_w, "x", out_h, " from a ", img.width, "x", img.height,
              " image; expected 1 to 1048576 pixels per side");
  std::vector<float> data = img.pixels;
  // uint8 mode works in 8-bit units (whole numbers, exact in float): with the
  // dyadic weights of x1/2 and x1/4 many results are exact .5 ties in MATLAB's
  // double arithmetic, and v/255 (inexact in binary) would tip them downwards.
  if (opt.round_to_uint8) {
    for (float& x : data) x *= 255.0f;
    round_levels(data);  // a uint8 image holds whole levels to begin with
  }
  int64_t h = img.height, w = img.width;
  // MATLAB: [~, order] = sort(scale) - the smaller scale first, the height on ties.
  const bool height_first = scale_h <= scale_w;
  for (int pass = 0; pass < 2; ++pass) {
    const int axis = (pass == 0) == height_first ? 0 : 1;
    if (axis == 0)
      resize_axis(data, img.channels, h, w, 0, out_h, scale_h, opt);
    else
      resize_axis(data, img.channels, h, w, 1, out_w, scale_w, opt);
  }
  if (opt.round_to_uint8)
    for (float& x : data) x = static_cast<float>(x / 255.0);  // the float nearest level / 255, as load_image
  Image out(static_cast<int>(w), static_cast<int>(h), img.channels);
  out.pixels = std::move(data);
  return out;
}

}  // namespace

ResizeKernel resize_kernel_from_name(const std::string& name) {
  std::string n = name;
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  if (n == "nearest" || n == "box") return ResizeKernel::nearest;
  if (n == "bilinear" || n == "linear" || n == "triangle") return ResizeKernel::bilinear;
  if (n == "bicubic" || n == "cubic") return ResizeKernel::bicubic;
  UPRES_FAIL("imresize: unknown kernel '", name, "'; expected bicubic, bilinear or nearest");
}

const char* resize_kernel_name(ResizeKernel k) {
  switch (k) {
    case ResizeKernel::nearest: return "nearest";
    case ResizeKernel::bilinear: return "bilinear";
    case ResizeKernel::bicubic: return "bicubic";
  }
  return "?";
}

Image imresize(const Image& img, double scale, const ResizeOptions& opt) {
  UPRES_CHECK(scale > 0 && std::isfinite(scale), "imresize: scale ", scale, " must be positive and finite");
  const int64_t out_h = static_cast<int64_t>(std::ceil(img.height * scale));
  const int64_t out_w = static_cast<int64_t>(std::ceil(img.width * scale));
  return resize_impl(img, out_h, out_w, scale, scale, opt);
}

Image imresize(const Image& img, int out_height, int out_width, const ResizeOptions& opt) {
  UPRES_CHECK(img.width > 0 && img.height > 0, "imresize: the input image is empty");
  UPRES_CHECK(out_height >= 1 && out_width >= 1, "imresize: output size ", out_width, "x", out_height,
              " must be positive");
  return resize_impl(img, out_height, out_width, static_cast<double>(out_height) / img.height,
                     static_cast<double>(out_width) / img.width, opt);
}

}  // namespace upres::data
