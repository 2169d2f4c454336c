// Tests of image files (data/image.h, data/png_writer.h): every input format and channel
// count against values written by tests/fixtures/images/make_images.py (numpy/Pillow),
// 16-bit PNGs exact in and out, round trips through PNG, JPEG and BMP, and hostile
// input - missing, directory, empty, truncated at every length, corrupt, unsupported,
// zero or absurd size, over the pixel limit - each an Error naming the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "data/image.h"
#include "data/deflate.h"
#include "data/png_writer.h"
#include "engine/error.h"
#include "support/temp_dir.h"
#include "support/text_fixture.h"

using namespace upres;
using namespace upres::data;
namespace fs = std::filesystem;

namespace {

std::string fixture(const std::string& name) { return std::string(UPRES_SOURCE_DIR) + "/tests/fixtures/images/" + name; }

std::vector<unsigned char> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<unsigned char>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::vector<unsigned char>& b) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

template <typename F>
std::string error_of(F fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Samples k / top for a pseudo-random level k (exact at that bit depth).
Image levels(int w, int h, int c, int bits, unsigned seed) {
  Image img(w, h, c);
  img.bit_depth = bits;
  const unsigned top = bits == 16 ? 65535u : 255u;
  unsigned s = seed;
  for (float& v : img.pixels) {
    s = s * 1103515245u + 12345u;
    v = static_cast<float>(((s >> 8) % (top + 1)) / static_cast<double>(top));
  }
  return img;
}

// Largest |a - b| in levels of 1/255.
double max_diff_255(const Image& a, const Image& b) {
  double m = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) m = std::max(m, std::fabs(a.pixels[i] - b.pixels[i]) * 255.0);
  return m;
}

struct Expected {
  int w = 0, h = 0, c = 0, bits = 0;
  std::vector<double> hwc;
};

Expected expected(const std::string& name) {
  static const upres::testing::TextFixture f = upres::testing::load_text_fixture("tests/fixtures/images/images.txt");
  Expected e;
  auto it = f.find(name);
  if (it == f.end() || it->second.size() < 4) {
    ADD_FAILURE() << "no record for " << name << " in images.txt";
    return e;
  }
  const auto& v = it->second;
  e.w = static_cast<int>(v[0]), e.h = static_cast<int>(v[1]), e.c = static_cast<int>(v[2]), e.bits = static_cast<int>(v[3]);
  e.hwc.assign(v.begin() + 4, v.end());
  return e;
}

}  // namespace

// ---- reading every format, checked sample by sample ------------------------------------

struct LoadCase {
  const char* file;
  int channels;   // what load_image must give
  int bit_depth;  // what it must record
  double tolerance;  // in levels of the file's depth (JPEG decoders differ by a few)
};

TEST(ImageFiles, LoadEveryFormatAndChannelCountMatchesReferenceValues) {
  const LoadCase cases[] = {
      {"grey8.png", 1, 8, 0},      {"greyalpha8.png", 2, 8, 0}, {"rgb8.png", 3, 8, 0},  {"rgba8.png", 4, 8, 0},
      {"grey16.png", 1, 16, 0},    {"greyalpha16.png", 2, 16, 0}, {"rgb16.png", 3, 16, 0}, {"rgba16.png", 4, 16, 0},
      {"rgb.tga", 3, 8, 0},        {"rgba_rle.tga", 4, 8, 0},   {"grey.tga", 1, 8, 0},  {"rgb.bmp", 3, 8, 0},
      {"palette.png", 3, 8, 0},    {"bilevel.png", 1, 8, 0},    {"rgb.jpg", 3, 8, 3},   {"grey.jpg", 1, 8, 3},
      {"progressive.jpg", 3, 8, 3},
  };
  for (const LoadCase& t : cases) {
    SCOPED_TRACE(t.file);
    const Expected e = expected(t.file);
    const Image img = load_image(fixture(t.file));
    ASSERT_EQ(img.width, e.w);
    ASSERT_EQ(img.height, e.h);
    ASSERT_EQ(img.channels, t.channels);
    ASSERT_EQ(e.c, t.channels);
    EXPECT_EQ(img.bit_depth, t.bit_depth);
    ASSERT_EQ(e.hwc.size(), img.pixels.size());
    const double top = t.bit_depth == 16 ? 65535.0 : 255.0;
    double worst = 0;
    for (int y = 0; y < e.h; ++y)
      for (int x = 0; x < e.w; ++x)
        for (int c = 0; c < e.c; ++c) {
          const double want = e.hwc[(static_cast<size_t>(y) * e.w + x) * e.c + c];
          const double got = img.at(c, y, x);
          if (t.tolerance == 0) {
            ASSERT_EQ(got, static_cast<double>(static_cast<float>(want / top)))
                << "plane " << c << " at (" << x << ", " << y << ") of " << t.file;
          }
          worst = std::max(worst, std::fabs(got * top - want));
        }
    if (t.tolerance > 0) {
      EXPECT_LE(worst, t.tolerance);
    }
  }
}

