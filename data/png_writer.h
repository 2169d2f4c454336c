// png_writer.h - PNG files written row by row, so an image of any size is
// encoded in bounded memory (`upres upscale` streams its output through this).
//
// A PNG file is
//   signature (8 bytes) | IHDR | IDAT ... | IEND,
// each chunk being length (4 bytes, big-endian) | type (4) | data | CRC-32 of
// type + data. IHDR gives width, height, bit depth
// (8 or 16), colour type (0 grey, 4 grey+alpha, 2 RGB, 6 RGBA), and zeros for
// compression, filter method and interlacing. The IDATs together hold one zlib
// stream (data/deflate.h) of the scanlines, each a filter-type byte followed by
// the row's samples (16-bit ones big-endian), filtered against its neighbours:
//   0 None   x          1 Sub   x - a          2 Up   x - b
//   3 Average x - floor((a + b) / 2)           4 Paeth x - paeth(a, b, c)
// with a the byte one pixel to the left, b the byte above, c above-left (0
// outside the image), all mod 256. Each row takes the filter whose output has
// the smallest sum of |byte as signed|, the heuristic libpng uses: smooth
// photographs filter to small numbers, which the Huffman codes then shrink.
//
// Samples are quantized as save_image does (data/image.h): clamp to [0, 1]
// (NaN to 0), then round to the nearest of 256 or 65536 levels, so a streamed
// file decodes to the same samples as one written whole.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/deflate.h"
#include "data/image.h"
#include "engine/fileio.h"

namespace upres::data {

// CRC-32 as PNG (and zlib, gzip) define it: polynomial 0xEDB88320 (reflected), initial
// value and final xor 0xFFFFFFFF. `crc` continues a previous result (0 to start).
std::uint32_t png_crc32(const unsigned char* bytes, std::size_t n, std::uint32_t crc = 0);

// The encoder, writing to any byte sink (image.cpp's encode_png: a byte vector).
class PngEncoder {
 public:
  using Sink = std::function<void(const unsigned char* bytes, std::size_t n)>;
  // channels 1 to 4, bit_depth 8 or 16, sizes 1 to 2^31 - 1 (PNG's limit).
  PngEncoder(int width, int height, int channels, int bit_depth, Sink sink);
  // The compressor's sink points back at this object: it is neither copied nor moved.
  PngEncoder(const PngEncoder&) = delete;
  PngEncoder& operator=(const PngEncoder&) = delete;
  // The next rows, top to bottom: an image `width` pixels wide with `channels` planes.
  void write_rows(const Image& rows);
  // The end of the stream; throws unless exactly `height` rows were written.
  void finish();
  int rows_written() const { return rows_done_; }

 private:
  void chunk(const char type[4], const unsigned char* data, std::size_t n);
  void flush_idat();
  void filter_row(int f, std::size_t bpp);

  int width_, height_, channels_, bit_depth_;
  Sink sink_;
  ZlibCompressor z_;
  std::vector<unsigned char> above_, row_, best_, trial_, idat_;
  int rows_done_ = 0;
};

// A PNG file at `path`, written atomically: it appears (replacing any old
// file) only when finish() succeeds; destroyed before that, nothing is left.
class PngWriter {
 public:
  PngWriter(const std::string& path, int width, int height, int channels, int bit_depth);
  void write_rows(const Image& rows) { enc_.write_rows(rows); }
  void finish();
  int rows_written() const { return enc_.rows_written(); }

 private:
  AtomicFile file_;
  PngEncoder enc_;
};

}  // namespace upres::data
