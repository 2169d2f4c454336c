// png_writer.cpp - chunks, per-row filter choice, and the atomic file (png_writer.h).
#include "data/png_writer.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <array>
#include "engine/error.h"

namespace upres::data {
namespace {

constexpr std::size_t kIdatBytes = std::size_t(1) << 18;  // compressed bytes per IDAT chunk

void put_be32(unsigned char* p, std::uint32_t v) {
  p[0] = static_cast<unsigned char>(v >> 24);
  p[1] = static_cast<unsigned char>(v >> 16);
  p[2] = static_cast<unsigned char>(v >> 8);
  p[3] = static_cast<unsigned char>(v);
}


inline int paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

// The CRC of every byte value, computed once: entry n is n shifted through the
// polynomial eight times (one step per bit).
const std::array<std::uint32_t, 256>& crc_table() {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  return table;
}

}  // namespace

std::uint32_t png_crc32(const unsigned char* bytes, std::size_t n, std::uint32_t crc) {
  const auto& t = crc_table();
  std::uint32_t c = crc ^ 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) c = t[(c ^ bytes[i]) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

PngEncoder::PngEncoder(int width, int height, int channels, int bit_depth, Sink sink)
    : width_(width),
      height_(height),
      channels_(channels),
      bit_depth_(bit_depth),
      sink_(std::move(sink)),
      z_([this](const unsigned char* b, std::size_t n) {
        idat_.insert(idat_.end(), b, b + n);
        if (idat_.size() >= kIdatBytes) flush_idat();
      }) {
  UPRES_CHECK(width > 0 && height > 0 && channels >= 1 && channels <= 4 && (bit_depth == 8 || bit_depth == 16),
              "PNG: a ", width, "x", height, " image with ", channels, " channels at ", bit_depth,
              " bits; expected positive sizes, 1 to 4 channels, 8 or 16 bits");
  const std::size_t row_bytes = static_cast<std::size_t>(width) * static_cast<std::size_t>(channels) * (bit_depth / 8);
  above_.assign(row_bytes, 0);
  row_.assign(row_bytes, 0);
  best_.assign(row_bytes + 1, 0);
  trial_.assign(row_bytes + 1, 0);
  static const unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  static const unsigned char kColourType[5] = {0, 0, 4, 2, 6};  // by channel count
  sink_(kSignature, 8);
  unsigned char ihdr[13];
  put_be32(ihdr, static_cast<std::uint32_t>(width));
  put_be32(ihdr + 4, static_cast<std::uint32_t>(height));
  ihdr[8] = static_cast<unsigned char>(bit_depth);
  ihdr[9] = kColourType[channels];
  ihdr[10] = ihdr[11] = ihdr[12] = 0;  // compression, filter method, interlace
  chunk("IHDR", ihdr, sizeof ihdr);
}

void PngEncoder::chunk(const char type[4], const unsigned char* data, std::size_t n) {
  unsigned char head[8];
  put_be32(head, static_cast<std::uint32_t>(n));
  std::copy(type, type + 4, head + 4);
  std::uint32_t crc = png_crc32(head + 4, 4);
  if (n > 0) crc = png_crc32(data, n, crc);
  unsigned char tail[4];
  put_be32(tail, crc);
  sink_(head, 8);
  if (n > 0) sink_(data, n);
  sink_(tail, 4);
}

void PngEncoder::flush_idat() {
  if (idat_.empty()) return;
  chunk("IDAT", idat_.data(), idat_.size());
  idat_.clear();
}

void PngEncoder::write_rows(const Image& rows) {
  UPRES_CHECK(rows.width == width_ && rows.channels == channels_, "PNG: rows of ", rows.width, " pixels with ",
              rows.channels, " channels given to a ", width_, "-pixel, ", channels_, "-channel image");
  UPRES_CHECK(rows_done_ + rows.height <= height_, "PNG: ", rows_done_ + rows.height, " rows written to an image of ",
              height_);
  const std::size_t bpp = static_cast<std::size_t>(channels_) * (bit_depth_ / 8);  // bytes per pixel
  const std::size_t n = row_.size();
  for (int y = 0; y < rows.height; ++y) {
    // The row's bytes: interleaved samples, 16-bit ones big-endian.
    for (int c = 0; c < channels_; ++c) {
      const float* src = rows.plane(c) + static_cast<std::size_t>(y) * static_cast<std::size_t>(width_);
      for (int x = 0; x < width_; ++x) {
        const std::size_t at = static_cast<std::size_t>(x) * bpp;
        if (bit_depth_ == 8) {
          row_[at + static_cast<std::size_t>(c)] = static_cast<unsigned char>(quantize_sample(src[x], 255.0));
        } else {
          const long v = quantize_sample(src[x], 65535.0);
          row_[at + 2 * static_cast<std::size_t>(c)] = static_cast<unsigned char>(v >> 8);
          row_[at + 2 * static_cast<std::size_t>(c) + 1] = static_cast<unsigned char>(v & 0xFF);
        }
      }
    }
    // Try the five filters; keep the one with the smallest sum of |signed bytes|.
    long best_cost = -1;
    for (int f = 0; f < 5; ++f) {
      filter_row(f, bpp);
      long cost = 0;
      for (std::size_t i = 1; i <= n; ++i) cost += trial_[i] < 128 ? trial_[i] : 256 - trial_[i];
      if (best_cost < 0 || cost < best_cost) {
        best_cost = cost;
        best_.swap(trial_);
      }
    }
    z_.write(best_.data(), best_.size());
    above_.swap(row_);
    ++rows_done_;
  }
}

// trial_ = filter type f, then row_ filtered against above_ (one loop per type,
// so each vectorises; the first pixel has no left neighbour).
void PngEncoder::filter_row(int f, std::size_t bpp) {
  const std::size_t n = row_.size();
  const unsigned char* x = row_.data();
  const unsigned char* b = above_.data();
  unsigned char* out = trial_.data() + 1;
  trial_[0] = static_cast<unsigned char>(f);
  const std::size_t head = std::min(bpp, n);
  switch (f) {
    case 0:
      std::copy(x, x + n, out);
      break;
    case 1:
      std::copy(x, x + head, out);
      for (std::size_t i = bpp; i < n; ++i) out[i] = static_cast<unsigned char>(x[i] - x[i - bpp]);
      break;
    case 2:
      for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<unsigned char>(x[i] - b[i]);
      break;
    case 3:
      for (std::size_t i = 0; i < head; ++i) out[i] = static_cast<unsigned char>(x[i] - b[i] / 2);
      for (std::size_t i = bpp; i < n; ++i) out[i] = static_cast<unsigned char>(x[i] - (x[i - bpp] + b[i]) / 2);
      break;
    default:
      for (std::size_t i = 0; i < head; ++i) out[i] = static_cast<unsigned char>(x[i] - b[i]);  // paeth(0, b, 0) = b
      for (std::size_t i = bpp; i < n; ++i)
        out[i] = static_cast<unsigned char>(x[i] - paeth(x[i - bpp], b[i], b[i - bpp]));
      break;
  }
}

void PngEncoder::finish() {
  UPRES_CHECK(rows_done_ == height_, "PNG: ", rows_done_, " of ", height_, " rows were written");
  z_.finish();
  flush_idat();
  chunk("IEND", nullptr, 0);
}

PngWriter::PngWriter(const std::string& path, int width, int height, int channels, int bit_depth)
    : file_(path), enc_(width, height, channels, bit_depth, [this](const unsigned char* b, std::size_t n) {
        file_.write(b, n);
      }) {}

void PngWriter::finish() {
  enc_.finish();
  file_.commit();
}

}  // namespace upres::data