TEST(ImageFiles, CmykJpegLoadsAsRgb) {
  // stb_image converts Adobe CMYK JPEGs to RGB; Pillow's conversion of the same file is
  // the reference (the two round the colour transform differently: a few levels).
  const Expected e = expected("cmyk.jpg");
  const Image img = load_image(fixture("cmyk.jpg"));
  ASSERT_EQ(img.channels, 3);
  ASSERT_EQ(img.width, e.w);
  ASSERT_EQ(img.height, e.h);
  double worst = 0;
  for (int y = 0; y < e.h; ++y)
    for (int x = 0; x < e.w; ++x)
      for (int c = 0; c < 3; ++c)
        worst = std::max(worst, std::fabs(img.at(c, y, x) * 255.0 - e.hwc[(static_cast<size_t>(y) * e.w + x) * 3 + c]));
  EXPECT_LE(worst, 4.0);
}

// ---- writing: round trips --------------------------------------------------------------

TEST(ImageFiles, SixteenBitPngRoundTripIsExact) {
  upres::testing::TempDir dir;
  for (int c = 1; c <= 4; ++c) {
    SCOPED_TRACE(c);
    Image img = levels(7, 5, c, 16, 17u + c);
    const std::string path = dir.file("s" + std::to_string(c) + ".png");
    save_image(img, path);
    const Image back = load_image(path);
    EXPECT_EQ(back.bit_depth, 16);
    EXPECT_EQ(back.channels, c);
    EXPECT_EQ(back.pixels, img.pixels);
  }
}

TEST(ImageFiles, SixteenBitFixtureSurvivesLoadAndSave) {
  // Values written by Python's zlib, read by stb, written by our encoder, read again.
  upres::testing::TempDir dir;
  for (const char* name : {"grey16.png", "greyalpha16.png", "rgb16.png", "rgba16.png"}) {
    SCOPED_TRACE(name);
    const Image a = load_image(fixture(name));
    save_image(a, dir.file(name));
    const Image b = load_image(dir.file(name));
    EXPECT_EQ(b.bit_depth, 16);
    EXPECT_EQ(b.pixels, a.pixels);
    // ... and forced to 8 bits it rounds each sample to the nearest 1/255.
    SaveOptions eight;
    eight.png_bit_depth = 8;
    save_image(a, dir.file("8.png"), eight);
    const Image c = load_image(dir.file("8.png"));
    EXPECT_EQ(c.bit_depth, 8);
    for (size_t i = 0; i < a.pixels.size(); ++i)
      ASSERT_EQ(c.pixels[i], static_cast<float>(std::lround(a.pixels[i] * 255.0)) / 255.0f) << i;
  }
}

TEST(ImageFiles, SixteenBitSaveRoundsAndClamps) {
  Image img(4, 1, 1);
  img.bit_depth = 16;
  img.pixels = {-0.5f, static_cast<float>(1.4 / 65535.0), 1.7f, std::nanf("")};
  upres::testing::TempDir dir;
  save_image(img, dir.file("q.png"));
  const Image back = load_image(dir.file("q.png"));
  const std::vector<float> want = {0.0f, static_cast<float>(1.0 / 65535.0), 1.0f, 0.0f};
  EXPECT_EQ(back.pixels, want);
}

struct RoundTrip {
  const char* ext;
  int channels_in, channels_out;
  double tolerance;  // levels of 1/255
};

