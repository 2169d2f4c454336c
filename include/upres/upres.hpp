// upres.hpp - the C++ API of upres: load a super-resolution model, upscale
// images held in memory. This header and upres.h are the whole public
// interface; everything else of upres is private to the library.
//
//   #include <upres/upres.hpp>
//   upres::api::Model model = upres::api::Model::load("");   // best shipped x2
//   upres::api::Image in = upres::api::read_image("in.png");
//   upres::api::Image out = model.upscale(in.view());
//   upres::api::write_image(out.view(), "out.png");
//
// Pixels: interleaved (RGBRGB..., RGBA, grey, grey+alpha: 1 to 4 channels),
// rows `stride` bytes apart (0: tightly packed), 8-bit (0..255) or float
// (0..1). The colour handling is `upres upscale`'s: a luma network works on Y of
// BT.601 YCbCr with Cb, Cr by bicubic; alpha is enlarged by bicubic. 8-bit
// results are clamped and rounded as `upres upscale` writes its PNGs, so the
// same 8-bit input gives the same pixels; float results are not clamped.
//
// Errors: every function throws upres::api::Error (a std::runtime_error) whose
// status() says what kind of failure it was and whose what() names the value,
// file or shape at fault. Nothing prints, nothing exits.
//
// Thread safety:
//   - Different Model objects may be used from different threads at the same
//     time (one model per thread runs in parallel).
//   - One Model (and its copies, which share it) may also be called from
//     several threads at once: calls on it are serialised by a mutex inside
//     the model, so they are safe and give the results of a serial run, but do
//     not run in parallel.
//   - Results do not depend on concurrency, except with tile = 0 (automatic) on
//     images larger than 48 x 48: the automatic tile size is measured from the
//     process's memory use, which other threads change, so it may choose other
//     tiles; tiles change results only by float rounding (overlap >= 2 x the
//     network's receptive radius). Give a tile size for bit-identical results.
//   - read_image, write_image and the Image type hold no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef UPRES_API
#if defined(UPRES_STATIC_DEFINE)
#define UPRES_API
#else
#define UPRES_API __attribute__((visibility("default")))
#endif
#endif

namespace upres::api {

// What went wrong; the numbers are the C API's status codes (upres.h).
enum class Status : int {
  ok = 0,
  invalid_argument = 1,   // a bad value: size, stride, channel count, option
  not_found = 2,          // no such model name / scale, or a file that does not exist
  bad_model = 3,          // a model file that is unreadable, corrupt, or of an unknown architecture
  io_error = 4,           // an image file that cannot be read or written
  device_unavailable = 5, // the device asked for is not in this build or machine
  out_of_memory = 6,
  runtime_error = 7,      // anything else
};

class UPRES_API Error : public std::runtime_error {
 public:
  Error(Status status, const std::string& message);
  Status status() const noexcept { return status_; }

 private:
  Status status_;
};

enum class Device : int { cpu = 0, cuda = 1, simt = 2 };  // simt: the CUDA kernels emulated on the CPU (slow)
enum class PixelType : int { u8 = 0, f32 = 1 };

// A read-only view of interleaved pixels owned by the caller.
struct ImageView {
  const void* data = nullptr;
  int width = 0, height = 0;
  int channels = 0;             // 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA
  std::ptrdiff_t stride = 0;    // bytes from one row to the next; 0: width * channels * sample size
  PixelType type = PixelType::u8;
};

// A writable view (the destination of Model::upscale_into).
struct MutableImageView {
  void* data = nullptr;
  int width = 0, height = 0, channels = 0;
  std::ptrdiff_t stride = 0;
  PixelType type = PixelType::u8;
};

// Pixels owned by the API: tightly packed, interleaved.
struct Image {
  int width = 0, height = 0, channels = 0;
  PixelType type = PixelType::u8;
  std::vector<unsigned char> bytes;  // width * height * channels samples of 1 (u8) or 4 (f32) bytes
  ImageView view() const { return ImageView{bytes.data(), width, height, channels, 0, type}; }
  MutableImageView mutable_view() { return MutableImageView{bytes.data(), width, height, channels, 0, type}; }
};

struct LoadOptions {
  std::string arch;          // architecture of a .safetensors file without upres metadata (e.g. "edsr")
  int scale = 0;             // picks the shipped model of a name (0: 2 if shipped); must match a file's
  Device device = Device::cpu;
};

struct UpscaleOptions {
  int tile = 0;          // tile side in input pixels; 0: automatic (whole image when it fits 1 GiB)
  int overlap = 16;      // context around each tile in input pixels; tile must be >= 2 x overlap
  bool ensemble = false; // x8 self-ensemble over flips and rotations (8 times slower)
};

class UPRES_API Model {
 public:
  // `model` is a shipped model's name ("espcn"; found as <name>_x<scale>.safetensors
  // in $UPRES_MODEL_DIR, then <prefix>/share/upres/models, ...), a .safetensors
  // file, "bicubic" (no network), or "" for the best model shipped for the scale.
  static Model load(const std::string& model, const LoadOptions& options = {});

  int scale() const;
  int channels() const;          // what the network works on: 1 (Y) or 3 (RGB); 0 for bicubic
  std::string arch() const;      // "espcn", or "bicubic"
  std::string path() const;      // the file the weights came from ("" for bicubic)
  Device device() const;

  // The enlarged image, of the input's pixel type and channel count, tightly packed.
  Image upscale(const ImageView& in, const UpscaleOptions& options = {}) const;
  // Writes into `out`, which must be scale() times the input's size with its channels and type.
  void upscale_into(const ImageView& in, const MutableImageView& out, const UpscaleOptions& options = {}) const;
  // One image file to another, as `upres upscale -i IN -o OUT` (format by the extension; 16-bit
  // PNGs stay 16-bit). A .png output is streamed row by row: memory stays bounded by the
  // output's width, whatever its height. Atomic: on failure no file is left. Reading and
  // writing failures are Status::io_error.
  void upscale_file(const std::string& in_path, const std::string& out_path,
                    const UpscaleOptions& options = {}) const;

 struct Impl;  // opaque: defined inside the library

 private:
  explicit Model(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

// Image files: PNG, JPEG, BMP, TGA in; .png, .jpg/.jpeg, .bmp out (by extension).
// Read gives 8-bit samples (a 16-bit PNG is rounded to 8 bits).
UPRES_API Image read_image(const std::string& path);
UPRES_API void write_image(const ImageView& image, const std::string& path);

UPRES_API const char* version();  // "0.1.0"

}  // namespace upres::api
