// Tests of engine/safetensors.h and engine/checkpoint.h: round trips, files
// written by the reference Python package (tests/fixtures/safetensors), every
// kind of malformed file, and saving/loading a Module.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/checkpoint.h"
#include "engine/error.h"
#include "engine/fileio.h"
#include "engine/float16.h"
#include "engine/module.h"
#include "engine/rng.h"
#include "engine/safetensors.h"
#include "support/temp_dir.h"

using namespace upres;
using upres::testing::TempDir;

namespace {

std::string fixture(const std::string& name) {
  return std::string(UPRES_SOURCE_DIR) + "/tests/fixtures/safetensors/" + name;
}

std::string u64le(uint64_t n) {
  std::string s;
  for (int i = 0; i < 8; ++i) s += static_cast<char>((n >> (8 * i)) & 0xFF);
  return s;
}

// A safetensors file: length prefix, header text as given, data.
std::string make_file(const std::string& header, const std::string& data = "") {
  return u64le(header.size()) + header + data;
}

std::string f32_bytes(const std::vector<float>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4);
}

std::vector<uint32_t> bits(const Tensor& t) {
  std::vector<float> v = t.to_vector();
  std::vector<uint32_t> b(v.size());
  if (!v.empty()) std::memcpy(b.data(), v.data(), v.size() * 4);
  return b;
}

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Reads `bytes` both from a file and from memory; both must fail with a
// message naming the source and containing `fragment`.
void expect_rejected(const std::string& bytes, const std::string& fragment) {
  TempDir dir;
  std::string path = dir.file("case.safetensors");
  write_file_atomic(path, bytes);
  std::string msg = error_of([&] { read_safetensors(path); });
  EXPECT_NE(msg, "") << "the file was accepted; expected: " << fragment;
  EXPECT_NE(msg.find("'" + path + "'"), std::string::npos) << "message does not name the file: " << msg;
  EXPECT_NE(msg.find(fragment), std::string::npos) << "message: " << msg << "\nexpected: " << fragment;
  msg = error_of([&] { parse_safetensors(bytes, "buffer.st"); });
  EXPECT_NE(msg.find("'buffer.st'"), std::string::npos) << msg;
  EXPECT_NE(msg.find(fragment), std::string::npos) << "message: " << msg << "\nexpected: " << fragment;
}

// One well-formed F32 entry with the given shape text, offsets text.
std::string entry(const std::string& name, const std::string& dtype, const std::string& shape,
                  const std::string& offsets) {
  return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
}

// A tiny module with a parameter, a buffer and a child module, registered directly.
class Leaf : public Module {
 public:
  Leaf() { bias = register_parameter("bias", Tensor::zeros({3})); }
  Tensor bias;
};

class Tiny : public Module {
 public:
  Tiny() {
    weight = register_parameter("weight", Tensor::zeros({2, 3}));
    running_mean = register_buffer("running_mean", Tensor::zeros({2}));
    child = register_module("child", std::make_shared<Leaf>());
  }
  Tensor weight, running_mean;
  std::shared_ptr<Leaf> child;
};

void fill_random(Module& m, uint64_t seed) {
  Rng rng(seed);
  for (auto& [name, t] : m.state_dict()) t.copy_(Tensor::randn(t.shape(), rng));
}

}  // namespace

// ---- round trips -----------------------------------------------------------------------

TEST(Safetensors, RoundTripF32BitExact) {
  Rng rng(3);
  std::vector<float> specials = {0.0f, -0.0f, from_bits(0x7FC00001u), from_bits(0xFF800000u), from_bits(0x7F800000u),
                                 from_bits(0x00000001u), from_bits(0x807FFFFFu), 3.4028235e38f, 1.0f / 3.0f};
  NamedTensors tensors = {
      {"z.weight", Tensor::randn({13, 1, 7, 9}, rng)},
      {"specials", Tensor::from_vector({9}, specials)},
      {"scalar", Tensor::scalar(-2.25f)},
      {"empty", Tensor::zeros({0, 3})},
      {"empty3", Tensor::zeros({2, 0, 5})},
      {"a.bias", Tensor::randn({5}, rng)},
  };
  Metadata meta = {{"arch", "edsr"}, {"scale", "4"}, {"unicode", "\xC3\xA9\xF0\x9F\x98\x80"}, {"", "empty key"}};
  TempDir dir;
  std::string path = dir.file("rt.safetensors");
  write_safetensors(path, tensors, meta);
  SafetensorsData back = read_safetensors(path);

  EXPECT_EQ(back.metadata, meta);
  ASSERT_EQ(back.tensors.size(), tensors.size());
  // Written (and so read) sorted by name, as the reference implementation does.
  std::vector<std::string> names;
  for (auto& [n, t] : back.tensors) names.push_back(n);
  EXPECT_EQ(names, (std::vector<std::string>{"a.bias", "empty", "empty3", "scalar", "specials", "z.weight"}));
  for (auto& [name, t] : tensors) {
    ASSERT_TRUE(back.contains(name)) << name;
    const Tensor& r = back.at(name);
    EXPECT_EQ(r.shape(), t.shape()) << name;
    EXPECT_EQ(r.device(), Device::cpu);
    EXPECT_EQ(bits(r), bits(t)) << name;
    EXPECT_EQ(back.stored_dtype.at(name), "F32");
  }
  EXPECT_EQ(back.at("scalar").dim(), 0);
  EXPECT_THROW(back.at("nope"), Error);
}