TEST(ImageFiles, RoundTripEveryWritableFormatAndChannelCount) {
  const RoundTrip cases[] = {
      {".png", 1, 1, 0}, {".png", 2, 2, 0}, {".png", 3, 3, 0}, {".png", 4, 4, 0},
      // BMP has no grey: grey comes back as R = G = B, grey+alpha as RGBA.
      {".bmp", 1, 3, 0}, {".bmp", 2, 4, 0}, {".bmp", 3, 3, 0}, {".bmp", 4, 4, 0},
      // JPEG has no alpha: it is dropped. stb_image_write always writes three components
      // (YCbCr), so grey comes back as R = G = B. Lossy: a smooth image comes back within a few levels.
      {".jpg", 1, 3, 6}, {".jpeg", 2, 3, 6}, {".JPG", 3, 3, 10}, {".jpg", 4, 3, 10},
  };
  upres::testing::TempDir dir;
  for (const RoundTrip& t : cases) {
    SCOPED_TRACE(std::string(t.ext) + " with " + std::to_string(t.channels_in) + " channels");
    Image img(16, 16, t.channels_in);
    if (t.tolerance == 0) {
      img = levels(9, 7, t.channels_in, 8, 5u + t.channels_in);
    } else {  // a smooth ramp, which JPEG keeps well
      for (int c = 0; c < t.channels_in; ++c)
        for (int y = 0; y < 16; ++y)
          for (int x = 0; x < 16; ++x) img.at(c, y, x) = static_cast<float>((20 + 8 * x + 4 * y + 30 * c) / 255.0);
    }
    const std::string path = dir.file(std::string("rt") + t.ext);
    save_image(img, path);
    const Image back = load_image(path);
    ASSERT_EQ(back.width, img.width);
    ASSERT_EQ(back.height, img.height);
    ASSERT_EQ(back.channels, t.channels_out);
    EXPECT_EQ(back.bit_depth, 8);
    // Which input plane each output plane must match.
    std::vector<int> source;
    if (t.channels_out == t.channels_in) {
      for (int c = 0; c < t.channels_out; ++c) source.push_back(c);
    } else if (t.channels_in <= 2 && t.channels_out == 3) {
      source = {0, 0, 0};
    } else if (t.channels_in == 2 && t.channels_out == 4) {
      source = {0, 0, 0, 1};
    } else {  // RGBA to JPEG: alpha dropped
      source = {0, 1, 2};
    }
    double worst = 0;
    for (int c = 0; c < t.channels_out; ++c)
      for (int64_t i = 0; i < img.plane_size(); ++i)
        worst = std::max(worst, std::fabs(back.plane(c)[i] - img.plane(source[c])[i]) * 255.0);
    EXPECT_LE(worst, t.tolerance);
  }
}

TEST(ImageFiles, JpegQualityTradesSizeForError) {
  // A textured image: lower quality must give a smaller file and a larger error.
  Image img = levels(32, 32, 3, 8, 99u);
  SaveOptions lo, hi;
  lo.jpeg_quality = 20;
  hi.jpeg_quality = 95;
  EXPECT_EQ(SaveOptions{}.jpeg_quality, 95);
  const auto small = encode_image(img, ImageFormat::jpeg, lo), large = encode_image(img, ImageFormat::jpeg, hi);
  EXPECT_LT(small.size(), large.size());
  const Image a = decode_image(small, "q20"), b = decode_image(large, "q95");
  EXPECT_GT(max_diff_255(a, img), max_diff_255(b, img));
  SaveOptions bad;
  bad.jpeg_quality = 0;
  EXPECT_TRUE(contains(error_of([&] { encode_image(img, ImageFormat::jpeg, bad); }), "quality"));
}

TEST(ImageFiles, BitDepthFollowsCropsAndPlanes) {
  Image img = levels(6, 4, 4, 16, 3u);
  EXPECT_EQ(crop(img, 1, 1, 2, 2).bit_depth, 16);
  EXPECT_EQ(select_channels(img, 3, 1).bit_depth, 16);
  EXPECT_EQ(merge_channels({select_channels(img, 0, 3), Image(6, 4, 1)}).bit_depth, 16);
  EXPECT_EQ(Image(2, 2, 1).bit_depth, 8);
}

// ---- the PNG encoder's checksums ----------------------------------------------------

