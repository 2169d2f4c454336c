// deflate.h - a streaming zlib compressor (RFC 1950 around RFC 1951 deflate), so
// that PNG files of any size can be written without holding them in memory
// (data/png_writer.h).
//
// Deflate in one page. The input is rewritten as a sequence of
//   literals    one byte, copied as it is;
//   matches     (length 3..258, distance 1..32768): "copy `length` bytes starting
//               `distance` bytes back" - the repeats LZ77 finds;
// and the sequence is cut into blocks, each sent with its own Huffman codes:
//   alphabet 1, literal/length: 0..255 literals, 256 end of block, 257..285
//               lengths (each a base plus 0..5 extra bits);
//   alphabet 2, distance: 0..29 (a base plus 0..13 extra bits).
// A "dynamic" block (BTYPE 2) starts with the code lengths of both alphabets
// (a canonical Huffman code is fully determined by its lengths), themselves
// run-length coded (symbols 16, 17, 18) and Huffman coded with a third,
// 19-symbol alphabet whose 3-bit lengths come first. Bits are packed from the
// least significant end of each byte; Huffman codes are sent most significant
// bit first, so they are stored bit-reversed.
//
// This compressor: LZ77 with hash chains over 3-byte prefixes (at most
// kMaxChain candidates, the longest match wins; a match shorter than kLazy
// becomes a literal when the next position starts a longer one - zlib's "lazy"
// evaluation), then one dynamic block per kBlockSymbols symbols with Huffman
// codes built from that block's counts, limited to 15 bits (7 for the
// code-length code) by flattening the counts until the tree is shallow enough.
// On PNG-filtered data it comes within about 2% of zlib at level 6
// (tests/data/test_png_writer.cpp).
//
// zlib wrapper: 0x78 0x9C, the deflate stream, the Adler-32 of the input
// (big-endian). Verified by decoding with an independent inflater (stb_image's)
// in tests/data/test_png_writer.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace upres::data {

class ZlibCompressor {
 public:
  // `sink` receives the compressed bytes as they are made (in order, in pieces).
  using Sink = std::function<void(const unsigned char* bytes, std::size_t n)>;
  explicit ZlibCompressor(Sink sink);

  void write(const unsigned char* bytes, std::size_t n);  // compress more input
  void finish();  // the final block and the checksum; nothing may be written after it

 private:
  void compress_pending(bool final);
  void emit_block(bool final);
  void put_bits(std::uint32_t value, int count);
  void flush_bits();

  Sink sink_;
  // The last 32 KiB already compressed (the window matches may reach into),
  // followed by input not yet compressed. window_base_ is the stream position of window_[0].
  std::vector<unsigned char> window_;
  std::uint64_t window_base_ = 0;
  std::size_t pending_from_ = 0;  // index in window_ of the first byte not yet compressed
  std::vector<std::int64_t> head_, prev_;  // hash chains, in stream positions (-1: none)
  // Symbols of the block being built: (length << 16 | distance), length 0 = literal in `distance`.
  std::vector<std::uint32_t> symbols_;
  std::uint64_t bit_buffer_ = 0;
  int bit_count_ = 0;
  std::vector<unsigned char> out_;
  std::uint32_t adler_ = 1;
  bool finished_ = false;
};

// Adler-32 (zlib's checksum): a = 1 + sum of bytes, b = sum of the running a values, both
// mod 65521; the result is b << 16 | a. `adler` continues a previous result (1 to start).
std::uint32_t adler32(const unsigned char* bytes, std::size_t n, std::uint32_t adler = 1);

// The lengths of a Huffman code for `counts` (0 for symbols that do not occur),
// none longer than `max_bits`; when only one symbol occurs it gets length 1.
// Exposed for the tests: the lengths must satisfy Kraft's inequality.
std::vector<int> huffman_code_lengths(const std::vector<std::uint32_t>& counts, int max_bits);

}  // namespace upres::data
