// safetensors.cpp - validation, dtype conversion and serialisation for engine/safetensors.h.
//
// Reading is three steps, the same for a file and a buffer:
//   1. the 8-byte length and the header (bounded: <= 100 MB and inside the file),
//   2. parse_layout(): JSON -> a list of entries, every field and offset checked
//      against the data buffer's size - nothing is allocated for tensors yet,
//   3. per entry, allocate the f32 tensor and copy/convert its bytes.
#include "engine/safetensors.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <set>

#include "engine/error.h"
#include "engine/fileio.h"
#include "engine/float16.h"
#include "engine/json.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "upres's safetensors I/O assumes a little-endian host (as the format's data is)"
#endif

namespace upres {

// ---- SafetensorsData -------------------------------------------------------------------

bool SafetensorsData::contains(const std::string& name) const {
  for (auto& t : tensors)
    if (t.first == name) return true;
  return false;
}

const Tensor& SafetensorsData::at(const std::string& name) const {
  for (auto& t : tensors)
    if (t.first == name) return t.second;
  UPRES_FAIL("safetensors: no tensor named '", name, "' (", tensors.size(), " tensors in the file)");
}

std::map<std::string, Tensor> SafetensorsData::tensor_map() const {
  return std::map<std::string, Tensor>(tensors.begin(), tensors.end());
}

const char* safetensors_name(StoreDType d) {
  switch (d) {
    case StoreDType::f32: return "F32";
    case StoreDType::f16: return "F16";
    case StoreDType::bf16: return "BF16";
  }
  return "?";
}

namespace {

// ---- dtypes ----------------------------------------------------------------------------

enum class Kind { f32, f16, bf16, f64, i8, u8, i16, u16, i32, u32, i64, u64, boolean, unsupported };

struct DTypeInfo {
  const char* name;
  std::uint64_t size;  // bytes per element
  Kind kind;
};

// Every dtype of the format's specification; the last ones are known but not read.
const DTypeInfo kDTypes[] = {
    {"F32", 4, Kind::f32},      {"F16", 2, Kind::f16},          {"BF16", 2, Kind::bf16},
    {"F64", 8, Kind::f64},      {"I8", 1, Kind::i8},            {"U8", 1, Kind::u8},
    {"I16", 2, Kind::i16},      {"U16", 2, Kind::u16},          {"I32", 4, Kind::i32},
    {"U32", 4, Kind::u32},      {"I64", 8, Kind::i64},          {"U64", 8, Kind::u64},
    {"BOOL", 1, Kind::boolean}, {"F8_E4M3", 1, Kind::unsupported}, {"F8_E5M2", 1, Kind::unsupported},
    {"F8_E8M0", 1, Kind::unsupported}, {"F6_E2M3", 1, Kind::unsupported}, {"F6_E3M2", 1, Kind::unsupported},
    {"F4", 1, Kind::unsupported}, {"C64", 8, Kind::unsupported},
};

const DTypeInfo* find_dtype(const std::string& name) {
  for (auto& d : kDTypes)
    if (name == d.name) return &d;
  return nullptr;
}

template <typename T>
T load(const unsigned char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));  // unaligned-safe; the host is little-endian
  return v;
}

// Converts n elements of `kind` at `src` to float32 at `dst`.
void convert_to_f32(Kind kind, const unsigned char* src, float* dst, std::size_t n) {
  switch (kind) {
    case Kind::f32: std::memcpy(dst, src, n * 4); return;
    case Kind::f16: for (std::size_t i = 0; i < n; ++i) dst[i] = f16_to_f32(load<std::uint16_t>(src + 2 * i)); return;
    case Kind::bf16: for (std::size_t i = 0; i < n; ++i) dst[i] = bf16_to_f32(load<std::uint16_t>(src + 2 * i)); return;
    case Kind::f64: for (std::size_t i = 0; i < n; ++i) dst[i] = f64_to_f32(load<double>(src + 8 * i)); return;
    case Kind::i8: for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(load<std::int8_t>(src + i)); return;
    case Kind::u8: for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(src[i]); return;
    case Kind::i16: for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(load<std::int16_t>(src + 2 * i)); return;
    case Kind::u16: for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(load<std::uint16_t>(src + 2 * i)); return;
    case Kind::i32: for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(load<std::int32_t>(src + 4 * i)); return;
    case Kind::u32: for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(load<std::uint32_t>(src + 4 * i)); return;
    case Kind::i64: for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(load<std::int64_t>(src + 8 * i)); return;
    case Kind::u64: for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(load<std::uint64_t>(src + 8 * i)); return;
    case Kind::boolean: for (std::size_t i = 0; i < n; ++i) dst[i] = src[i] ? 1.0f : 0.0f; return;
    case Kind::unsupported: break;
  }
  UPRES_FAIL("safetensors: internal error, conversion from an unsupported dtype");
}