TEST(Safetensors, RoundTripInMemoryWithoutMetadata) {
  Rng rng(5);
  NamedTensors tensors = {{"x", Tensor::randn({2, 13, 5, 3}, rng)}};
  std::string bytes = serialize_safetensors(tensors);
  // No metadata -> no "__metadata__" entry, exactly like the reference with metadata=None.
  EXPECT_EQ(bytes.find("__metadata__"), std::string::npos);
  SafetensorsData back = parse_safetensors(bytes);
  EXPECT_TRUE(back.metadata.empty());
  EXPECT_EQ(bits(back.at("x")), bits(tensors[0].second));
  // An empty file (no tensors) is valid too.
  SafetensorsData none = parse_safetensors(serialize_safetensors({}));
  EXPECT_TRUE(none.tensors.empty());
}

TEST(Safetensors, HeaderPaddedWithSpacesToMultipleOf8) {
  for (int len = 1; len <= 12; ++len) {
    NamedTensors t = {{std::string(static_cast<size_t>(len), 'n'), Tensor::ones({1})}};
    std::string bytes = serialize_safetensors(t);
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[static_cast<size_t>(i)]);
    EXPECT_EQ(n % 8, 0u) << len;
    std::string header = bytes.substr(8, n);
    size_t close = header.rfind('}');
    EXPECT_EQ(header.find_first_not_of(' ', close + 1), std::string::npos) << header;
    EXPECT_LT(header.size() - close - 1, 8u);
    EXPECT_EQ(bytes.size(), 8 + n + 4);
  }
}

TEST(Safetensors, WriteF16AndBF16) {
  std::vector<float> v = {1.0f, -0.0f, 65504.0f, 70000.0f, 1e-8f, 3.14159f, from_bits(0x7FC00000u), -1e30f};
  NamedTensors t = {{"v", Tensor::from_vector({2, 4}, v)}};
  for (StoreDType d : {StoreDType::f16, StoreDType::bf16}) {
    std::string bytes = serialize_safetensors(t, {}, d);
    SafetensorsData back = parse_safetensors(bytes);
    EXPECT_EQ(back.stored_dtype.at("v"), safetensors_name(d));
    EXPECT_EQ(bytes.size(), 8 + (bytes.size() - 8 - 16) + 16);  // 8 elements * 2 bytes of data
    std::vector<uint32_t> got = bits(back.at("v"));
    for (size_t i = 0; i < v.size(); ++i) {
      float expect = d == StoreDType::f16 ? f16_to_f32(f32_to_f16(v[i])) : bf16_to_f32(f32_to_bf16(v[i]));
      EXPECT_EQ(got[i], bits(expect)) << i;
    }
  }
}

TEST(Safetensors, WriterRejectsBadNames) {
  NamedTensors dup = {{"a", Tensor::ones({1})}, {"a", Tensor::ones({2})}};
  EXPECT_NE(error_of([&] { serialize_safetensors(dup); }).find("'a' appears twice"), std::string::npos);
  NamedTensors reserved = {{"__metadata__", Tensor::ones({1})}};
  EXPECT_NE(error_of([&] { serialize_safetensors(reserved); }).find("reserved"), std::string::npos);
  NamedTensors undefined = {{"u", Tensor()}};
  EXPECT_NE(error_of([&] { serialize_safetensors(undefined); }).find("'u' is undefined"), std::string::npos);
  TempDir dir;
  std::string msg = error_of([&] { write_safetensors(dir.file("x.safetensors"), dup); });
  EXPECT_NE(msg.find(dir.file("x.safetensors")), std::string::npos) << msg;
}

