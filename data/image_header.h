// image_header.h - what an image file says about itself before it is decoded.
//
// A decoder trusts the header: a 60-byte PNG may claim 100000 x 100000 pixels
// and make a naive reader allocate 30 GB (a "decompression bomb"). load_image
// therefore reads the header here first - the format from the leading "magic"
// bytes, the width and height from the PNG IHDR chunk, the JPEG frame header
// (SOFn marker) or the BMP info header - and refuses zero or excessive sizes
// before stb_image allocates anything. For PNG it also walks the chunk list and
// checks each critical chunk's CRC-32 (stb_image skips that check), so a
// truncated or bit-flipped file is reported as such instead of decoding to
// garbage. Plain byte parsing, no decoding.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace upres::data {

struct ImageHeader {
  std::string format;           // "PNG", "JPEG", "BMP", "GIF", ...; "" when the magic bytes name none (e.g. TGA)
  bool has_size = false;        // width/height were read (PNG, JPEG, BMP)
  std::int64_t width = 0, height = 0;
  int components = 0;           // JPEG: colour components in the frame (1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK)
  std::string problem;          // non-empty when the structure is broken: "truncated ...", "CRC mismatch ..."
};

// Reads what it can; never throws and never reads past `bytes`.
ImageHeader read_image_header(const std::vector<unsigned char>& bytes);

}  // namespace upres::data
