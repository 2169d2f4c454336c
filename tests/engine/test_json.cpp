// Tests of engine/json.h: the strict parser (values, escapes, UTF-8, limits,
// error offsets) and the writer (compact/indented, shortest doubles, round trips).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "engine/error.h"
#include "engine/json.h"

using namespace upres;
namespace js = upres::json;

namespace {

// The message of the upres::Error that parsing `text` throws ("" if it parses).
std::string parse_error(const std::string& text, const js::ParseOptions& opt = {}) {
  try {
    js::parse(text, opt);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

#define EXPECT_PARSE_ERROR(text, fragment)                                              \
  do {                                                                                 \
    std::string msg_ = parse_error(text);                                              \
    EXPECT_NE(msg_, "") << "accepted: " << (text);                                     \
    EXPECT_NE(msg_.find(fragment), std::string::npos) << "input: " << (text) << "\nmessage: " << msg_; \
  } while (0)

}  // namespace

TEST(Json, ParsesLiterals) {
  EXPECT_TRUE(js::parse("null").is_null());
  EXPECT_EQ(js::parse("true").as_bool(), true);
  EXPECT_EQ(js::parse(" \t\r\nfalse \n").as_bool(), false);
  EXPECT_EQ(js::parse("\"hi\"").as_string(), "hi");
  EXPECT_PARSE_ERROR("nul", "expected 'null' at byte 0");
  EXPECT_PARSE_ERROR("True", "expected a value");
  EXPECT_PARSE_ERROR("", "at byte 0, found the end of input");
  EXPECT_PARSE_ERROR("   ", "at byte 3");
}

TEST(Json, IntegersAreExactInt64) {
  // 2^53 + 1 is not representable as a double; it must survive exactly.
  js::Value v = js::parse("9007199254740993");
  ASSERT_TRUE(v.is_int64());
  EXPECT_EQ(v.as_int64(), 9007199254740993LL);
  EXPECT_EQ(js::parse("9223372036854775807").as_int64(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(js::parse("-9223372036854775808").as_int64(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(js::parse("0").as_int64(), 0);
  EXPECT_EQ(js::parse("-17").as_int64(), -17);
  // Beyond int64: still a number, as a double, but not an exact integer.
  js::Value big = js::parse("9223372036854775808");
  EXPECT_FALSE(big.is_int64());
  EXPECT_EQ(big.as_double(), 9223372036854775808.0);
  EXPECT_THROW(big.as_int64(), Error);
  // A fraction or exponent makes a double even when the value is integral.
  EXPECT_FALSE(js::parse("1.0").is_int64());
  EXPECT_FALSE(js::parse("1e3").is_int64());
  EXPECT_EQ(js::parse("1e3").as_double(), 1000.0);
}

TEST(Json, ParsesDoubles) {
  EXPECT_EQ(js::parse("1.5").as_double(), 1.5);
  EXPECT_EQ(js::parse("-0.25e2").as_double(), -25.0);
  EXPECT_EQ(js::parse("1E+2").as_double(), 100.0);
  EXPECT_EQ(js::parse("2.5e-3").as_double(), 0.0025);
  EXPECT_EQ(js::parse("0.1").as_double(), 0.1);
  EXPECT_EQ(js::parse("4.9406564584124654e-324").as_double(), std::numeric_limits<double>::denorm_min());
  // Underflow is a legal number and reads as (signed) zero; overflow is an error.
  EXPECT_EQ(js::parse("1e-400").as_double(), 0.0);
  EXPECT_TRUE(std::signbit(js::parse("-1e-400").as_double()));
  EXPECT_EQ(js::parse("0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000001")
                .as_double(),
            0.0);
  EXPECT_PARSE_ERROR("1e400", "out of the range of a double");
  EXPECT_PARSE_ERROR("-123456789e999", "out of the range of a double");
}

TEST(Json, RejectsMalformedNumbers) {
  EXPECT_PARSE_ERROR("01", "no leading zeros");
  EXPECT_PARSE_ERROR("-01", "no leading zeros");
  EXPECT_PARSE_ERROR("1.", "a digit after the decimal point");
  EXPECT_PARSE_ERROR("1.e5", "a digit after the decimal point");
  EXPECT_PARSE_ERROR(".5", "expected a value");
  EXPECT_PARSE_ERROR("+1", "expected a value");
  EXPECT_PARSE_ERROR("-", "expected a digit at byte 1");
  EXPECT_PARSE_ERROR("1e", "a digit in the exponent");
  EXPECT_PARSE_ERROR("1e+", "a digit in the exponent");
  EXPECT_PARSE_ERROR("0x10", "the end of input after the JSON value at byte 1");
  EXPECT_PARSE_ERROR("NaN", "expected a value");
  EXPECT_PARSE_ERROR("Infinity", "expected a value");
  EXPECT_PARSE_ERROR("-Infinity", "expected a digit");
}

TEST(Json, StringEscapesAndUnicode) {
  EXPECT_EQ(js::parse(R"("a\"b\\c\/d\be\ff\ng\rh\ti")").as_string(), "a\"b\\c/d\be\ff\ng\rh\ti");
  EXPECT_EQ(js::parse(R"("\u0041\u00e9\u4E2D")").as_string(), "A\xC3\xA9\xE4\xB8\xAD");
  EXPECT_EQ(js::parse(R"("\u0000")").as_string(), std::string(1, '\0'));
  // A surrogate pair encodes one code point above the BMP: U+1F600 and U+10FFFF.
  EXPECT_EQ(js::parse(R"("\uD83D\uDE00")").as_string(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(js::parse(R"("\udbff\udfff")").as_string(), "\xF4\x8F\xBF\xBF");
  // Raw UTF-8 passes through unchanged.
  EXPECT_EQ(js::parse("\"\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80\"").as_string(), "\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80");
}

TEST(Json, RejectsBadStrings) {
  EXPECT_PARSE_ERROR(R"("\uD83D")", "high surrogate");
  EXPECT_PARSE_ERROR(R"("\uD83Dx")", "high surrogate");
  EXPECT_PARSE_ERROR(R"("\uD83D\u0041")", "high surrogate");
  EXPECT_PARSE_ERROR(R"("\uDE00")", "lone low surrogate");
  EXPECT_PARSE_ERROR(R"("\u12G4")", "4 hex digits");
  EXPECT_PARSE_ERROR(R"("\x")", "an escape character");
  EXPECT_PARSE_ERROR("\"a\nb\"", "raw control characters");
  EXPECT_PARSE_ERROR("\"abc", "'\"' to close the string");
  EXPECT_PARSE_ERROR("\"\xFF\"", "invalid UTF-8 lead byte");
  EXPECT_PARSE_ERROR("\"\xC0\x80\"", "overlong");
  EXPECT_PARSE_ERROR("\"\xE0\x80\xAF\"", "overlong");
  EXPECT_PARSE_ERROR("\"\xED\xA0\x80\"", "surrogate");
  EXPECT_PARSE_ERROR("\"\xF4\x90\x80\x80\"", "above U+10FFFF");
  EXPECT_PARSE_ERROR("\"\xC3\"", "invalid UTF-8 continuation");
  EXPECT_PARSE_ERROR("\"\xE4\xB8", "truncated UTF-8");
  EXPECT_PARSE_ERROR("\"\x80\"", "invalid UTF-8 lead byte");
}

TEST(Json, ObjectsKeepInsertionOrder) {
  js::Value v = js::parse(R"({"zeta": 1, "alpha": [true, null], "mid": {"x": "y"}})");
  ASSERT_TRUE(v.is_object());
  const js::Members& m = v.as_object();
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].first, "zeta");
  EXPECT_EQ(m[1].first, "alpha");
  EXPECT_EQ(m[2].first, "mid");
  EXPECT_EQ(v.find("alpha")->size(), 2u);
  EXPECT_TRUE(v.find("alpha")->as_array()[1].is_null());
  EXPECT_EQ(v.find("mid")->find("x")->as_string(), "y");
  EXPECT_EQ(v.find("nope"), nullptr);
  EXPECT_EQ(js::parse("{}").size(), 0u);
  EXPECT_EQ(js::parse("[ ]").size(), 0u);
}

TEST(Json, RejectsDuplicateKeys) {
  EXPECT_PARSE_ERROR(R"({"a": 1, "b": 2, "a": 3})", "duplicate object key \"a\" at byte 17");
  // Same key in different objects is fine.
  EXPECT_NO_THROW(js::parse(R"({"a": {"a": 1}, "b": {"a": 2}})"));
}

TEST(Json, ErrorsNameTheByteOffsetAndExpectation) {
  EXPECT_PARSE_ERROR(R"({"a":1 "b":2})", "expected ',' or '}' after an object member at byte 7, found '\"'");
  EXPECT_PARSE_ERROR("[1, 2", "expected ',' or ']' after an array element at byte 5, found the end of input");
  EXPECT_PARSE_ERROR("[1,]", "expected a value");
  EXPECT_PARSE_ERROR(R"({"a":1,})", "expected a string key at byte 7");
  EXPECT_PARSE_ERROR(R"({a:1})", "expected a string key at byte 1");
  EXPECT_PARSE_ERROR(R"({"a" 1})", "expected ':' after an object key at byte 5");
  EXPECT_PARSE_ERROR("[1] [2]", "the end of input after the JSON value at byte 4");
  EXPECT_PARSE_ERROR("\x01", "found byte 0x01");
  EXPECT_PARSE_ERROR("\"a\"\v", "found byte 0x0b");  // vertical tab is not JSON whitespace
}

TEST(Json, NestingDepthLimit) {
  auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_NO_THROW(js::parse(nested(128)));
  EXPECT_PARSE_ERROR(nested(129), "nesting deeper than the limit of 128");
  js::ParseOptions opt;
  opt.max_depth = 3;
  EXPECT_NO_THROW(js::parse(R"({"a":[{}]})", opt));
  EXPECT_NE(parse_error(R"({"a":[{"b":[1]}]})", opt).find("limit of 3"), std::string::npos);
  // A hostile input far deeper than the stack could take still fails cleanly.
  EXPECT_PARSE_ERROR(std::string(1000000, '['), "nesting deeper");
}

TEST(Json, AccessorsCheckTheType) {
  js::Value v = js::parse(R"({"s": "x", "n": 1})");
  EXPECT_THROW(v.as_array(), Error);
  EXPECT_THROW(v.find("s")->as_double(), Error);
  EXPECT_THROW(v.find("n")->as_string(), Error);
  try {
    v.find("n")->as_bool();
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected boolean, got number"), std::string::npos) << e.what();
  }
}

TEST(Json, DumpCompact) {
  js::Value v = js::Value::object();
  v.set("b", js::Value(1));
  v.set("a", js::Value::array({js::Value(true), js::Value(), js::Value(-2.5), js::Value("s")}));
  v.set("c", js::Value::object());
  v.set("b", js::Value(int64_t{9007199254740993}));  // replaces in place, keeps position
  EXPECT_EQ(js::dump(v), R"({"b":9007199254740993,"a":[true,null,-2.5,"s"],"c":{}})");
  EXPECT_EQ(js::parse(js::dump(v)), v);
}

TEST(Json, DumpIndented) {
  js::Value v = js::parse(R"({"a":[1,2],"b":{},"c":{"d":null}})");
  EXPECT_EQ(js::dump(v, 2), "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": {\n    \"d\": null\n  }\n}");
  EXPECT_EQ(js::parse(js::dump(v, 2)), v);
}

TEST(Json, DumpEscapesStrings) {
  std::string s = std::string("q\"b\\n\n\t\x01\x1f/\xC3\xA9", 12);
  s += '\0';
  std::string out = js::dump(js::Value(s));
  EXPECT_EQ(out, "\"q\\\"b\\\\n\\n\\t\\u0001\\u001f/\xC3\xA9\\u0000\"");
  EXPECT_EQ(js::parse(out).as_string(), s);
}

TEST(Json, DumpDoublesShortestAndExact) {
  EXPECT_EQ(js::dump(js::Value(0.1)), "0.1");
  EXPECT_EQ(js::dump(js::Value(1e300)), "1e+300");
  EXPECT_EQ(js::dump(js::Value(-0.0)), "-0");
  EXPECT_EQ(js::dump(js::Value(2.0)), "2");
  // Random bit patterns (finite) round-trip bit for bit.
  std::mt19937_64 gen(7);
  for (int i = 0; i < 2000; ++i) {
    uint64_t bits = gen();
    double d;
    std::memcpy(&d, &bits, 8);
    if (!std::isfinite(d)) continue;
    double back = js::parse(js::dump(js::Value(d))).as_double();
    EXPECT_EQ(std::memcmp(&back, &d, 8), 0) << js::dump(js::Value(d));
  }
}

TEST(Json, IntegerConstructors) {
  EXPECT_EQ(js::dump(js::Value(3u)), "3");
  EXPECT_EQ(js::dump(js::Value(-7LL)), "-7");
  EXPECT_EQ(js::dump(js::Value(static_cast<short>(-2))), "-2");
  EXPECT_TRUE(js::Value(uint64_t{1} << 62).is_int64());
  js::Value huge(~uint64_t{0});  // beyond int64: kept as a double
  EXPECT_FALSE(huge.is_int64());
  EXPECT_EQ(huge.as_double(), 18446744073709551615.0);
  EXPECT_TRUE(js::Value(true).is_bool());
}

TEST(Json, DumpRejectsNanAndInfinity) {
  EXPECT_THROW(js::dump(js::Value(std::nan(""))), Error);
  EXPECT_THROW(js::dump(js::Value::array({js::Value(HUGE_VAL)})), Error);
}