TEST(Safetensors, FailedWriteKeepsOldFile) {
  TempDir dir;
  std::string path = dir.file("m.safetensors");
  NamedTensors old_t = {{"w", Tensor::full({3}, 1.5f)}};
  write_safetensors(path, old_t, {{"v", "old"}});
  // The target's directory vanishes (here: the path now names a directory).
  std::string sub = dir.file("m2.safetensors");
  std::filesystem::create_directory(sub);
  std::filesystem::create_directory(sub + "/inner");
  EXPECT_THROW(write_safetensors(sub, old_t), Error);
  EXPECT_TRUE(std::filesystem::is_directory(sub + "/inner"));
  // Serialisation errors happen before the file is touched.
  NamedTensors dup = {{"a", Tensor::ones({1})}, {"a", Tensor::ones({1})}};
  EXPECT_THROW(write_safetensors(path, dup), Error);
  SafetensorsData back = read_safetensors(path);
  EXPECT_EQ(back.metadata.at("v"), "old");
  EXPECT_EQ(back.at("w").to_vector(), (std::vector<float>{1.5f, 1.5f, 1.5f}));
}

// ---- the reference implementation's files --------------------------------------------

TEST(Safetensors, ReadsFileWrittenByPythonPackage) {
  SafetensorsData data = read_safetensors(fixture("reference.safetensors"));
  EXPECT_EQ(data.metadata.at("arch"), "tiny");
  EXPECT_EQ(data.metadata.at("scale"), "4");
  EXPECT_EQ(data.metadata.at("note"),
            "quote \" backslash \\ newline \n unicode \xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80");

  std::ifstream in(fixture("reference_values.txt"));
  ASSERT_TRUE(in.good());
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string name, dtype, shape_text, hex;
    ls >> name >> dtype >> shape_text;
    Shape shape;
    if (shape_text != "-") {
      std::istringstream ss(shape_text);
      std::string d;
      while (std::getline(ss, d, ',')) shape.push_back(std::stoll(d));
    }
    std::vector<uint32_t> expect;
    while (ls >> hex) expect.push_back(static_cast<uint32_t>(std::stoul(hex, nullptr, 16)));
    SCOPED_TRACE(name);
    ASSERT_TRUE(data.contains(name));
    EXPECT_EQ(data.stored_dtype.at(name), dtype);
    EXPECT_EQ(data.at(name).shape(), shape);
    // Bit-exact against PyTorch's .float(): F16/BF16 subnormals, inf, NaN, -0; F64 rounding and overflow.
    EXPECT_EQ(bits(data.at(name)), expect);
    ++checked;
  }
  EXPECT_EQ(checked, 8);
  EXPECT_EQ(data.tensors.size(), 8u);
}

TEST(Safetensors, WritesSameBytesAsPythonPackage) {
  std::string ref = read_file(fixture("reference_f32.safetensors"));
  SafetensorsData data = parse_safetensors(ref, "reference_f32.safetensors");
  EXPECT_EQ(data.metadata, (Metadata{{"arch", "mlp"}}));
  // Rebuild from tensors in an order different from the file's: the writer sorts.
  NamedTensors reversed(data.tensors.rbegin(), data.tensors.rend());
  EXPECT_EQ(serialize_safetensors(reversed, data.metadata), ref);
}

TEST(Safetensors, ReadsSharedSqueezeNetWeights) {
  std::string path = std::string(UPRES_SHARED_DATA_DIR) + "/weights/squeezenet1_0.safetensors";
  if (!std::ifstream(path).good()) GTEST_SKIP() << "no shared data at " << path;
  SafetensorsData data = read_safetensors(path);
  EXPECT_GT(data.tensors.size(), 10u);
  for (auto& [name, t] : data.tensors) {
    for (float v : t.to_vector()) ASSERT_TRUE(std::isfinite(v)) << name;
  }
}

// ---- malformed files: each must be a clear upres::Error naming the file ----------------

TEST(SafetensorsMalformed, ShorterThan8Bytes) {
  expect_rejected("", "0 bytes, shorter than the 8-byte header length");
  expect_rejected("abcde", "5 bytes, shorter than the 8-byte header length");
}

TEST(SafetensorsMalformed, HeaderLengthPastEndOfFile) {
  expect_rejected(u64le(100) + "{}", "header length 100 runs past the end of the file (10 bytes)");
}

