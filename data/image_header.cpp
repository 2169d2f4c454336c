// image_header.cpp - format sniffing, header sizes and PNG chunk checks (see image_header.h).
#include "data/image_header.h"

#include <cstring>

#include "data/png_writer.h"  // png_crc32

namespace upres::data {
namespace {

bool starts_with(const std::vector<unsigned char>& b, const char* magic, size_t n) {
  return b.size() >= n && std::memcmp(b.data(), magic, n) == 0;
}

std::uint32_t be32(const unsigned char* p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}
unsigned be16(const unsigned char* p) { return unsigned(p[0]) << 8 | p[1]; }
std::int32_t le32(const unsigned char* p) {
  return static_cast<std::int32_t>(std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
                                   std::uint32_t(p[3]) << 24);
}

std::string sniff(const std::vector<unsigned char>& b) {
  if (starts_with(b, "\x89PNG\r\n\x1a\n", 8)) return "PNG";
  if (starts_with(b, "\xFF\xD8\xFF", 3)) return "JPEG";
  if (starts_with(b, "BM", 2)) return "BMP";
  if (starts_with(b, "GIF8", 4)) return "GIF";
  if (starts_with(b, "II*\0", 4) || starts_with(b, "MM\0*", 4)) return "TIFF";
  if (b.size() >= 12 && starts_with(b, "RIFF", 4) && std::memcmp(b.data() + 8, "WEBP", 4) == 0) return "WebP";
  if (b.size() >= 12 && std::memcmp(b.data() + 4, "ftyp", 4) == 0) return "HEIF/AVIF";
  if (starts_with(b, "8BPS", 4)) return "PSD";
  if (starts_with(b, "#?RADIANCE", 10) || starts_with(b, "#?RGBE", 6)) return "HDR";
  if (starts_with(b, "\x76\x2f\x31\x01", 4)) return "OpenEXR";
  if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '7' && (b[2] == '\n' || b[2] == ' ' || b[2] == '\r'))
    return "PNM";
  return "";
}

// PNG: signature, then chunks (length, type, data, CRC). IHDR must come first.
void read_png(const std::vector<unsigned char>& b, ImageHeader& h) {
  size_t at = 8;
  bool first = true;
  while (true) {
    if (b.size() - at < 12) {
      h.problem = first ? "truncated: the file ends inside the IHDR chunk" : "truncated: the file ends before the IEND chunk";
      return;
    }
    const std::uint32_t len = be32(&b[at]);
    const unsigned char* type = &b[at + 4];
    const std::string name(reinterpret_cast<const char*>(type), 4);
    if (len > b.size() - at - 12) {
      h.problem = "truncated: chunk '" + name + "' at byte " + std::to_string(at) + " runs past the end of the file";
      return;
    }
    if (first) {
      if (name != "IHDR" || len != 13) {
        h.problem = "corrupt: the first chunk is not a 13-byte IHDR";
        return;
      }
      h.has_size = true;
      h.width = be32(&b[at + 8]);
      h.height = be32(&b[at + 12]);
      first = false;
    }
    // Critical chunks (upper-case first letter) must be intact; ancillary ones may be skipped.
    const bool critical = (type[0] & 0x20) == 0;
    if (critical && png_crc32(type, len + 4) != be32(&b[at + 8 + len])) {
      h.problem = "corrupt: CRC-32 mismatch in chunk '" + name + "' at byte " + std::to_string(at);
      return;
    }
    if (name == "IEND") return;
    at += 12 + static_cast<size_t>(len);
  }
}

// JPEG: a sequence of markers FF xx, most followed by a 2-byte length and a segment. The
// frame header SOFn (C0..CF except C4 DHT, C8 JPG, CC DAC) holds precision, height, width
// and the component count. After each SOS (start of scan) segment comes entropy-coded data,
// in which a data byte FF is stuffed as FF 00 and FF D0..D7 are restart markers; the next
// other marker ends it. The file ends with EOI (FF D9).
// Every DHT (Huffman table) segment is checked too: 16 code-length counts whose sum must
// not exceed 256 symbols. stb_image 2.27 trusts that sum and writes past its tables when it
// is larger (found by the flipped-byte test under AddressSanitizer).
void read_jpeg(const std::vector<unsigned char>& b, ImageHeader& h) {
  const size_t n = b.size();
  size_t at = 2;
  while (true) {
    if (at + 2 > n) {
      h.problem = "truncated: no end-of-image marker (FF D9)";
      return;
    }
    if (b[at] != 0xFF) {
      h.problem = "corrupt: expected a marker at byte " + std::to_string(at);
      return;
    }
    const unsigned m = b[at + 1];
    if (m == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (m == 0xD9) {  // EOI
      if (!h.has_size) h.problem = "corrupt: no frame header before the end-of-image marker";
      return;
    }
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD8)) {  // markers without a segment
      at += 2;
      continue;
    }
    if (at + 4 > n) {
      h.problem = "truncated: the file ends inside a marker";
      return;
    }
    const size_t len = be16(&b[at + 2]);
    if (len < 2 || at + 2 + len > n) {
      h.problem = len < 2 ? "corrupt: a marker segment of length " + std::to_string(len)
                          : "truncated: a marker segment at byte " + std::to_string(at) + " runs past the end of the file";
      return;
    }
    const unsigned char* seg = &b[at + 4];  // the segment after its length
    const size_t seg_len = len - 2;
    if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC && !h.has_size) {
      if (seg_len < 6) {
        h.problem = "corrupt: a frame header of " + std::to_string(seg_len) + " bytes";
        return;
      }
      h.has_size = true;
      h.height = be16(seg + 1);
      h.width = be16(seg + 3);
      h.components = seg[5];
    }
    if (m == 0xC4) {
      for (size_t t = 0; t < seg_len;) {
        if (seg_len - t < 17) {
          h.problem = "corrupt: a Huffman table header is cut short";
          return;
        }
        size_t symbols = 0;
        for (int i = 1; i <= 16; ++i) symbols += seg[t + i];
        if ((seg[t] >> 4) > 1 || (seg[t] & 15) > 3 || symbols > 256 || seg_len - t - 17 < symbols) {
          h.problem = "corrupt: a Huffman table with a bad class, index or symbol count";
          return;
        }
        t += 17 + symbols;
      }
    }
    at += 2 + len;
    if (m == 0xDA) {  // entropy-coded data up to the next marker that is not a stuffed FF 00 or a restart
      while (at + 1 < n && !(b[at] == 0xFF && b[at + 1] != 0x00 && !(b[at + 1] >= 0xD0 && b[at + 1] <= 0xD7))) ++at;
      if (at + 1 >= n) {
        h.problem = "truncated: the image data ends without an end-of-image marker (FF D9)";
        return;
      }
    }
  }
}

// BMP: 14-byte file header, then the info header whose width and height (signed 32-bit,
// little-endian; a negative height means top-down rows) sit at bytes 18 and 22.
void read_bmp(const std::vector<unsigned char>& b, ImageHeader& h) {
  if (b.size() < 26) {
    h.problem = "truncated: the file ends inside the BMP header";
    return;
  }
  const std::uint32_t info = static_cast<std::uint32_t>(le32(&b[14]));
  if (info == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sizes
    h.width = b[18] | b[19] << 8;
    h.height = b[20] | b[21] << 8;
  } else {
    h.width = le32(&b[18]);
    const std::int64_t hh = le32(&b[22]);
    h.height = hh < 0 ? -hh : hh;
  }
  h.has_size = true;
}

}  // namespace

ImageHeader read_image_header(const std::vector<unsigned char>& bytes) {
  ImageHeader h;
  h.format = sniff(bytes);
  if (h.format == "PNG") read_png(bytes, h);
  if (h.format == "JPEG") read_jpeg(bytes, h);
  if (h.format == "BMP") read_bmp(bytes, h);
  return h;
}

}  // namespace upres::data
