// json.cpp - recursive-descent parser and writer for engine/json.h.
//
// The grammar (RFC 8259), which the parser follows function by function:
//   value  = object | array | string | number | "true" | "false" | "null"
//   object = "{" [ string ":" value *( "," string ":" value ) ] "}"
//   array  = "[" [ value *( "," value ) ] "]"
//   number = [ "-" ] ( "0" | 1-9 *DIGIT ) [ "." 1*DIGIT ] [ ( "e" | "E" ) [ "+" | "-" ] 1*DIGIT ]
//   string = '"' *( unescaped UTF-8 | "\" escape ) '"'    (no raw control characters)
//   whitespace = space, tab, CR, LF only
#include "engine/json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <unordered_set>

#include "engine/error.h"

namespace upres::json {

const char* to_string(Type t) {
  switch (t) {
    case Type::null: return "null";
    case Type::boolean: return "boolean";
    case Type::number: return "number";
    case Type::string: return "string";
    case Type::array: return "array";
    case Type::object: return "object";
  }
  return "?";
}

// ---- Value -----------------------------------------------------------------------------

Value Value::array(Array items) {
  Value v;
  v.type_ = Type::array;
  v.arr_ = std::move(items);
  return v;
}

Value Value::object(Members members) {
  Value v;
  v.type_ = Type::object;
  v.obj_ = std::move(members);
  return v;
}

namespace {
void expect_type(Type have, Type want) {
  if (have != want) UPRES_FAIL("json: expected ", to_string(want), ", got ", to_string(have));
}
}  // namespace

bool Value::as_bool() const { expect_type(type_, Type::boolean); return bool_; }
double Value::as_double() const { expect_type(type_, Type::number); return num_; }
int64_t Value::as_int64() const {
  expect_type(type_, Type::number);
  UPRES_CHECK(is_int_, "json: expected an integer that fits in 64 bits, got the number ", num_);
  return int_;
}
const std::string& Value::as_string() const { expect_type(type_, Type::string); return str_; }
const Array& Value::as_array() const { expect_type(type_, Type::array); return arr_; }
Array& Value::as_array() { expect_type(type_, Type::array); return arr_; }
const Members& Value::as_object() const { expect_type(type_, Type::object); return obj_; }
Members& Value::as_object() { expect_type(type_, Type::object); return obj_; }

const Value* Value::find(std::string_view key) const {
  for (auto& m : as_object())
    if (m.first == key) return &m.second;
  return nullptr;
}

Value& Value::set(std::string key, Value v) {
  for (auto& m : as_object())
    if (m.first == key) return m.second = std::move(v);
  obj_.emplace_back(std::move(key), std::move(v));
  return obj_.back().second;
}

Value& Value::push_back(Value v) {
  as_array().push_back(std::move(v));
  return arr_.back();
}

std::size_t Value::size() const {
  if (type_ == Type::array) return arr_.size();
  if (type_ == Type::object) return obj_.size();
  UPRES_FAIL("json: size() of a ", to_string(type_), ", expected an array or object");
}

bool Value::operator==(const Value& o) const {
  if (type_ != o.type_) return false;
  switch (type_) {
    case Type::null: return true;
    case Type::boolean: return bool_ == o.bool_;
    case Type::number:
      return is_int_ && o.is_int_ ? int_ == o.int_ : num_ == o.num_;
    case Type::string: return str_ == o.str_;
    case Type::array: return arr_ == o.arr_;
    case Type::object: return obj_ == o.obj_;
  }
  return false;
}

// ---- parser ----------------------------------------------------------------------------

namespace {

class Parser {
 public:
  Parser(std::string_view text, const ParseOptions& opt) : s_(text), opt_(opt) {}

  Value parse_document() {
    skip_ws();
    Value v = parse_value(0);
    skip_ws();
    if (pos_ != s_.size()) fail("the end of input after the JSON value");
    return v;
  }

 private:
  std::string_view s_;
  const ParseOptions& opt_;
  std::size_t pos_ = 0;

  // "found 'x'", "found byte 0x07", "found the end of input".
  std::string found() const {
    if (pos_ >= s_.size()) return "the end of input";
    unsigned char c = static_cast<unsigned char>(s_[pos_]);
    if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
    static const char* hex = "0123456789abcdef";
    return std::string("byte 0x") + hex[c >> 4] + hex[c & 15];
  }
  [[noreturn]] void fail(const std::string& expected) const {
    UPRES_FAIL("json: expected ", expected, " at byte ", pos_, ", found ", found());
  }
  [[noreturn]] void fail_at(std::size_t at, const std::string& what) const {
    UPRES_FAIL("json: ", what, " at byte ", at);
  }

  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[pos_]; }

  void skip_ws() {
    while (!at_end() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }

  void expect_literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) fail(std::string("'") + std::string(word) + "'");
    pos_ += word.size();
  }