TEST(SafetensorsMalformed, HeaderLengthAbsurd) {
  expect_rejected(u64le(200'000'000) + "{}", "header length 200000000 is over the limit of 100000000");
  expect_rejected(u64le(~uint64_t{0}) + "{}", "is over the limit");
}

TEST(SafetensorsMalformed, HeaderNotJson) {
  expect_rejected(make_file("{\"a\":"), "the header is not valid JSON: json: expected a value");
  expect_rejected(make_file("\xFF\xFE{}"), "the header is not valid JSON");
  expect_rejected(make_file(""), "the header is not valid JSON");
  expect_rejected(make_file(std::string("{}\0\0\0\0\0\0", 8)), "the header is not valid JSON");  // NUL padding
}

TEST(SafetensorsMalformed, HeaderNotObject) {
  expect_rejected(make_file("[1, 2]  "), "the header must be a JSON object, found a array");
  expect_rejected(make_file("\"x\""), "found a string");
}

TEST(SafetensorsMalformed, EntryNotObject) {
  expect_rejected(make_file("{\"w\": [1, 2]}"), "tensor 'w': expected an object {dtype, shape, data_offsets}");
}

TEST(SafetensorsMalformed, MissingDtype) {
  expect_rejected(make_file(R"({"w":{"shape":[1],"data_offsets":[0,4]}})", f32_bytes({1})),
                  "tensor 'w': missing \"dtype\"");
}

TEST(SafetensorsMalformed, MissingShape) {
  expect_rejected(make_file(R"({"w":{"dtype":"F32","data_offsets":[0,4]}})", f32_bytes({1})),
                  "tensor 'w': missing \"shape\"");
}

TEST(SafetensorsMalformed, MissingDataOffsets) {
  expect_rejected(make_file(R"({"w":{"dtype":"F32","shape":[1]}})", f32_bytes({1})),
                  "tensor 'w': missing \"data_offsets\"");
}

TEST(SafetensorsMalformed, FieldsOfWrongType) {
  expect_rejected(make_file(R"({"w":{"dtype":32,"shape":[1],"data_offsets":[0,4]}})", f32_bytes({1})),
                  "\"dtype\" must be a string, found a number");
  expect_rejected(make_file("{" + entry("w", "F32", "\"1\"", "[0,4]") + "}", f32_bytes({1})),
                  "\"shape\" must be an array, found a string");
  expect_rejected(make_file("{" + entry("w", "F32", "[1.5]", "[0,4]") + "}", f32_bytes({1})),
                  "\"shape\" must hold integers");
  expect_rejected(make_file("{" + entry("w", "F32", "[null]", "[0,4]") + "}", f32_bytes({1})),
                  "\"shape\" must hold integers, found a null");
  expect_rejected(make_file("{" + entry("w", "F32", "[1]", "[0,4,8]") + "}", f32_bytes({1})),
                  "\"data_offsets\" must be an array [begin, end], found [0,4,8]");
  expect_rejected(make_file("{" + entry("w", "F32", "[1]", "{}") + "}", f32_bytes({1})),
                  "\"data_offsets\" must be an array [begin, end]");
  expect_rejected(make_file("{" + entry("w", "F32", "[1]", "[\"0\",4]") + "}", f32_bytes({1})),
                  "\"data_offsets\" must hold integers");
}

TEST(SafetensorsMalformed, UnknownDtype) {
  expect_rejected(make_file("{" + entry("w", "F17", "[1]", "[0,4]") + "}", f32_bytes({1})),
                  "tensor 'w': unknown dtype \"F17\"");
  expect_rejected(make_file("{" + entry("w", "f32", "[1]", "[0,4]") + "}", f32_bytes({1})), "unknown dtype \"f32\"");
}

TEST(SafetensorsMalformed, UnsupportedDtype) {
  expect_rejected(make_file("{" + entry("q", "F8_E4M3", "[4]", "[0,4]") + "}", "abcd"),
                  "tensor 'q': unsupported dtype F8_E4M3");
  expect_rejected(make_file("{" + entry("c", "C64", "[1]", "[0,8]") + "}", "abcdefgh"), "unsupported dtype C64");
}

TEST(SafetensorsMalformed, NegativeShape) {
  expect_rejected(make_file("{" + entry("w", "F32", "[2,-1]", "[0,0]") + "}"),
                  "tensor 'w': \"shape\" holds the negative value -1");
}

