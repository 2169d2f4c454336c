// json.h - a small, strict JSON (RFC 8259) parser and writer.
//
// upres needs JSON for safetensors headers and for model descriptions; that
// asks for strictness more than speed: a header read from an untrusted file
// must either parse exactly or fail with a message that says where and why.
//
// A Value is null, a boolean, a number, a string, an array or an object.
//   - Objects keep their members in insertion (file) order, as a vector of
//     pairs; lookups are linear, which is right for the small objects we meet.
//     The parser rejects duplicate keys (RFC 8259 leaves them undefined; a
//     duplicate in a weight file is a corruption, not a feature).
//   - Numbers are kept as a double, and additionally as an exact int64 when
//     the literal is an integer that fits (no '.', no exponent): shapes and byte
//     offsets up to 2^63 - 1 survive exactly, which a double alone (53 bits)
//     would not guarantee. is_int64() says which.
//   - Strings are UTF-8. The parser validates UTF-8, decodes the escapes
//     \" \\ \/ \b \f \n \r \t and \uXXXX, joining surrogate pairs
//     (\uD83D\uDE00 is U+1F600) and rejecting lone surrogates.
//   - Nesting deeper than ParseOptions::max_depth is an error, so a hostile
//     "[[[[..." cannot exhaust the stack.
// Errors are upres::Error naming the byte offset and what was expected:
//   "json: expected ',' or '}' after an object member at byte 17, found 'x'".
//
// The writer emits compact JSON (no spaces) or indented JSON; numbers print as
// exact integers or as the shortest decimal that reads back to the same double;
// NaN and infinity have no JSON form and throw.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace upres::json {

class Value;
using Array = std::vector<Value>;
using Members = std::vector<std::pair<std::string, Value>>;

enum class Type : unsigned char { null, boolean, number, string, array, object };
const char* to_string(Type t);  // "null", "boolean", ...

class Value {
 public:
  Value() = default;  // null
  Value(std::nullptr_t) {}
  Value(bool b) : type_(Type::boolean), bool_(b) {}
  Value(double d) : type_(Type::number), num_(d) {}
  // Any integer type; exact (is_int64) unless an unsigned value exceeds INT64_MAX.
  template <typename I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  Value(I v)
      : type_(Type::number),
        num_(static_cast<double>(v)),
        int_(static_cast<int64_t>(v)),
        is_int_(!(std::is_unsigned_v<I> && static_cast<uint64_t>(v) > static_cast<uint64_t>(INT64_MAX))) {}
  Value(const char* s) : type_(Type::string), str_(s) {}
  Value(std::string s) : type_(Type::string), str_(std::move(s)) {}
  Value(std::string_view s) : type_(Type::string), str_(s) {}
  static Value array(Array items = {});
  static Value object(Members members = {});

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::null; }
  bool is_bool() const { return type_ == Type::boolean; }
  bool is_number() const { return type_ == Type::number; }
  bool is_string() const { return type_ == Type::string; }
  bool is_array() const { return type_ == Type::array; }
  bool is_object() const { return type_ == Type::object; }
  // A number that holds an exact int64 (an integer literal that fits, or built from one).
  bool is_int64() const { return type_ == Type::number && is_int_; }

  // Accessors throw upres::Error when the type is wrong ("json: expected a string, got number").
  bool as_bool() const;
  double as_double() const;
  int64_t as_int64() const;  // only when is_int64()
  const std::string& as_string() const;
  const Array& as_array() const;
  Array& as_array();
  const Members& as_object() const;
  Members& as_object();

  // Objects: the member's value, or nullptr. Linear search.
  const Value* find(std::string_view key) const;
  // Objects: replace the value of `key`, or append the member. Returns the value.
  Value& set(std::string key, Value v);
  // Arrays: append.
  Value& push_back(Value v);
  // Arrays and objects: element count.
  std::size_t size() const;

  bool operator==(const Value& o) const;
  bool operator!=(const Value& o) const { return !(*this == o); }

 private:
  Type type_ = Type::null;
  bool bool_ = false;
  double num_ = 0.0;
  int64_t int_ = 0;
  bool is_int_ = false;
  std::string str_;
  Array arr_;
  Members obj_;
};

struct ParseOptions {
  int max_depth = 128;  // arrays/objects nested deeper than this are rejected
};

// Parses exactly one JSON value; only whitespace (space, tab, CR, LF) may
// surround it. Throws upres::Error with the byte offset on any deviation.
Value parse(std::string_view text, const ParseOptions& options = {});

// Serialises `v`. indent < 0: compact; otherwise pretty with that many spaces per level.
std::string dump(const Value& v, int indent = -1);

// Appends `s` as a JSON string literal (quotes and escapes) to `out`.
void append_quoted(std::string& out, std::string_view s);

}  // namespace upres::json