  Value parse_value(int depth) {
    switch (peek()) {
      case '{': return parse_object(depth + 1);
      case '[': return parse_array(depth + 1);
      case '"': return Value(parse_string());
      case 't': expect_literal("true"); return Value(true);
      case 'f': expect_literal("false"); return Value(false);
      case 'n': expect_literal("null"); return Value();
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return parse_number();
        fail("a value (object, array, string, number, true, false or null)");
    }
  }

  void check_depth(int depth) const {
    if (depth > opt_.max_depth)
      fail_at(pos_, "nesting deeper than the limit of " + std::to_string(opt_.max_depth) + " levels");
  }

  Value parse_object(int depth) {
    check_depth(depth);
    ++pos_;  // '{'
    Value obj = Value::object();
    Members& members = obj.as_object();
    std::unordered_set<std::string> seen;  // duplicate detection in O(1) per key
    skip_ws();
    if (peek() == '}') { ++pos_; return obj; }
    for (;;) {
      skip_ws();
      if (peek() != '"') fail("a string key");
      std::size_t key_at = pos_;
      std::string key = parse_string();
      if (!seen.insert(key).second) fail_at(key_at, "duplicate object key \"" + key + "\"");
      skip_ws();
      if (peek() != ':') fail("':' after an object key");
      ++pos_;
      skip_ws();
      Value v = parse_value(depth);
      members.emplace_back(std::move(key), std::move(v));
      skip_ws();
      if (peek() == ',') { ++pos_; continue; }
      if (peek() == '}') { ++pos_; return obj; }
      fail("',' or '}' after an object member");
    }
  }

  Value parse_array(int depth) {
    check_depth(depth);
    ++pos_;  // '['
    Value arr = Value::array();
    skip_ws();
    if (peek() == ']') { ++pos_; return arr; }
    for (;;) {
      skip_ws();
      arr.as_array().push_back(parse_value(depth));
      skip_ws();
      if (peek() == ',') { ++pos_; continue; }
      if (peek() == ']') { ++pos_; return arr; }
      fail("',' or ']' after an array element");
    }
  }

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  Value parse_number() {
    std::size_t start = pos_;
    bool integral = true;
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
      if (is_digit(peek())) fail("'.', 'e' or the end of the number after a leading 0 (no leading zeros)");
    } else if (is_digit(peek())) {
      while (is_digit(peek())) ++pos_;
    } else {
      fail("a digit");
    }
    if (peek() == '.') {
      integral = false;
      ++pos_;
      if (!is_digit(peek())) fail("a digit after the decimal point");
      while (is_digit(peek())) ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!is_digit(peek())) fail("a digit in the exponent");
      while (is_digit(peek())) ++pos_;
    }
    std::string_view lit = s_.substr(start, pos_ - start);
    if (integral) {
      // Exact int64 when it fits; otherwise fall through to a double.
      int64_t iv = 0;
      auto r = std::from_chars(lit.data(), lit.data() + lit.size(), iv);
      if (r.ec == std::errc() && r.ptr == lit.data() + lit.size()) return Value(iv);
    }
    double d = 0.0;
    auto r = std::from_chars(lit.data(), lit.data() + lit.size(), d);  // locale-independent, exact
    if (r.ec == std::errc::result_out_of_range) {
      // from_chars reports both 1e999 (overflow) and 1e-999 (underflow) this way.
      // Underflow is a legal JSON number that reads as zero; overflow has no double.
      if (decimal_magnitude(lit) < 0) return Value(lit[0] == '-' ? -0.0 : 0.0);
      fail_at(start, "number " + std::string(lit) + " is out of the range of a double");
    }
    if (r.ec != std::errc() || r.ptr != lit.data() + lit.size()) fail_at(start, "malformed number " + std::string(lit));
    return Value(d);
  }

  // The decimal exponent of the leading significant digit of a (valid, nonzero)
  // number literal: 123.4 -> 2, 0.05 -> -2, 5e-400 -> -400.
  static int64_t decimal_magnitude(std::string_view lit) {
    std::size_t i = lit[0] == '-' ? 1 : 0;
    int64_t mag = 0;
    bool seen_nonzero = false;
    bool after_point = false;
    for (; i < lit.size() && lit[i] != 'e' && lit[i] != 'E'; ++i) {
      if (lit[i] == '.') { after_point = true; continue; }
      if (!seen_nonzero) {
        if (lit[i] != '0') { seen_nonzero = true; if (after_point) --mag; }
        else if (after_point) --mag;
      } else if (!after_point) {
        ++mag;
      }
    }
    int64_t exp = 0;
    if (i < lit.size()) {
      ++i;
      bool neg = lit[i] == '-';
      if (lit[i] == '-' || lit[i] == '+') ++i;
      for (; i < lit.size(); ++i) exp = std::min<int64_t>(exp * 10 + (lit[i] - '0'), 1000000);
      if (neg) exp = -exp;
    }
    return mag + exp;
  }

  unsigned hex4() {
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = peek();
      unsigned d;
      if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
      else fail("4 hex digits after \\u");
      v = v * 16 + d;
      ++pos_;
    }
    return v;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // Copies one UTF-8 encoded character starting at pos_, validating it: no
  // overlong forms, no UTF-16 surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
  void copy_utf8_char(std::string& out) {
    std::size_t at = pos_;
    unsigned char c = static_cast<unsigned char>(s_[pos_]);
    int extra;
    unsigned cp, min;
    if (c < 0x80) { out += static_cast<char>(c); ++pos_; return; }
    if ((c & 0xE0) == 0xC0) { extra = 1; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { extra = 2; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { extra = 3; cp = c & 0x07; min = 0x10000; }
    else fail_at(at, "invalid UTF-8 lead byte in a string");
    for (int i = 1; i <= extra; ++i) {
      if (at + i >= s_.size()) fail_at(at, "truncated UTF-8 sequence in a string");
      unsigned char cc = static_cast<unsigned char>(s_[at + i]);
      if ((cc & 0xC0) != 0x80) fail_at(at, "invalid UTF-8 continuation byte in a string");
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min) fail_at(at, "overlong UTF-8 encoding in a string");
    if (cp >= 0xD800 && cp <= 0xDFFF) fail_at(at, "UTF-8 encoded surrogate in a string");
    if (cp > 0x10FFFF) fail_at(at, "UTF-8 code point above U+10FFFF in a string");
    out.append(s_.substr(at, static_cast<std::size_t>(extra) + 1));
    pos_ = at + static_cast<std::size_t>(extra) + 1;
  }

  std::string parse_string() {
    ++pos_;  // opening quote
    std::string out;
    for (;;) {
      if (at_end()) fail("'\"' to close the string");
      char c = s_[pos_];
      if (c == '"') { ++pos_; return out; }
      if (static_cast<unsigned char>(c) < 0x20) fail("an escaped control character (raw control characters are not allowed in strings)");
      if (c != '\\') { copy_utf8_char(out); continue; }
      std::size_t esc_at = pos_;
      ++pos_;
      switch (peek()) {
        case '"': out += '"'; ++pos_; break;
        case '\\': out += '\\'; ++pos_; break;
        case '/': out += '/'; ++pos_; break;
        case 'b': out += '\b'; ++pos_; break;
        case 'f': out += '\f'; ++pos_; break;
        case 'n': out += '\n'; ++pos_; break;
        case 'r': out += '\r'; ++pos_; break;
        case 't': out += '\t'; ++pos_; break;
        case 'u': {
          ++pos_;
          unsigned cp = hex4();
          if (cp >= 0xDC00 && cp <= 0xDFFF) fail_at(esc_at, "lone low surrogate \\u escape");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            // A high surrogate must be followed by \u and a low surrogate.
            if (s_.substr(pos_, 2) != "\\u") fail_at(esc_at, "high surrogate \\u escape not followed by a low surrogate");
            pos_ += 2;
            unsigned lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) fail_at(esc_at, "high surrogate \\u escape not followed by a low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default: fail("an escape character (one of \" \\ / b f n r t u) after '\\'");
      }
    }
  }
};

}  // namespace

Value parse(std::string_view text, const ParseOptions& options) {
  return Parser(text, options).parse_document();
}

// ---- writer ----------------------------------------------------------------------------

void append_quoted(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += ch;  // UTF-8 passes through unchanged
        }
    }
  }
  out += '"';
}

