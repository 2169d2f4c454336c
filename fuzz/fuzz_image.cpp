// fuzz_image.cpp - libFuzzer target: decode arbitrary bytes as an image file.
//
// decode_image must either return a consistent Image or throw upres::Error;
// anything else (a crash, a sanitizer report, an allocation beyond the limit) is a
// finding. The pixel limit is lowered to 2^20 so a tiny file that claims a huge
// size is refused quickly instead of making every run slow.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "data/image.h"
#include "engine/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<unsigned char> bytes(data, data + size);
  upres::data::LoadOptions options;
  options.max_pixels = std::int64_t(1) << 20;
  try {
    upres::data::Image img = upres::data::decode_image(bytes, "fuzz", options);
    // A decoded image must be what it says it is.
    const std::size_t expect = std::size_t(img.channels) * img.height * img.width;
    if (img.width <= 0 || img.height <= 0 || img.channels < 1 || img.channels > 4 ||
        img.pixels.size() != expect)
      __builtin_trap();
    for (float v : img.pixels)
      if (!(v >= 0.0f && v <= 1.0f)) __builtin_trap();
  } catch (const upres::Error&) {
  }
  return 0;
}