TEST(SafetensorsMalformed, OverflowingShape) {
  expect_rejected(make_file("{" + entry("w", "F32", "[4294967296,4294967296]", "[0,4]") + "}", f32_bytes({1})),
                  "has more elements than fit in 64 bits");
  expect_rejected(make_file("{" + entry("w", "F32", "[4611686018427387904]", "[0,4]") + "}", f32_bytes({1})),
                  "needs more bytes than fit in 64 bits");
  expect_rejected(make_file("{" + entry("w", "F32", "[99999999999999999999]", "[0,4]") + "}", f32_bytes({1})),
                  "\"shape\" must hold integers, found a non-integer or too large number");
}

TEST(SafetensorsMalformed, ByteCountDoesNotMatchShape) {
  expect_rejected(make_file("{" + entry("w", "F32", "[2,3]", "[0,20]") + "}", std::string(20, 'x')),
                  "tensor 'w': data_offsets [0, 20] span 20 bytes, but shape [2,3] of F32 needs 24");
  expect_rejected(make_file("{" + entry("h", "F16", "[3]", "[0,12]") + "}", std::string(12, 'x')),
                  "shape [3] of F16 needs 6");
}

TEST(SafetensorsMalformed, OffsetsReversed) {
  expect_rejected(make_file("{" + entry("w", "F32", "[1]", "[8,4]") + "}", std::string(8, 'x')),
                  "data_offsets [8, 4] end before they begin");
}

TEST(SafetensorsMalformed, OffsetsOutOfRange) {
  expect_rejected(make_file("{" + entry("w", "F32", "[1]", "[1000,1004]") + "}", f32_bytes({1})),
                  "tensor 'w' has data_offsets [1000, 1004] but the data buffer holds only 4 bytes");
}

TEST(SafetensorsMalformed, OverlappingTensors) {
  expect_rejected(make_file("{" + entry("a", "F32", "[2]", "[0,8]") + "," + entry("b", "F32", "[2]", "[4,12]") + "}",
                            std::string(12, 'x')),
                  "tensors 'a' [0, 8) and 'b' [4, 12) overlap");
  // Two views of the same bytes are an overlap too.
  expect_rejected(make_file("{" + entry("a", "F32", "[1]", "[0,4]") + "," + entry("b", "F32", "[1]", "[0,4]") + "}",
                            std::string(4, 'x')),
                  "overlap");
}

TEST(SafetensorsMalformed, HoleBetweenTensors) {
  expect_rejected(make_file("{" + entry("a", "F32", "[1]", "[0,4]") + "," + entry("b", "F32", "[1]", "[8,12]") + "}",
                            std::string(12, 'x')),
                  "bytes [4, 8) of the data buffer belong to no tensor (a hole before 'b'");
  expect_rejected(make_file("{" + entry("a", "F32", "[1]", "[4,8]") + "}", std::string(8, 'x')),
                  "bytes [0, 4) of the data buffer belong to no tensor");
}

TEST(SafetensorsMalformed, TrailingBytesNotCovered) {
  expect_rejected(make_file("{" + entry("a", "F32", "[1]", "[0,4]") + "}", std::string(6, 'x')),
                  "the data buffer has 6 bytes but the tensors cover only 4");
}

TEST(SafetensorsMalformed, DuplicateKeys) {
  expect_rejected(make_file("{" + entry("a", "F32", "[1]", "[0,4]") + "," + entry("a", "F32", "[1]", "[4,8]") + "}",
                            std::string(8, 'x')),
                  "duplicate object key \"a\"");
}

TEST(SafetensorsMalformed, MetadataNotStringToString) {
  std::string w = entry("w", "F32", "[1]", "[0,4]");
  expect_rejected(make_file("{\"__metadata__\":{\"epoch\":3}," + w + "}", f32_bytes({1})),
                  "\"__metadata__\" must map strings to strings, but \"epoch\" holds a number");
  expect_rejected(make_file("{\"__metadata__\":[\"x\"]," + w + "}", f32_bytes({1})),
                  "\"__metadata__\" must be an object of strings, found a array");
  expect_rejected(make_file("{\"__metadata__\":{\"k\":{\"x\":\"y\"}}," + w + "}", f32_bytes({1})), "holds a object");
  // null metadata is what some writers emit for "none": accepted.
  SafetensorsData ok = parse_safetensors(make_file("{\"__metadata__\":null," + w + "}", f32_bytes({7})));
  EXPECT_TRUE(ok.metadata.empty());
  EXPECT_EQ(ok.at("w").item(), 7.0f);
}