TEST(Png16, ChecksumsMatchKnownValues) {
  // The standard check values: CRC-32("123456789") = 0xCBF43926, Adler-32("Wikipedia") = 0x11E60398.
  const std::string digits = "123456789", wiki = "Wikipedia";
  EXPECT_EQ(png_crc32(reinterpret_cast<const unsigned char*>(digits.data()), digits.size()), 0xCBF43926u);
  EXPECT_EQ(png_crc32(reinterpret_cast<const unsigned char*>(digits.data()) + 4, 5,
                      png_crc32(reinterpret_cast<const unsigned char*>(digits.data()), 4)),
            0xCBF43926u);
  EXPECT_EQ(adler32(reinterpret_cast<const unsigned char*>(wiki.data()), wiki.size()), 0x11E60398u);
  // Many bytes of 0xFF: sums that would overflow without the periodic modulo.
  const std::vector<unsigned char> ones(100000, 0xFF);
  std::uint64_t a = 1, b = 0;
  for (unsigned char v : ones) {
    a = (a + v) % 65521;
    b = (b + a) % 65521;
  }
  EXPECT_EQ(adler32(ones.data(), ones.size()), static_cast<std::uint32_t>(b << 16 | a));
}

TEST(Png16, ManyBlocksAndIdatChunksDecode) {
  // 700 x 400 RGBA at 16 bits: 2.24 MB of scanlines, many deflate blocks and IDAT chunks.
  Image img = levels(700, 400, 4, 16, 7u);
  const auto png = encode_image(img, ImageFormat::png);
  const Image back = decode_image(png, "big16");
  EXPECT_EQ(back.pixels, img.pixels);
}

// ---- hostile input ---------------------------------------------------------------------

struct Hostile {
  const char* file;       // under the fixture folder, or made by the test
  const char* must_say;   // a phrase the message must contain
};

TEST(ImageFiles, HostileFilesGiveErrorsNamingFileAndProblem) {
  upres::testing::TempDir dir;
  write_bytes(dir.file("empty.png"), {});
  write_bytes(dir.file("text.png"), std::vector<unsigned char>{'h', 'e', 'l', 'l', 'o', '\n'});
  auto png = read_bytes(fixture("rgb8.png"));
  png[png.size() / 2] ^= 0x5A;  // a flipped byte in the compressed data: the chunk's CRC-32 fails
  write_bytes(dir.file("flipped.png"), png);
  auto half = read_bytes(fixture("rgb8.png"));
  half.resize(half.size() / 2);
  write_bytes(dir.file("truncated.png"), half);
  auto jpg = read_bytes(fixture("rgb.jpg"));
  jpg.resize(jpg.size() / 3);
  write_bytes(dir.file("truncated.jpg"), jpg);
  fs::create_directories(dir.file("folder.png"));
  // IHDR claiming 4278190085 x 4278190083 (near 2^32 each; the product overflows 64 bits),
  // with a correct CRC so that only the size is wrong.
  auto vast = read_bytes(fixture("rgb8.png"));
  const unsigned char dims[8] = {0xFF, 0, 0, 5, 0xFF, 0, 0, 3};
  std::copy(dims, dims + 8, vast.begin() + 16);
  const std::uint32_t crc = png_crc32(vast.data() + 12, 17);
  for (int i = 0; i < 4; ++i) vast[29 + i] = static_cast<unsigned char>(crc >> (24 - 8 * i));
  write_bytes(dir.file("vast.png"), vast);

  const std::vector<std::pair<std::string, std::string>> cases = {
      {dir.file("missing.png"), "does not exist"},
      {dir.file("folder.png"), "is a directory"},
      {dir.file("empty.png"), "is empty"},
      {dir.file("text.png"), "not a PNG, JPEG, BMP or TGA"},
      {dir.file("flipped.png"), "CRC-32 mismatch"},
      {dir.file("truncated.png"), "truncated"},
      {dir.file("truncated.jpg"), "truncated"},
      {fixture("rgb.gif"), "GIF"},
      {fixture("zero_width.png"), "zero size"},
      {fixture("too_wide.png"), "pixels per side"},
      {dir.file("vast.png"), "4278190085x4278190083"},
      {fixture("huge.png"), "over the limit"},
  };
  for (const auto& [path, phrase] : cases) {
    SCOPED_TRACE(path);
    const std::string msg = error_of([&] { load_image(path); });
    ASSERT_FALSE(msg.empty()) << "no error";
    EXPECT_TRUE(contains(msg, fs::path(path).filename().string())) << msg;
    EXPECT_TRUE(contains(msg, phrase)) << msg;
  }
}

