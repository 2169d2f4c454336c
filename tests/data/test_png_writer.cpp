// Tests of data/deflate.h and data/png_writer.h: every stream is decoded by an
// independent decoder (stb_image's inflate and PNG reader, compiled into the
// library by data/stb_impl.cpp) and compared byte for byte with what went in.
#include <gtest/gtest.h>

#include <stb_image.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "data/deflate.h"
#include "data/image.h"
#include "data/png_writer.h"
#include "engine/error.h"
#include "engine/fileio.h"
#include "support/temp_dir.h"

namespace upres::data {
namespace {

std::vector<unsigned char> compress(const std::vector<unsigned char>& in, std::size_t piece) {
  std::vector<unsigned char> out;
  ZlibCompressor z([&](const unsigned char* b, std::size_t n) { out.insert(out.end(), b, b + n); });
  for (std::size_t at = 0; at < in.size(); at += piece) z.write(in.data() + at, std::min(piece, in.size() - at));
  z.finish();
  return out;
}

std::vector<unsigned char> inflate_with_stb(const std::vector<unsigned char>& z) {
  int len = 0;
  char* raw = stbi_zlib_decode_malloc(reinterpret_cast<const char*>(z.data()), static_cast<int>(z.size()), &len);
  EXPECT_NE(raw, nullptr) << "stb could not inflate the stream: " << stbi_failure_reason();
  if (!raw) return {};
  std::vector<unsigned char> out(raw, raw + len);
  std::free(raw);
  return out;
}

// Inputs that exercise literals, short and long matches, long runs, and blocks.
std::vector<unsigned char> make_input(const std::string& kind, std::size_t n) {
  std::vector<unsigned char> v(n);
  std::mt19937 rng(7);
  if (kind == "random") {
    for (auto& b : v) b = static_cast<unsigned char>(rng());
  } else if (kind == "zeros") {
    // all zero
  } else if (kind == "text") {  // words from a small vocabulary: many short, far matches
    const char* words[] = {"pixel ", "shuffle ", "convolution ", "bicubic ", "residual ", "the ", "of ", "a "};
    std::size_t at = 0;
    while (at < n) {
      const char* w = words[rng() % 8];
      for (const char* p = w; *p && at < n; ++p) v[at++] = static_cast<unsigned char>(*p);
    }
  } else {  // "residuals": small signed values mod 256, as a photograph after PNG's filters
    for (auto& b : v) b = static_cast<unsigned char>((static_cast<int>(rng() % 7) - 3) & 0xFF);
  }
  return v;
}

TEST(Deflate, RoundTripsThroughAnIndependentInflater) {
  for (const std::string kind : {"random", "zeros", "text", "residuals"}) {
    for (std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(2), std::size_t(3), std::size_t(259),
                          std::size_t(40000), std::size_t(300001)}) {
      for (std::size_t piece : {std::size_t(1), std::size_t(4099), std::size_t(1) << 20}) {
        if (piece == 1 && n > 40000) continue;  // byte at a time: slow, and the small sizes cover it
        const std::vector<unsigned char> in = make_input(kind, n);
        const std::vector<unsigned char> z = compress(in, piece);
        ASSERT_GE(z.size(), 6u);
        EXPECT_EQ(z[0], 0x78);
        EXPECT_EQ((z[0] * 256 + z[1]) % 31, 0) << "zlib header check bits";
        const std::vector<unsigned char> out = inflate_with_stb(z);
        ASSERT_EQ(out.size(), in.size()) << kind << " n=" << n << " piece=" << piece;
        EXPECT_TRUE(out == in) << kind << " n=" << n << " piece=" << piece;
        const std::uint32_t adler = adler32(in.data(), in.size());
        const std::size_t e = z.size();
        const std::uint32_t tail =
            std::uint32_t(z[e - 4]) << 24 | std::uint32_t(z[e - 3]) << 16 | std::uint32_t(z[e - 2]) << 8 | z[e - 1];
        EXPECT_EQ(tail, adler) << "the Adler-32 ends the stream, big-endian; " << kind << " n=" << n;
      }
    }
  }
}

TEST(Deflate, CompressesWhatIsCompressible) {
  // Napkin bounds: a run of zeros is all 258-byte matches (~1 bit each after
  // Huffman); random bytes cannot shrink, and dynamic blocks cost < 1% over raw.
  const std::size_t n = 1 << 20;
  EXPECT_LT(compress(make_input("zeros", n), n).size(), n / 500);
  EXPECT_LT(compress(make_input("text", n), n).size(), n / 4);
  // entropy log2(7) = 2.8 bits per byte; zlib -6 gives 0.397 n on such data
  EXPECT_LT(compress(make_input("residuals", n), n).size(), n * 42 / 100);
  EXPECT_LT(compress(make_input("random", n), n).size(), n + n / 100);
}

TEST(Deflate, HuffmanLengthsAreLimitedAndComplete) {
  // Fibonacci counts make the deepest possible Huffman tree (depth n - 1).
  std::vector<std::uint32_t> fib(30);
  fib[0] = fib[1] = 1;
  for (std::size_t i = 2; i < fib.size(); ++i) fib[i] = fib[i - 1] + fib[i - 2];
  for (int limit : {7, 15}) {
    const std::vector<int> len = huffman_code_lengths(fib, limit);
    double kraft = 0;
    for (int l : len) {
      EXPECT_GE(l, 1);
      EXPECT_LE(l, limit);
      kraft += std::ldexp(1.0, -l);
    }
    EXPECT_DOUBLE_EQ(kraft, 1.0) << "a Huffman code is complete";
    for (std::size_t i = 1; i < len.size(); ++i) EXPECT_LE(len[i], len[i - 1]) << "more frequent, not longer";
  }
  // Unlimited, the lengths are the textbook ones: counts 1,1,2,4 -> 3,3,2,1.
  EXPECT_EQ(huffman_code_lengths({1, 1, 2, 4}, 15), (std::vector<int>{3, 3, 2, 1}));
  EXPECT_EQ(huffman_code_lengths({0, 5, 0}, 15), (std::vector<int>{0, 1, 0}));
  EXPECT_EQ(huffman_code_lengths({0, 0}, 15), (std::vector<int>{0, 0}));
}

Image random_image(int w, int h, int c, std::uint32_t seed) {
  Image img(w, h, c);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-0.1f, 1.1f);  // out of range too: clamped like save_image
  for (float& v : img.pixels) v = u(rng);
  // a smooth region, so the filters have something to find
  for (int y = 0; y < h / 2; ++y)
    for (int x = 0; x < w; ++x) img.at(0, y, x) = static_cast<float>(x + y) / static_cast<float>(w + h);
  return img;
}