TEST(SafetensorsMalformed, TruncatedData) {
  std::string bytes = read_file(fixture("reference.safetensors"));
  expect_rejected(bytes.substr(0, bytes.size() - 1), "(the file is truncated or the offsets are out of range)");
  // Cut inside the header.
  expect_rejected(bytes.substr(0, 40), "runs past the end of the file");
}

TEST(SafetensorsMalformed, MissingFileOrDirectory) {
  TempDir dir;
  std::string msg = error_of([&] { read_safetensors(dir.file("nope.safetensors")); });
  EXPECT_NE(msg.find(dir.file("nope.safetensors")), std::string::npos) << msg;
  EXPECT_NE(msg.find("No such file"), std::string::npos) << msg;
  msg = error_of([&] { read_safetensors(dir.path()); });
  EXPECT_NE(msg.find("is a directory"), std::string::npos) << msg;
}

// Every truncation and many single-byte corruptions of a valid file: each must
// read cleanly or throw upres::Error - never crash, hang or over-allocate.
TEST(SafetensorsMalformed, CorruptionsNeverCrash) {
  std::string good = read_file(fixture("reference.safetensors"));
  for (size_t n = 0; n < good.size(); ++n)
    EXPECT_THROW(parse_safetensors(good.substr(0, n)), Error) << "truncated to " << n;
  uint64_t header = 0;
  for (int i = 7; i >= 0; --i) header = (header << 8) | static_cast<unsigned char>(good[static_cast<size_t>(i)]);
  int accepted = 0, rejected = 0;
  for (size_t pos = 0; pos < 8 + header; ++pos) {
    for (char c : {'{', '"', '9', '-', ' ', ']', '\xFF', '\0'}) {
      std::string bad = good;
      if (bad[pos] == c) continue;
      bad[pos] = c;
      try {
        parse_safetensors(bad);
        ++accepted;  // e.g. a changed character in a metadata value
      } catch (const Error&) {
        ++rejected;
      }
    }
  }
  EXPECT_GT(rejected, accepted);
}

// ---- 16-bit float conversions ----------------------------------------------------------

// Independent reference: the textbook formula for an IEEE binary16 value.
double f16_formula(uint16_t h) {
  int sign = h >> 15, exp = (h >> 10) & 31, mant = h & 1023;
  double mag = exp == 0 ? std::ldexp(mant, -24) : std::ldexp(1024 + mant, exp - 25);
  return sign ? -mag : mag;
}

TEST(Float16, F16ToF32AllValues) {
  for (uint32_t h = 0; h < 65536; ++h) {
    float f = f16_to_f32(static_cast<uint16_t>(h));
    int exp = (h >> 10) & 31;
    if (exp == 31) {
      if ((h & 1023) == 0) EXPECT_TRUE(std::isinf(f) && std::signbit(f) == bool(h >> 15)) << h;
      else EXPECT_TRUE(std::isnan(f)) << h;
      continue;
    }
    EXPECT_EQ(static_cast<double>(f), f16_formula(static_cast<uint16_t>(h))) << std::hex << h;
    EXPECT_EQ(std::signbit(f), bool(h >> 15)) << h;
  }
  EXPECT_EQ(f16_to_f32(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
  EXPECT_EQ(f16_to_f32(0x03FF), std::ldexp(1023.0f, -24));  // largest subnormal
  EXPECT_EQ(f16_to_f32(0x7BFF), 65504.0f);
}

TEST(Float16, F32ToF16RoundTripsEveryHalf) {
  for (uint32_t h = 0; h < 65536; ++h) {
    uint16_t back = f32_to_f16(f16_to_f32(static_cast<uint16_t>(h)));
    if (((h >> 10) & 31) == 31 && (h & 1023)) {
      EXPECT_EQ(back & 0x7C00, 0x7C00) << h;  // NaN stays NaN
      EXPECT_NE(back & 0x3FF, 0) << h;
    } else {
      EXPECT_EQ(back, h) << std::hex << h;
    }
  }
}

TEST(Float16, F32ToF16RoundsToNearestEven) {
  // Between each pair of adjacent positive halves a, b: the midpoint ties to
  // the even one; just above/below goes to the nearer. Covers subnormals,
  // the subnormal/normal boundary and every exponent.
  for (uint32_t a = 0; a < 0x7BFF; ++a) {
    double lo = f16_formula(static_cast<uint16_t>(a)), hi = f16_formula(static_cast<uint16_t>(a + 1));
    float mid = static_cast<float>((lo + hi) / 2);  // exact in f32
    ASSERT_EQ(static_cast<double>(mid), (lo + hi) / 2);
    uint16_t even = (a & 1) ? static_cast<uint16_t>(a + 1) : static_cast<uint16_t>(a);
    EXPECT_EQ(f32_to_f16(mid), even) << a;
    EXPECT_EQ(f32_to_f16(-mid), even | 0x8000) << a;
    EXPECT_EQ(f32_to_f16(std::nextafter(mid, 0.0f)), a) << a;
    EXPECT_EQ(f32_to_f16(std::nextafter(mid, 1e9f)), a + 1) << a;
  }
}

TEST(Float16, F32ToF16Extremes) {
  EXPECT_EQ(f32_to_f16(65519.996f), 0x7BFF);  // just below the tie: largest finite
  EXPECT_EQ(f32_to_f16(65520.0f), 0x7C00);    // the tie: rounds to even = infinity
  EXPECT_EQ(f32_to_f16(1e10f), 0x7C00);
  EXPECT_EQ(f32_to_f16(-1e10f), 0xFC00);
  EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -25)), 0x0000);  // half the smallest subnormal: ties to 0
  EXPECT_EQ(f32_to_f16(std::nextafter(std::ldexp(1.0f, -25), 1.0f)), 0x0001);
  EXPECT_EQ(f32_to_f16(1e-30f), 0x0000);
  EXPECT_EQ(f32_to_f16(-1e-30f), 0x8000);
  EXPECT_EQ(f32_to_f16(from_bits(0x00000001u)), 0x0000);  // f32 subnormal
  EXPECT_EQ(f32_to_f16(-0.0f), 0x8000);
  EXPECT_EQ(f32_to_f16(from_bits(0x7F800001u)) & 0x7E00, 0x7E00);  // signalling NaN -> quiet NaN, not inf
  EXPECT_EQ(f32_to_f16(from_bits(0xFFC00000u)), 0xFE00);
}