TEST(ImageFiles, PixelLimitIsCheckedBeforeDecoding) {
  // huge.png claims 100000 x 100000 (10^10 pixels) in 68 bytes; refused from its header.
  // (stb_image alone would call it "corrupt": it caps a PNG at 2^30 decoded bytes.)
  const std::string msg = error_of([&] { load_image(fixture("huge.png")); });
  EXPECT_TRUE(contains(msg, "100000x100000")) << msg;
  EXPECT_TRUE(contains(msg, std::to_string(kDefaultMaxPixels))) << msg;
  EXPECT_TRUE(contains(msg, "UPRES_MAX_PIXELS")) << msg;
  // A limit below a real image's 15 pixels refuses it; at exactly 15 it loads.
  LoadOptions tight;
  tight.max_pixels = 14;
  EXPECT_TRUE(contains(error_of([&] { load_image(fixture("rgb8.png"), tight); }), "over the limit of 14"));
  tight.max_pixels = 15;
  EXPECT_EQ(load_image(fixture("rgb8.png"), tight).plane_size(), 15);
  // The environment variable sets the default.
  ::setenv("UPRES_MAX_PIXELS", "10", 1);
  EXPECT_EQ(default_max_pixels(), 10);
  EXPECT_TRUE(contains(error_of([&] { load_image(fixture("rgb8.png")); }), "over the limit of 10"));
  ::setenv("UPRES_MAX_PIXELS", "lots", 1);
  EXPECT_TRUE(contains(error_of([&] { default_max_pixels(); }), "UPRES_MAX_PIXELS"));
  ::unsetenv("UPRES_MAX_PIXELS");
  EXPECT_EQ(default_max_pixels(), kDefaultMaxPixels);
}

TEST(ImageFiles, EveryTruncationIsAnErrorOrAnImageNeverACrash) {
  // Cut each small file at every length: decoding must throw upres::Error (naming the
  // buffer) or give a well-formed image; AddressSanitizer watches for the rest.
  for (const char* name : {"rgb8.png", "greyalpha16.png", "rgb.jpg", "rgb.bmp", "rgba_rle.tga"}) {
    SCOPED_TRACE(name);
    const auto full = read_bytes(fixture(name));
    ASSERT_FALSE(full.empty());
    int errors = 0;
    for (size_t n = 0; n < full.size(); ++n) {
      const std::vector<unsigned char> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      try {
        const Image img = decode_image(cut, "cut-file");
        ASSERT_GT(img.width, 0);
        ASSERT_EQ(img.pixels.size(), static_cast<size_t>(img.plane_size() * img.channels));
      } catch (const Error& e) {
        ASSERT_TRUE(contains(e.what(), "cut-file")) << e.what();
        ++errors;
      }
    }
    EXPECT_GT(errors, 0);
  }
}

TEST(ImageFiles, EveryFlippedByteIsAnErrorOrAnImageNeverACrash) {
  // Invert each byte in turn (headers, sizes, compressed data). A small pixel limit keeps a
  // flipped size byte from turning the 5x3 image into a slow 80-megapixel decode.
  LoadOptions small;
  small.max_pixels = 4096;
  for (const char* name : {"rgba8.png", "rgb16.png", "rgb.jpg", "rgb.bmp", "rgb.tga", "rgba_rle.tga", "palette.png"}) {
    SCOPED_TRACE(name);
    const auto full = read_bytes(fixture(name));
    int errors = 0;
    for (size_t i = 0; i < full.size(); ++i) {
      std::vector<unsigned char> bad = full;
      bad[i] ^= 0xFF;
      try {
        const Image img = decode_image(bad, "flipped-file", small);
        ASSERT_LE(img.plane_size(), small.max_pixels);
        ASSERT_EQ(img.pixels.size(), static_cast<size_t>(img.plane_size() * img.channels));
      } catch (const Error& e) {
        ASSERT_TRUE(contains(e.what(), "flipped-file")) << e.what();
        ++errors;
      }
    }
    EXPECT_GT(errors, 0);
  }
}