namespace {

void append_number(std::string& out, const Value& v) {
  char buf[64];
  std::to_chars_result r;
  if (v.is_int64()) {
    r = std::to_chars(buf, buf + sizeof buf, v.as_int64());
  } else {
    double d = v.as_double();
    UPRES_CHECK(std::isfinite(d), "json: cannot write the number ", d, ": JSON has no NaN or infinity");
    r = std::to_chars(buf, buf + sizeof buf, d);  // shortest round-trip form
  }
  out.append(buf, r.ptr);
}

void newline(std::string& out, int indent, int level) {
  if (indent < 0) return;
  out += '\n';
  out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(level), ' ');
}

void write(std::string& out, const Value& v, int indent, int level) {
  switch (v.type()) {
    case Type::null: out += "null"; return;
    case Type::boolean: out += v.as_bool() ? "true" : "false"; return;
    case Type::number: append_number(out, v); return;
    case Type::string: append_quoted(out, v.as_string()); return;
    case Type::array: {
      const Array& a = v.as_array();
      out += '[';
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out += ',';
        newline(out, indent, level + 1);
        write(out, a[i], indent, level + 1);
      }
      if (!a.empty()) newline(out, indent, level);
      out += ']';
      return;
    }
    case Type::object: {
      const Members& m = v.as_object();
      out += '{';
      for (std::size_t i = 0; i < m.size(); ++i) {
        if (i) out += ',';
        newline(out, indent, level + 1);
        append_quoted(out, m[i].first);
        out += indent < 0 ? ":" : ": ";
        write(out, m[i].second, indent, level + 1);
      }
      if (!m.empty()) newline(out, indent, level);
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string dump(const Value& v, int indent) {
  std::string out;
  write(out, v, indent, 0);
  return out;
}

}  // namespace upres::json
