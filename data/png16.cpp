// png16.cpp - the 16-bit PNG encoder: chunks, CRC-32, stored deflate blocks, Adler-32.
#include "data/png16.h"

#include <algorithm>
#include <array>

#include "engine/error.h"

namespace upres::data {
namespace {

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

void put_be32(std::vector<unsigned char>& out, std::uint32_t v) {
  out.push_back(static_cast<unsigned char>(v >> 24));
  out.push_back(static_cast<unsigned char>(v >> 16));
  out.push_back(static_cast<unsigned char>(v >> 8));
  out.push_back(static_cast<unsigned char>(v));
}

// length | type | data | CRC-32(type + data)
void put_chunk(std::vector<unsigned char>& out, const char type[4], const unsigned char* data, std::size_t n) {
  put_be32(out, static_cast<std::uint32_t>(n));
  const std::size_t type_at = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data, data + n);
  put_be32(out, png_crc32(out.data() + type_at, n + 4));
}

}  // namespace

std::uint32_t png_crc32(const unsigned char* bytes, std::size_t n, std::uint32_t crc) {
  const auto& t = crc_table();
  std::uint32_t c = crc ^ 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) c = t[(c ^ bytes[i]) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::uint32_t adler32(const unsigned char* bytes, std::size_t n) {
  constexpr std::uint32_t kMod = 65521;  // the largest prime below 2^16
  std::uint32_t a = 1, b = 0;
  // 5552 bytes is the most that can be summed before b could overflow 32 bits.
  while (n > 0) {
    const std::size_t run = std::min<std::size_t>(n, 5552);
    for (std::size_t i = 0; i < run; ++i) {
      a += bytes[i];
      b += a;
    }
    a %= kMod;
    b %= kMod;
    bytes += run;
    n -= run;
  }
  return (b << 16) | a;
}

std::vector<unsigned char> encode_png16(int width, int height, int channels, const std::uint16_t* hwc) {
  UPRES_CHECK(width > 0 && height > 0 && channels >= 1 && channels <= 4, "encode_png16: image ", width, "x",
              height, " with ", channels, " channels; expected positive sizes and 1 to 4 channels");
  const std::size_t row_bytes = 1 + static_cast<std::size_t>(width) * channels * 2;  // filter byte + samples
  const std::size_t raw_bytes = row_bytes * static_cast<std::size_t>(height);
  UPRES_CHECK(raw_bytes / row_bytes == static_cast<std::size_t>(height) && raw_bytes < (std::size_t(1) << 40),
              "encode_png16: a ", width, "x", height, " image is too large");

  // The scanlines: filter type 0, then big-endian samples.
  std::vector<unsigned char> raw(raw_bytes);
  for (int y = 0; y < height; ++y) {
    unsigned char* row = raw.data() + static_cast<std::size_t>(y) * row_bytes;
    row[0] = 0;
    const std::uint16_t* src = hwc + static_cast<std::size_t>(y) * width * channels;
    for (std::size_t i = 0; i < static_cast<std::size_t>(width) * channels; ++i) {
      row[1 + 2 * i] = static_cast<unsigned char>(src[i] >> 8);
      row[2 + 2 * i] = static_cast<unsigned char>(src[i] & 0xFF);
    }
  }

  // zlib stream: CMF 0x78 (deflate, 32 KiB window), FLG 0x01 (0x7801 is a multiple of 31),
  // stored blocks, Adler-32 of the uncompressed data.
  constexpr std::size_t kBlock = 65535;
  std::vector<unsigned char> z;
  z.reserve(raw_bytes + raw_bytes / kBlock * 5 + 16);
  z.push_back(0x78);
  z.push_back(0x01);
  for (std::size_t at = 0; at < raw_bytes; at += kBlock) {
    const std::size_t len = std::min(kBlock, raw_bytes - at);
    z.push_back(at + len == raw_bytes ? 1 : 0);  // BFINAL bit, BTYPE 00 (stored)
    z.push_back(static_cast<unsigned char>(len & 0xFF));
    z.push_back(static_cast<unsigned char>(len >> 8));
    z.push_back(static_cast<unsigned char>(~len & 0xFF));
    z.push_back(static_cast<unsigned char>((~len >> 8) & 0xFF));
    z.insert(z.end(), raw.begin() + static_cast<std::ptrdiff_t>(at), raw.begin() + static_cast<std::ptrdiff_t>(at + len));
  }
  put_be32(z, adler32(raw.data(), raw.size()));

  static const unsigned char kColourType[5] = {0, 0, 4, 2, 6};  // by channel count
  std::vector<unsigned char> ihdr;
  put_be32(ihdr, static_cast<std::uint32_t>(width));
  put_be32(ihdr, static_cast<std::uint32_t>(height));
  ihdr.insert(ihdr.end(), {16, kColourType[channels], 0, 0, 0});  // depth, colour, compression, filter, interlace

  std::vector<unsigned char> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  png.reserve(z.size() + z.size() / (1 << 20) * 12 + 64);
  put_chunk(png, "IHDR", ihdr.data(), ihdr.size());
  constexpr std::size_t kIdat = std::size_t(1) << 20;  // split the stream into 1 MiB IDAT chunks
  for (std::size_t at = 0; at < z.size(); at += kIdat)
    put_chunk(png, "IDAT", z.data() + at, std::min(kIdat, z.size() - at));
  put_chunk(png, "IEND", nullptr, 0);
  return png;
}

}  // namespace upres::data