TEST(ImageFiles, JpegHuffmanTableWithTooManySymbolsIsRefused) {
  // stb_image 2.27 writes past its Huffman tables when a DHT segment's 16 counts sum to
  // more than 256; the header check must refuse such a file before stb sees it.
  auto jpg = read_bytes(fixture("rgb.jpg"));
  size_t dht = 0;
  for (size_t i = 2; i + 1 < jpg.size(); ++i)
    if (jpg[i] == 0xFF && jpg[i + 1] == 0xC4) {
      dht = i;
      break;
    }
  ASSERT_GT(dht, 0u) << "no DHT marker in rgb.jpg";
  for (int i = 0; i < 16; ++i) jpg[dht + 5 + i] = 0xFF;  // after FF C4, length (2), class/index (1)
  const std::string msg = error_of([&] { decode_image(jpg, "bad-huffman.jpg"); });
  EXPECT_TRUE(contains(msg, "bad-huffman.jpg") && contains(msg, "Huffman")) << msg;
}

TEST(ImageFiles, OneByOneImagesLoadAndSave) {
  upres::testing::TempDir dir;
  for (const char* ext : {".png", ".bmp", ".jpg"}) {
    SCOPED_TRACE(ext);
    Image img(1, 1, 3, 0.5f);
    save_image(img, dir.file(std::string("one") + ext));
    const Image back = load_image(dir.file(std::string("one") + ext));
    EXPECT_EQ(back.width, 1);
    EXPECT_EQ(back.height, 1);
    EXPECT_LE(max_diff_255(back, img), 2.0);
  }
}

// ---- failed writes leave nothing behind ------------------------------------------------

TEST(ImageFiles, SaveErrorsNameTheFileAndLeaveExistingFilesIntact) {
  upres::testing::TempDir dir;
  const std::string existing = dir.file("keep.png");
  save_image(levels(3, 2, 3, 8, 1u), existing);
  const auto before = read_bytes(existing);

  // Unknown extension: the message lists what is supported.
  std::string msg = error_of([&] { save_image(levels(3, 2, 3, 8, 1u), dir.file("out.webp")); });
  EXPECT_TRUE(contains(msg, "out.webp") && contains(msg, ".png, .jpg, .jpeg, .bmp")) << msg;
  msg = error_of([&] { save_image(levels(3, 2, 3, 8, 1u), dir.file("noextension")); });
  EXPECT_TRUE(contains(msg, "noextension") && contains(msg, "no extension")) << msg;

  // A missing folder is named.
  msg = error_of([&] { save_image(levels(3, 2, 3, 8, 1u), dir.file("nope/out.png")); });
  EXPECT_TRUE(contains(msg, "out.png") && contains(msg, "nope") && contains(msg, "does not exist")) << msg;
  EXPECT_FALSE(fs::exists(dir.file("nope")));

  // The target is a directory.
  fs::create_directories(dir.file("adir.png"));
  msg = error_of([&] { save_image(levels(3, 2, 3, 8, 1u), dir.file("adir.png")); });
  EXPECT_TRUE(contains(msg, "adir.png") && contains(msg, "directory")) << msg;
  EXPECT_TRUE(fs::is_directory(dir.file("adir.png")));

  // An image that cannot be encoded (5 channels, or empty) does not touch the existing file.
  Image five(3, 2, 5);
  EXPECT_THROW(save_image(five, existing), Error);
  EXPECT_THROW(save_png(Image(), existing), Error);
  EXPECT_EQ(read_bytes(existing), before);

  // An unwritable folder (not testable as root, who may write anywhere).
  if (::geteuid() != 0) {
    fs::create_directories(dir.file("ro"));
    fs::permissions(dir.file("ro"), fs::perms::owner_read | fs::perms::owner_exec);
    msg = error_of([&] { save_image(levels(3, 2, 3, 8, 1u), dir.file("ro/x.png")); });
    EXPECT_TRUE(contains(msg, "x.png")) << msg;
    fs::permissions(dir.file("ro"), fs::perms::owner_all);
  }

  // Nothing but the kept file and the two folders remains: no temporary files.
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, fs::exists(dir.file("ro")) ? 3 : 2);
}
