// image.cpp - Image <-> files (stb_image in; data/png_writer and stb_image_write out) and <-> tensors.
#include "data/image.h"

#include <stb_image.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string_view>

#include "engine/error.h"
#include "data/image_header.h"
#include "data/png_writer.h"
#include "engine/fileio.h"

namespace upres::data {

Image::Image(int w, int h, int c, float value) : width(w), height(h), channels(c) {
  UPRES_CHECK(w > 0 && h > 0 && c > 0, "Image: width ", w, ", height ", h, ", channels ", c,
              " must all be positive");
  pixels.assign(static_cast<size_t>(c) * static_cast<size_t>(w) * static_cast<size_t>(h), value);
}

// ---- reading --------------------------------------------------------------------------

namespace {

bool format_supported(const std::string& f) { return f.empty() || f == "PNG" || f == "JPEG" || f == "BMP"; }

void check_pixel_limit(std::int64_t w, std::int64_t h, const std::string& name, const LoadOptions& options) {
  const std::int64_t pixels = w * h;  // both <= 2^24 (checked before): no overflow
  UPRES_CHECK(pixels <= options.max_pixels, "load_image: '", name, "' is ", w, "x", h, " = ", pixels,
              " pixels, over the limit of ", options.max_pixels,
              " (a guard against decompression bombs); raise it with the environment variable UPRES_MAX_PIXELS "
              "or LoadOptions::max_pixels if the image is genuine");
}

}  // namespace

std::int64_t default_max_pixels() {
  const char* env = std::getenv("UPRES_MAX_PIXELS");
  if (env == nullptr || *env == '\0') return kDefaultMaxPixels;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(env, &end, 10);
  UPRES_CHECK(errno == 0 && end != env && *end == '\0' && v > 0, "UPRES_MAX_PIXELS is '", env,
              "'; expected a positive whole number of pixels (the largest width * height load_image accepts)");
  return static_cast<std::int64_t>(v);
}

Image decode_image(const std::vector<unsigned char>& bytes, const std::string& name) {
  return decode_image(bytes, name, LoadOptions{});
}

Image decode_image(const std::vector<unsigned char>& bytes, const std::string& name, const LoadOptions& options) {
  UPRES_CHECK(options.max_pixels > 0, "load_image: LoadOptions::max_pixels is ", options.max_pixels,
              "; expected a positive pixel count");
  UPRES_CHECK(!bytes.empty(), "load_image: '", name, "' is empty (0 bytes), expected an image file");
  UPRES_CHECK(bytes.size() <= 0x7fffffffu, "load_image: '", name, "' is ", bytes.size(),
              " bytes, over the 2 GiB stb_image can decode");
  // 1. The header only: format, size and structure, before anything is allocated for pixels.
  const ImageHeader head = read_image_header(bytes);
  const std::string& format = head.format;
  UPRES_CHECK(format_supported(format), "load_image: '", name, "' is a ", format,
              " file, which upres does not read; supported: PNG, JPEG, BMP, TGA");
  // stb_image skips 0xFF fill bytes before a JPEG's SOI marker (FF FF .. D8), which the
  // sniffer does not call JPEG, so such a file would reach stb's decoder without the
  // Huffman-table walk above (found by fuzz/fuzz_image; tests/fixtures/fuzz/). No PNG,
  // BMP or TGA starts with FF FF (a TGA's second byte, the colour-map type, is 0 or 1).
  UPRES_CHECK(!(format.empty() && bytes.size() >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFF), "load_image: cannot decode '",
              name, "': it starts with 0xFF fill bytes before a JPEG marker, which upres does not read");
  const std::string as = format.empty() ? std::string("an image") : format;
  if (head.has_size) {
    UPRES_CHECK(head.width > 0 && head.height > 0, "load_image: '", name, "' has a zero size: its ", format,
                " header says ", head.width, "x", head.height, " pixels; expected a non-empty image");
    // stb_image's own cap (STBI_MAX_DIMENSIONS); past it stb only says "unknown type".
    // Checked first: it also keeps width * height (each < 2^32 in a PNG) far from overflow.
    constexpr std::int64_t kMaxSide = std::int64_t(1) << 24;
    UPRES_CHECK(head.width <= kMaxSide && head.height <= kMaxSide, "load_image: '", name, "' is ", head.width, "x",
                head.height, " pixels, over stb_image's limit of ", kMaxSide, " pixels per side");
    check_pixel_limit(head.width, head.height, name, options);
  }
  UPRES_CHECK(head.problem.empty(), "load_image: cannot decode '", name, "' as ", as, ": ", head.problem);
  const auto* data = bytes.data();
  const int len = static_cast<int>(bytes.size());
  int w = 0, h = 0, c = 0;
  if (!stbi_info_from_memory(data, len, &w, &h, &c)) {
    const char* why = stbi_failure_reason();
    if (format.empty())
      UPRES_FAIL("load_image: cannot decode '", name, "': not a PNG, JPEG, BMP or TGA image (",
                 why ? why : "unknown format", ")");
    UPRES_FAIL("load_image: cannot decode '", name, "' as ", as, ": the header is corrupt or unsupported (stb_image: ",
               why ? why : "unknown reason", ")");
  }
  UPRES_CHECK(w > 0 && h > 0, "load_image: '", name, "' has a zero size (", w, "x", h, "); expected a non-empty image");
  check_pixel_limit(w, h, name, options);

  // 2. The pixels, at 16 bits when the file has them (PNG), else 8.
  // req_comp = 0: keep the channels the file stores (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA).
  const bool sixteen = stbi_is_16_bit_from_memory(data, len) != 0;
  int w2 = 0, h2 = 0;
  std::unique_ptr<void, void (*)(void*)> raw(
      sixteen ? static_cast<void*>(stbi_load_16_from_memory(data, len, &w2, &h2, &c, 0))
              : static_cast<void*>(stbi_load_from_memory(data, len, &w2, &h2, &c, 0)),
      stbi_image_free);
  if (!raw) {
    const char* why = stbi_failure_reason();
    UPRES_FAIL("load_image: cannot decode '", name, "' as ", as, ": the file is truncated or corrupt (stb_image: ",
               why ? why : "unknown reason", ")");
  }
  UPRES_CHECK(w2 == w && h2 == h && c >= 1 && c <= 4, "load_image: '", name, "' decodes to ", w2, "x", h2, " with ", c,
              " channels; its header said ", w, "x", h, ", and 1 to 4 channels are expected");
  Image img(w, h, c);
  img.bit_depth = sixteen ? 16 : 8;
  // stb gives interleaved HWC samples; scatter them to planes as v / 255 or v / 65535.
  const int64_t n = img.plane_size();
  for (int ch = 0; ch < c; ++ch) {
    float* dst = img.plane(ch);
    if (sixteen) {
      const auto* src = static_cast<const stbi_us*>(raw.get()) + ch;
      for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<float>(src[i * c] / 65535.0);  // within 1 ulp of v/65535
    } else {
      const auto* src = static_cast<const stbi_uc*>(raw.get()) + ch;
      for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<float>(src[i * c]) / 255.0f;  // the float nearest v/255
    }
  }
  return img;
}

Image load_image(const std::string& path) { return load_image(path, LoadOptions{}); }

Image load_image(const std::string& path, const LoadOptions& options) {
  std::error_code ec;
  UPRES_CHECK(std::filesystem::exists(path, ec), "load_image: '", path, "' does not exist");
  UPRES_CHECK(!std::filesystem::is_directory(path, ec), "load_image: '", path,
              "' is a directory, expected an image file");
  std::ifstream f(path, std::ios::binary);
  UPRES_CHECK(f.good(), "load_image: cannot open '", path, "' for reading (permissions?)");
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  UPRES_CHECK(!f.bad(), "load_image: reading '", path, "' failed");
  return decode_image(bytes, path, options);
}

// ---- writing --------------------------------------------------------------------------

namespace {

void check_encodable(const Image& img, const char* what) {
  UPRES_CHECK(!img.empty() && img.channels >= 1 && img.channels <= 4, what, ": image ", img.width, "x", img.height,
              " with ", img.channels, " channels; expected a non-empty image with 1 to 4 channels");
  UPRES_CHECK(static_cast<int64_t>(img.pixels.size()) == img.plane_size() * img.channels, what, ": the image holds ",
              img.pixels.size(), " samples, expected ", img.plane_size() * img.channels);
}

// The first `channels` planes, interleaved (HWC) as 8-bit samples.
std::vector<unsigned char> to_hwc8(const Image& img, int channels) {
  const int64_t n = img.plane_size();
  std::vector<unsigned char> hwc(static_cast<size_t>(n * channels));
  for (int ch = 0; ch < channels; ++ch) {
    const float* src = img.plane(ch);
    for (int64_t i = 0; i < n; ++i) hwc[static_cast<size_t>(i * channels + ch)] = static_cast<unsigned char>(quantize_sample(src[i], 255.0));
  }
  return hwc;
}

void append_bytes(void* ctx, void* data, int size) {
  auto* o = static_cast<std::vector<unsigned char>*>(ctx);
  auto* p = static_cast<unsigned char*>(data);
  o->insert(o->end(), p, p + size);
}

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return ext;
}

}  // namespace