TEST(PngWriter, DecodesToWhatSaveImageWrites) {
  upres::testing::TempDir dir;
  for (int bits : {8, 16}) {
    for (int c = 1; c <= 4; ++c) {
      for (auto [w, h] : {std::pair{1, 1}, std::pair{7, 9}, std::pair{13, 5}, std::pair{300, 41}}) {
        Image img = random_image(w, h, c, static_cast<std::uint32_t>(w * 100 + c + bits));
        img.bit_depth = bits;
        const std::string streamed = dir.file("s.png"), whole = dir.file("w.png");
        {
          PngWriter pw(streamed, w, h, c, bits);
          // rows in uneven groups: 1, 2, 3, ...
          for (int y = 0, k = 1; y < h; y += k, ++k) pw.write_rows(crop(img, y, 0, std::min(k, h - y), w));
          pw.finish();
        }
        save_image(img, whole);
        const Image a = load_image(streamed), b = load_image(whole);
        ASSERT_EQ(a.width, w);
        ASSERT_EQ(a.height, h);
        ASSERT_EQ(a.channels, c);
        EXPECT_EQ(a.bit_depth, bits);
        EXPECT_TRUE(a.pixels == b.pixels) << bits << "-bit, " << c << " channels, " << w << "x" << h;
      }
    }
  }
}

TEST(PngWriter, NothingAppearsUntilFinishAndAnOldFileSurvivesAnAbort) {
  upres::testing::TempDir dir;
  const std::string path = dir.file("out.png");
  write_file_atomic(path, "old content");
  {
    PngWriter pw(path, 4, 4, 3, 8);
    pw.write_rows(random_image(4, 2, 3, 1));
    // destroyed after half the rows: an exception in the producer, say
  }
  EXPECT_EQ(read_file(path), "old content");
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 1u) << "the temporary file is removed";

  PngWriter pw(path, 4, 4, 3, 8);
  pw.write_rows(random_image(4, 3, 3, 1));
  EXPECT_THROW(pw.finish(), Error) << "3 of 4 rows";
  EXPECT_THROW(pw.write_rows(random_image(4, 2, 3, 1)), Error) << "5 of 4 rows";
  EXPECT_THROW(pw.write_rows(random_image(5, 1, 3, 1)), Error) << "wrong width";
  EXPECT_THROW(PngWriter(dir.file("x.png"), 0, 4, 3, 8), Error);
  EXPECT_THROW(PngWriter(dir.file("x.png"), 4, 4, 5, 8), Error);
  EXPECT_THROW(PngWriter(dir.file("x.png"), 4, 4, 3, 12), Error);
  EXPECT_THROW(PngWriter(dir.file("missing/x.png"), 4, 4, 3, 8), Error);
}

}  // namespace
}  // namespace upres::data
