// image.cpp - Image <-> files (through stb) and <-> tensors.
#include "data/image.h"

#include <stb_image.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string_view>

#include "engine/error.h"
#include "engine/fileio.h"

namespace upres::data {

Image::Image(int w, int h, int c, float value) : width(w), height(h), channels(c) {
  UPRES_CHECK(w > 0 && h > 0 && c > 0, "Image: width ", w, ", height ", h, ", channels ", c,
              " must all be positive");
  pixels.assign(static_cast<size_t>(c) * static_cast<size_t>(w) * static_cast<size_t>(h), value);
}

// ---- reading --------------------------------------------------------------------------

Image decode_image(const std::vector<unsigned char>& bytes, const std::string& name) {
  UPRES_CHECK(!bytes.empty(), "load_image: '", name, "' is empty (0 bytes), expected an image file");
  UPRES_CHECK(bytes.size() <= 0x7fffffffu, "load_image: '", name, "' is ", bytes.size(),
              " bytes, over the 2 GiB stb_image can decode");
  int w = 0, h = 0, c = 0;
  // req_comp = 0: keep the channels the file stores (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA).
  std::unique_ptr<stbi_uc, void (*)(void*)> raw(
      stbi_load_from_memory(bytes.data(), static_cast<int>(bytes.size()), &w, &h, &c, 0), stbi_image_free);
  if (!raw) {
    const char* why = stbi_failure_reason();
    UPRES_FAIL("load_image: cannot decode '", name, "' (", why ? why : "unknown reason",
               "); expected a PNG, JPEG or BMP image");
  }
  UPRES_CHECK(w > 0 && h > 0 && c >= 1 && c <= 4, "load_image: '", name, "' decodes to ", w, "x", h,
              " with ", c, " channels; expected a non-empty image with 1 to 4 channels");
  Image img(w, h, c);
  // stb gives interleaved HWC bytes; scatter them to planes.
  const int64_t n = img.plane_size();
  for (int ch = 0; ch < c; ++ch) {
    float* dst = img.plane(ch);
    const stbi_uc* src = raw.get() + ch;
    for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<float>(src[i * c]) / 255.0f;  // the float nearest v/255
  }
  return img;
}

Image load_image(const std::string& path) {
  std::error_code ec;
  UPRES_CHECK(std::filesystem::exists(path, ec), "load_image: '", path, "' does not exist");
  UPRES_CHECK(!std::filesystem::is_directory(path, ec), "load_image: '", path,
              "' is a directory, expected an image file");
  std::ifstream f(path, std::ios::binary);
  UPRES_CHECK(f.good(), "load_image: cannot open '", path, "' for reading (permissions?)");
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  UPRES_CHECK(!f.bad(), "load_image: reading '", path, "' failed");
  return decode_image(bytes, path);
}

// ---- writing --------------------------------------------------------------------------

std::vector<unsigned char> encode_png(const Image& img) {
  UPRES_CHECK(!img.empty() && img.channels >= 1 && img.channels <= 4, "encode_png: image ", img.width, "x",
              img.height, " with ", img.channels, " channels; PNG needs a non-empty image with 1 to 4 channels");
  UPRES_CHECK(static_cast<int64_t>(img.pixels.size()) == img.plane_size() * img.channels,
              "encode_png: the image holds ", img.pixels.size(), " samples, expected ",
              img.plane_size() * img.channels);
  const int c = img.channels;
  const int64_t n = img.plane_size();
  std::vector<unsigned char> hwc(static_cast<size_t>(n * c));
  for (int ch = 0; ch < c; ++ch) {
    const float* src = img.plane(ch);
    for (int64_t i = 0; i < n; ++i) {
      float v = src[i];
      v = v == v ? std::min(std::max(v, 0.0f), 1.0f) : 0.0f;  // NaN -> 0
      hwc[static_cast<size_t>(i * c + ch)] = static_cast<unsigned char>(std::lround(v * 255.0f));
    }
  }
  std::vector<unsigned char> out;
  auto append = [](void* ctx, void* data, int size) {
    auto* o = static_cast<std::vector<unsigned char>*>(ctx);
    auto* p = static_cast<unsigned char*>(data);
    o->insert(o->end(), p, p + size);
  };
  int ok = stbi_write_png_to_func(append, &out, img.width, img.height, c, hwc.data(), img.width * c);
  UPRES_CHECK(ok && !out.empty(), "encode_png: stb_image_write failed for a ", img.width, "x", img.height,
              " image with ", c, " channels");
  return out;
}

void save_png(const Image& img, const std::string& path) {
  std::vector<unsigned char> bytes = encode_png(img);
  write_file_atomic(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// ---- planes and windows ----------------------------------------------------------------

Image select_channels(const Image& img, int first, int count) {
  UPRES_CHECK(first >= 0 && count > 0 && first + count <= img.channels, "select_channels: planes [", first,
              ", ", first + count, ") of an image with ", img.channels, " channels");
  Image out(img.width, img.height, count);
  std::copy(img.plane(first), img.plane(first) + img.plane_size() * count, out.pixels.begin());
  return out;
}

Image merge_channels(const std::vector<Image>& parts) {
  UPRES_CHECK(!parts.empty(), "merge_channels: no images");
  int c = 0;
  for (const Image& p : parts) {
    UPRES_CHECK(p.width == parts[0].width && p.height == parts[0].height, "merge_channels: image of ",
                p.width, "x", p.height, " does not match ", parts[0].width, "x", parts[0].height);
    c += p.channels;
  }
  Image out(parts[0].width, parts[0].height, c);
  auto it = out.pixels.begin();
  for (const Image& p : parts) it = std::copy(p.pixels.begin(), p.pixels.end(), it);
  return out;
}

Image crop(const Image& img, int top, int left, int height, int width) {
  UPRES_CHECK(top >= 0 && left >= 0 && height > 0 && width > 0 && top + height <= img.height &&
                  left + width <= img.width,
              "crop: window ", width, "x", height, " at (x ", left, ", y ", top, ") does not fit a ", img.width,
              "x", img.height, " image");
  Image out(width, height, img.channels);
  for (int c = 0; c < img.channels; ++c)
    for (int y = 0; y < height; ++y) {
      const float* src = img.plane(c) + static_cast<int64_t>(top + y) * img.width + left;
      std::copy(src, src + width, out.plane(c) + static_cast<int64_t>(y) * width);
    }
  return out;
}

Image modcrop(const Image& img, int scale) {
  UPRES_CHECK(scale >= 1, "modcrop: scale ", scale, " must be >= 1");
  int w = img.width - img.width % scale, h = img.height - img.height % scale;
  UPRES_CHECK(w > 0 && h > 0, "modcrop: a ", img.width, "x", img.height, " image is smaller than scale ", scale);
  return crop(img, 0, 0, h, w);
}

// ---- tensors --------------------------------------------------------------------------

Tensor to_tensor(const Image& img) {
  UPRES_CHECK(!img.empty(), "to_tensor: empty image");
  return Tensor::from_vector({1, img.channels, img.height, img.width}, img.pixels);
}

Image to_image(const Tensor& t) {
  UPRES_CHECK(t.defined() && (t.dim() == 3 || (t.dim() == 4 && t.size(0) == 1)), "to_image: tensor ",
              t.defined() ? t.describe() : std::string("(undefined)"), "; expected [1, C, H, W] or [C, H, W]");
  Image img(static_cast<int>(t.size(-1)), static_cast<int>(t.size(-2)), static_cast<int>(t.size(-3)));
  img.pixels = t.to_vector();
  return img;
}

}  // namespace upres::data