ImageFormat format_from_path(const std::string& path) {
  const std::string ext = lower_extension(path);
  if (ext == ".png") return ImageFormat::png;
  if (ext == ".jpg" || ext == ".jpeg") return ImageFormat::jpeg;
  if (ext == ".bmp") return ImageFormat::bmp;
  UPRES_FAIL("save_image: cannot write '", path, "': ",
             ext.empty() ? std::string("it has no extension") : "the extension '" + ext + "' names no format upres writes",
             "; supported: .png, .jpg, .jpeg, .bmp");
}

std::vector<unsigned char> encode_image(const Image& img, ImageFormat format, const SaveOptions& options) {
  check_encodable(img, "encode_image");
  const int c = img.channels;
  std::vector<unsigned char> out;
  int ok = 0;
  switch (format) {
    case ImageFormat::png: {
      const int bits = options.png_bit_depth == 0 ? (img.bit_depth == 16 ? 16 : 8) : options.png_bit_depth;
      UPRES_CHECK(bits == 8 || bits == 16, "encode_image: PNG bit depth ", bits, "; expected 8 or 16");
      PngEncoder png(img.width, img.height, c, bits,
                     [&](const unsigned char* b, std::size_t n) { out.insert(out.end(), b, b + n); });
      png.write_rows(img);
      png.finish();
      return out;
    }
    case ImageFormat::jpeg: {
      UPRES_CHECK(options.jpeg_quality >= 1 && options.jpeg_quality <= 100, "encode_image: JPEG quality ",
                  options.jpeg_quality, "; expected 1..100");
      UPRES_CHECK(img.width <= 65535 && img.height <= 65535, "encode_image: a ", img.width, "x", img.height,
                  " image is too large for JPEG (65535 pixels per side at most)");
      const int colour = c >= 3 ? 3 : 1;  // JPEG has no alpha: the last plane of 2 or 4 is dropped
      std::vector<unsigned char> hwc = to_hwc8(img, colour);
      ok = stbi_write_jpg_to_func(append_bytes, &out, img.width, img.height, colour, hwc.data(), options.jpeg_quality);
      break;
    }
    case ImageFormat::bmp: {
      // stb writes 24-bit BMPs for 1 to 3 channels (grey spread to R = G = B) and 32-bit
      // ones for 4; grey+alpha becomes RGBA so its alpha survives.
      if (c == 2) {
        Image rgba = merge_channels({select_channels(img, 0, 1), select_channels(img, 0, 1), select_channels(img, 0, 1),
                                     select_channels(img, 1, 1)});
        std::vector<unsigned char> hwc = to_hwc8(rgba, 4);
        ok = stbi_write_bmp_to_func(append_bytes, &out, img.width, img.height, 4, hwc.data());
      } else {
        std::vector<unsigned char> hwc = to_hwc8(img, c);
        ok = stbi_write_bmp_to_func(append_bytes, &out, img.width, img.height, c, hwc.data());
      }
      break;
    }
  }
  UPRES_CHECK(ok && !out.empty(), "encode_image: stb_image_write failed for a ", img.width, "x", img.height,
              " image with ", c, " channels");
  return out;
}