TEST(Float16, BF16Conversions) {
  for (uint32_t b = 0; b < 65536; ++b) {
    float f = bf16_to_f32(static_cast<uint16_t>(b));
    EXPECT_EQ(bits(f), b << 16);
    if (!std::isnan(f)) {
      EXPECT_EQ(f32_to_bf16(f), b);
    }
  }
  EXPECT_EQ(f32_to_bf16(from_bits(0x3F808000u)), 0x3F80);  // tie, even stays
  EXPECT_EQ(f32_to_bf16(from_bits(0x3F818000u)), 0x3F82);  // tie, odd rounds up
  EXPECT_EQ(f32_to_bf16(from_bits(0x3F808001u)), 0x3F81);  // above the tie
  EXPECT_EQ(f32_to_bf16(from_bits(0x7F7FFFFFu)), 0x7F80);  // FLT_MAX rounds to infinity
  EXPECT_EQ(f32_to_bf16(from_bits(0x00008000u)), 0x0000);  // subnormal tie to even
  EXPECT_EQ(f32_to_bf16(from_bits(0x00018000u)), 0x0002);
  uint16_t nan = f32_to_bf16(from_bits(0x7F800001u));  // payload only in the low bits
  EXPECT_TRUE(std::isnan(bf16_to_f32(nan)));
  EXPECT_TRUE(std::isnan(bf16_to_f32(f32_to_bf16(from_bits(0xFFFFFFFFu)))));
}

TEST(Float16, F64ToF32) {
  EXPECT_EQ(f64_to_f32(1.0 / 3.0), 1.0f / 3.0f);
  EXPECT_EQ(bits(f64_to_f32(-0.0)), 0x80000000u);
  EXPECT_EQ(f64_to_f32(3.4028234663852886e38), 3.4028234663852886e38f);
  EXPECT_EQ(f64_to_f32(3.4028235677973362e38), 3.4028234663852886e38f);  // just below the tie
  EXPECT_TRUE(std::isinf(f64_to_f32(3.4028235677973366e38)));          // the tie: to even = inf
  EXPECT_EQ(f64_to_f32(-1e300), -HUGE_VALF);
  EXPECT_EQ(f64_to_f32(HUGE_VAL), HUGE_VALF);
  EXPECT_EQ(f64_to_f32(1e-300), 0.0f);
  EXPECT_EQ(f64_to_f32(std::ldexp(1.0, -149)), from_bits(1));  // smallest f32 subnormal
  EXPECT_EQ(f64_to_f32(std::ldexp(1.0, -150)), 0.0f);          // tie to even = 0
  EXPECT_EQ(f64_to_f32(std::ldexp(3.0, -150)), from_bits(2));   // 1.5 ulp: tie to even = 2
  EXPECT_EQ(f64_to_f32(std::ldexp(3.0, -151)), from_bits(1));   // 0.75 ulp: nearest = 1
  EXPECT_TRUE(std::isnan(f64_to_f32(std::nan(""))));
  double snan;
  uint64_t u = 0x7FF0000000000001ull;  // NaN whose payload sits below f32's mantissa
  std::memcpy(&snan, &u, 8);
  EXPECT_TRUE(std::isnan(f64_to_f32(snan)));
}

