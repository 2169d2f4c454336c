// png16.h - a minimal PNG encoder for 16 bits per sample.
//
// stb_image_write writes 8-bit PNGs only, so 16-bit images (which keep the full
// precision of a 16-bit source) are written by this small encoder. A PNG file is
//   signature (8 bytes) | IHDR chunk | IDAT chunk(s) | IEND chunk,
// every chunk being  length (4 bytes, big-endian) | type (4) | data | CRC-32 of type+data.
// IHDR says width, height, bit depth 16, colour type (0 grey, 4 grey+alpha, 2 RGB,
// 6 RGBA), compression 0, filter 0, interlace 0. The image data is the zlib stream of
// the scanlines, each prefixed by its filter byte (0 = none) and holding big-endian
// 16-bit samples. We do not compress: the zlib stream is a 2-byte header, deflate
// "stored" blocks (1 header byte, LEN, ~LEN, then up to 65535 raw bytes each) and the
// Adler-32 of the raw data. Files are therefore about as large as the raw samples
// (plus 5 bytes per 64 KiB); any PNG reader decodes them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace upres::data {

// CRC-32 as PNG (and zlib, gzip) define it: polynomial 0xEDB88320 (reflected), initial
// value and final xor 0xFFFFFFFF. `crc` continues a previous result (0 to start).
std::uint32_t png_crc32(const unsigned char* bytes, std::size_t n, std::uint32_t crc = 0);

// Adler-32 (zlib's checksum): a = 1 + sum of bytes, b = sum of the running a values, both
// mod 65521; the result is b << 16 | a.
std::uint32_t adler32(const unsigned char* bytes, std::size_t n);

// A 16-bit PNG of `channels` (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA) interleaved samples per
// pixel, row by row (HWC). Throws upres::Error on a bad size or channel count.
std::vector<unsigned char> encode_png16(int width, int height, int channels, const std::uint16_t* hwc);

}  // namespace upres::data