std::vector<unsigned char> encode_png(const Image& img) { return encode_image(img, ImageFormat::png); }

namespace {

void write_image_file(const std::vector<unsigned char>& bytes, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path parent = fs::path(path).parent_path();
  UPRES_CHECK(parent.empty() || fs::is_directory(parent, ec), "save_image: cannot write '", path, "': the folder '",
              parent.string(), "' does not exist");
  UPRES_CHECK(!fs::is_directory(path, ec), "save_image: cannot write '", path, "': it is a directory");
  write_file_atomic(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace

void save_image(const Image& img, const std::string& path, const SaveOptions& options) {
  const ImageFormat format = format_from_path(path);
  write_image_file(encode_image(img, format, options), path);
}

void save_png(const Image& img, const std::string& path) { write_image_file(encode_png(img), path); }

// ---- planes and windows ----------------------------------------------------------------

Image select_channels(const Image& img, int first, int count) {
  UPRES_CHECK(first >= 0 && count > 0 && first + count <= img.channels, "select_channels: planes [", first,
              ", ", first + count, ") of an image with ", img.channels, " channels");
  Image out(img.width, img.height, count);
  out.bit_depth = img.bit_depth;
  std::copy(img.plane(first), img.plane(first) + img.plane_size() * count, out.pixels.begin());
  return out;
}

Image merge_channels(const std::vector<Image>& parts) {
  UPRES_CHECK(!parts.empty(), "merge_channels: no images");
  int c = 0, bits = 0;
  for (const Image& p : parts) {
    UPRES_CHECK(p.width == parts[0].width && p.height == parts[0].height, "merge_channels: image of ",
                p.width, "x", p.height, " does not match ", parts[0].width, "x", parts[0].height);
    c += p.channels;
    bits = std::max(bits, p.bit_depth);
  }
  Image out(parts[0].width, parts[0].height, c);
  out.bit_depth = bits;
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
  out.bit_depth = img.bit_depth;
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