// ---- modules ---------------------------------------------------------------------------

TEST(SaveLoadModule, RoundTrip) {
  Tiny src;
  fill_random(src, 11);
  TempDir dir;
  std::string path = dir.file("tiny.safetensors");
  save_module(path, src, {{"arch", "tiny"}, {"scale", "2"}});

  Tiny dst;
  fill_random(dst, 99);
  ModuleLoadResult r = load_module(path, dst);
  EXPECT_TRUE(r.report.ok()) << r.report.describe();
  EXPECT_EQ(r.metadata, (Metadata{{"arch", "tiny"}, {"scale", "2"}}));
  auto a = src.state_dict(), b = dst.state_dict();
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(b[0].first, "weight");
  EXPECT_EQ(b[1].first, "running_mean");
  EXPECT_EQ(b[2].first, "child.bias");
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(bits(a[i].second), bits(b[i].second)) << a[i].first;
  // The handles the module holds see the new values (copied in place) and stay parameters.
  EXPECT_EQ(bits(dst.child->bias), bits(src.child->bias));
  EXPECT_TRUE(dst.weight.requires_grad());
}

TEST(SaveLoadModule, F16CheckpointLoadsRoundedValues) {
  Tiny src;
  fill_random(src, 12);
  TempDir dir;
  save_module(dir.file("h.safetensors"), src, {}, StoreDType::f16);
  Tiny dst;
  load_module(dir.file("h.safetensors"), dst);
  std::vector<float> w = src.weight.to_vector(), got = dst.weight.to_vector();
  for (size_t i = 0; i < w.size(); ++i) EXPECT_EQ(got[i], f16_to_f32(f32_to_f16(w[i])));
}

TEST(SaveLoadModule, ReportsMissingUnexpectedMismatchedByName) {
  TempDir dir;
  std::string path = dir.file("other.safetensors");
  NamedTensors file = {
      {"weight", Tensor::ones({3, 2})},          // wrong shape
      {"child.bias", Tensor::full({3}, 4.0f)},   // fits
      {"extra.weight", Tensor::ones({1})},       // unknown to the module
  };                                             // running_mean is missing
  write_safetensors(path, file, {{"arch", "other"}});

  // Strict: throws naming the file and every problem; nothing is loaded.
  Tiny strict_m;
  std::string msg = error_of([&] { load_module(path, strict_m, true); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("missing key: running_mean"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unexpected key: extra.weight"), std::string::npos) << msg;
  EXPECT_NE(msg.find("shape mismatch: weight"), std::string::npos) << msg;
  EXPECT_EQ(strict_m.child->bias.to_vector(), (std::vector<float>{0, 0, 0}));

  // Non-strict: loads what fits, reports the rest.
  Tiny m;
  ModuleLoadResult r = load_module(path, m, false);
  EXPECT_EQ(r.report.missing, std::vector<std::string>{"running_mean"});
  EXPECT_EQ(r.report.unexpected, std::vector<std::string>{"extra.weight"});
  ASSERT_EQ(r.report.mismatched.size(), 1u);
  EXPECT_EQ(r.report.mismatched[0].rfind("weight:", 0), 0u) << r.report.mismatched[0];
  EXPECT_NE(r.report.mismatched[0].find("[3, 2]"), std::string::npos);
  EXPECT_EQ(r.metadata.at("arch"), "other");
  EXPECT_EQ(m.child->bias.to_vector(), (std::vector<float>{4, 4, 4}));
  EXPECT_EQ(m.weight.to_vector(), std::vector<float>(6, 0.0f));
}

TEST(SaveLoadModule, ErrorsNameTheFile) {
  TempDir dir;
  Tiny m;
  std::string path = dir.file("bad.safetensors");
  write_file_atomic(path, "not a safetensors file at all");
  std::string msg = error_of([&] { load_module(path, m); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  msg = error_of([&] { save_module(dir.file("no/dir/x.safetensors"), m); });
  EXPECT_NE(msg.find(dir.file("no/dir/x.safetensors")), std::string::npos) << msg;
}