// ---- the header ------------------------------------------------------------------------

struct Entry {
  std::string name;
  const DTypeInfo* dtype = nullptr;
  Shape shape;
  std::uint64_t begin = 0, end = 0;  // within the data buffer
};

struct Layout {
  std::vector<Entry> entries;  // header order
  Metadata metadata;
};

// Reads a non-negative integer field element ("shape", "data_offsets").
std::uint64_t non_negative(const json::Value& v, const std::string& src, const std::string& name, const char* field) {
  UPRES_CHECK(v.is_int64(), "safetensors '", src, "': tensor '", name, "': ", field,
              " must hold integers, found a ", v.is_number() ? "non-integer or too large number" : to_string(v.type()));
  UPRES_CHECK(v.as_int64() >= 0, "safetensors '", src, "': tensor '", name, "': ", field,
              " holds the negative value ", v.as_int64());
  return static_cast<std::uint64_t>(v.as_int64());
}

Entry parse_entry(const std::string& name, const json::Value& v, const std::string& src) {
  const std::string where = "safetensors '" + src + "': tensor '" + name + "'";
  UPRES_CHECK(v.is_object(), where, ": expected an object {dtype, shape, data_offsets}, found a ",
              to_string(v.type()));
  Entry e;
  e.name = name;

  const json::Value* dt = v.find("dtype");
  UPRES_CHECK(dt, where, ": missing \"dtype\"");
  UPRES_CHECK(dt->is_string(), where, ": \"dtype\" must be a string, found a ", to_string(dt->type()));
  const json::Value* sh = v.find("shape");
  UPRES_CHECK(sh, where, ": missing \"shape\"");
  UPRES_CHECK(sh->is_array(), where, ": \"shape\" must be an array, found a ", to_string(sh->type()));
  const json::Value* off = v.find("data_offsets");
  UPRES_CHECK(off, where, ": missing \"data_offsets\"");
  UPRES_CHECK(off->is_array() && off->size() == 2, where, ": \"data_offsets\" must be an array [begin, end], found ",
              json::dump(*off));
  // Other members are ignored, as the reference implementation does.

  e.dtype = find_dtype(dt->as_string());
  UPRES_CHECK(e.dtype, where, ": unknown dtype \"", dt->as_string(), "\"");
  UPRES_CHECK(e.dtype->kind != Kind::unsupported, where, ": unsupported dtype ", e.dtype->name,
              " (upres reads F32, F16, BF16, F64, integer and BOOL tensors)");

  // numel and byte count, with overflow checks: both must fit comfortably in 63 bits.
  const std::uint64_t limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::uint64_t numel = 1;
  for (auto& d : sh->as_array()) {
    std::uint64_t n = non_negative(d, src, name, "\"shape\"");
    e.shape.push_back(static_cast<std::int64_t>(n));
    if (n != 0 && numel > limit / n)
      UPRES_FAIL(where, ": shape ", json::dump(*sh), " has more elements than fit in 64 bits");
    numel *= n;
  }
  UPRES_CHECK(numel <= limit / e.dtype->size, where, ": shape ", json::dump(*sh), " of ", e.dtype->name,
              " needs more bytes than fit in 64 bits");
  std::uint64_t nbytes = numel * e.dtype->size;

  e.begin = non_negative(off->as_array()[0], src, name, "\"data_offsets\"");
  e.end = non_negative(off->as_array()[1], src, name, "\"data_offsets\"");
  UPRES_CHECK(e.begin <= e.end, where, ": data_offsets [", e.begin, ", ", e.end, "] end before they begin");
  UPRES_CHECK(e.end - e.begin == nbytes, where, ": data_offsets [", e.begin, ", ", e.end, "] span ",
              e.end - e.begin, " bytes, but shape ", json::dump(*sh), " of ", e.dtype->name, " needs ", nbytes);
  return e;
}

Layout parse_layout(std::string_view header, std::uint64_t data_size, const std::string& src) {
  json::Value root;
  try {
    root = json::parse(header);
  } catch (const Error& err) {
    UPRES_FAIL("safetensors '", src, "': the header is not valid JSON: ", err.what());
  }
  UPRES_CHECK(root.is_object(), "safetensors '", src, "': the header must be a JSON object, found a ",
              to_string(root.type()));

  Layout layout;
  for (auto& [key, value] : root.as_object()) {
    if (key == "__metadata__") {
      if (value.is_null()) continue;
      UPRES_CHECK(value.is_object(), "safetensors '", src, "': \"__metadata__\" must be an object of strings, found a ",
                  to_string(value.type()));
      for (auto& [mk, mv] : value.as_object()) {
        UPRES_CHECK(mv.is_string(), "safetensors '", src, "': \"__metadata__\" must map strings to strings, but \"",
                    mk, "\" holds a ", to_string(mv.type()));
        layout.metadata[mk] = mv.as_string();
      }
      continue;
    }
    layout.entries.push_back(parse_entry(key, value, src));
  }

  // The tensors must tile the data buffer: sorted by offset, each begins where
  // the previous ended, the first at 0 and the last at the buffer's end.
  std::vector<const Entry*> order;
  for (auto& e : layout.entries) {
    UPRES_CHECK(e.end <= data_size, "safetensors '", src, "': tensor '", e.name, "' has data_offsets [", e.begin,
                ", ", e.end, "] but the data buffer holds only ", data_size,
                " bytes (the file is truncated or the offsets are out of range)");
    order.push_back(&e);
  }
  std::sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  std::uint64_t covered = 0;
  const Entry* prev = nullptr;
  for (const Entry* e : order) {
    if (e->begin < covered)
      UPRES_FAIL("safetensors '", src, "': tensors '", prev->name, "' [", prev->begin, ", ", prev->end, ") and '",
                 e->name, "' [", e->begin, ", ", e->end, ") overlap");
    if (e->begin > covered)
      UPRES_FAIL("safetensors '", src, "': bytes [", covered, ", ", e->begin, ") of the data buffer belong to no tensor",
                 " (a hole before '", e->name, "'; the format requires contiguous data)");
    covered = e->end;
    prev = e;
  }
  UPRES_CHECK(covered == data_size, "safetensors '", src, "': the data buffer has ", data_size,
              " bytes but the tensors cover only ", covered, " (trailing bytes belong to no tensor)");
  return layout;
}

// The shared reading procedure; read(offset, dst, n) reads from the file or buffer.
template <typename ReadFn>
SafetensorsData load(std::uint64_t total, const ReadFn& read, const std::string& src) {
  UPRES_CHECK(total >= 8, "safetensors '", src, "': the file is ", total,
              " bytes, shorter than the 8-byte header length");
  unsigned char len[8];
  read(0, len, 8);
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | len[i];  // little-endian
  UPRES_CHECK(n <= kSafetensorsMaxHeader, "safetensors '", src, "': header length ", n, " is over the limit of ",
              kSafetensorsMaxHeader, " bytes (not a safetensors file?)");
  UPRES_CHECK(n <= total - 8, "safetensors '", src, "': header length ", n, " runs past the end of the file (",
              total, " bytes)");
  std::string header(static_cast<std::size_t>(n), '\0');
  read(8, header.data(), header.size());

  const std::uint64_t data_start = 8 + n;
  Layout layout = parse_layout(header, total - data_start, src);

  SafetensorsData out;
  out.metadata = std::move(layout.metadata);
  std::vector<unsigned char> raw;
  for (const Entry& e : layout.entries) {
    Tensor t = Tensor::empty(e.shape, Device::cpu);
    std::size_t numel = static_cast<std::size_t>(t.numel());
    std::size_t nbytes = static_cast<std::size_t>(e.end - e.begin);
    if (e.dtype->kind == Kind::f32) {
      read(data_start + e.begin, t.data(), nbytes);
    } else {
      raw.resize(nbytes);
      read(data_start + e.begin, raw.data(), nbytes);
      convert_to_f32(e.dtype->kind, raw.data(), t.data(), numel);
    }
    out.stored_dtype[e.name] = e.dtype->name;
    out.tensors.emplace_back(e.name, std::move(t));
  }
  return out;
}

}  // namespace

SafetensorsData read_safetensors(const std::string& path) {
  InputFile f(path);
  auto read = [&f](std::uint64_t off, void* dst, std::size_t n) {
    if (n) f.read_at(off, dst, n);
  };
  return load(f.size(), read, path);
}

SafetensorsData parse_safetensors(std::string_view bytes, const std::string& source) {
  auto read = [&bytes](std::uint64_t off, void* dst, std::size_t n) {
    // load() validated every range against bytes.size() before reading it.
    if (n) std::memcpy(dst, bytes.data() + off, n);
  };
  return load(bytes.size(), read, source);
}

// ---- writing ---------------------------------------------------------------------------

std::string serialize_safetensors(const NamedTensors& tensors, const Metadata& metadata, StoreDType dtype) {
  const std::uint64_t esize = dtype == StoreDType::f32 ? 4 : 2;
  std::set<std::string> names;
  for (auto& [name, t] : tensors) {
    UPRES_CHECK(name != "__metadata__", "safetensors: \"__metadata__\" is reserved and cannot name a tensor");
    UPRES_CHECK(names.insert(name).second, "safetensors: the tensor name '", name, "' appears twice");
    UPRES_CHECK(t.defined(), "safetensors: tensor '", name, "' is undefined");
  }
  std::vector<const std::pair<std::string, Tensor>*> order;
  for (auto& nt : tensors) order.push_back(&nt);
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->first < b->first; });

  json::Value header = json::Value::object();
  json::Members& members = header.as_object();
  if (!metadata.empty()) {
    json::Value meta = json::Value::object();
    for (auto& [k, v] : metadata) meta.as_object().emplace_back(k, json::Value(v));  // std::map: sorted
    members.emplace_back("__metadata__", std::move(meta));
  }
  std::uint64_t offset = 0;
  for (auto* nt : order) {
    const Tensor& t = nt->second;
    json::Value shape = json::Value::array();
    for (int64_t d : t.shape()) shape.push_back(json::Value(d));
    std::uint64_t nbytes = static_cast<std::uint64_t>(t.numel()) * esize;
    json::Value entry = json::Value::object({
        {"dtype", json::Value(safetensors_name(dtype))},
        {"shape", std::move(shape)},
        {"data_offsets", json::Value::array({json::Value(static_cast<int64_t>(offset)),
                                             json::Value(static_cast<int64_t>(offset + nbytes))})},
    });
    members.emplace_back(nt->first, std::move(entry));
    offset += nbytes;
  }
  std::string text = json::dump(header);
  text.append((8 - text.size() % 8) % 8, ' ');  // pad so that the data starts 8-byte aligned

  std::string out;
  out.reserve(8 + text.size() + offset);
  std::uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) out += static_cast<char>((n >> (8 * i)) & 0xFF);
  out += text;
  for (auto* nt : order) {
    std::vector<float> v = nt->second.to_vector();
    if (dtype == StoreDType::f32) {
      out.append(reinterpret_cast<const char*>(v.data()), v.size() * 4);
      continue;
    }
    for (float x : v) {
      std::uint16_t h = dtype == StoreDType::f16 ? f32_to_f16(x) : f32_to_bf16(x);
      out += static_cast<char>(h & 0xFF);
      out += static_cast<char>(h >> 8);
    }
  }
  return out;
}

void write_safetensors(const std::string& path, const NamedTensors& tensors, const Metadata& metadata,
                       StoreDType dtype) {
  std::string bytes;
  try {
    bytes = serialize_safetensors(tensors, metadata, dtype);
  } catch (const Error& err) {
    UPRES_FAIL("cannot write '", path, "': ", err.what());
  }
  write_file_atomic(path, bytes);
}

}  // namespace upres
