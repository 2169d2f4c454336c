// safetensors.h - reading and writing the safetensors weight format.
//
// A safetensors file (https://github.com/huggingface/safetensors) is
//   [8 bytes]  N, the header length, unsigned little-endian
//   [N bytes]  a JSON object, UTF-8, padded with spaces:
//              { "__metadata__": {"key": "value", ...},          (optional, string -> string)
//                "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ... }
//   [rest]     the data buffer; tensor bytes are data[begin, end), row-major, little-endian.
// It holds no code (unlike pickle), so reading an untrusted file is safe as long
// as the reader validates everything; this one checks, and reports naming the
// file and the problem:
//   - a file shorter than 8 bytes; N beyond the end of the file or above 100 MB
//   - a header that is not JSON or not an object; duplicate keys
//   - an entry that is not an object, or whose dtype/shape/data_offsets is missing
//     or of the wrong type; an unknown or unsupported dtype
//   - negative or overflowing shapes; end - begin != numel * dtype size
//   - offsets past the data buffer (truncated file); tensors that overlap or
//     leave holes (the format requires the tensors to tile the buffer exactly)
//   - __metadata__ that is not an object of strings
// Sizes are validated before anything is allocated, and every allocation is
// bounded by the file's size, so a hostile file cannot trigger a huge allocation.
//
// dtypes. upres computes in float32, so every tensor is read into an f32 cpu Tensor:
//   F32            copied as is (bit-exact)
//   F16, BF16      widened exactly, bit by bit (engine/float16.h)
//   F64            rounded to nearest f32 (overflow -> inf; NaN stays NaN)
//   I8 U8 I16 U16 I32 U32 I64 U64
//                  converted to the nearest float (exact up to 2^24). This covers
//                  PyTorch's integer buffers such as BatchNorm's num_batches_tracked.
//   BOOL           0 -> 0.0, anything else -> 1.0
//   F8_*, F6_*, F4, C64 and others
//                  "unsupported dtype" error naming the tensor.
// The dtype each tensor had in the file is kept in SafetensorsData::stored_dtype.
//
// Writing produces the bytes that the reference implementation (the Rust crate
// behind the Python package) produces for the same tensors: compact JSON,
// "__metadata__" first, then the tensors sorted by name (the reference sorts by
// dtype alignment, then name; upres writes one dtype per file), data in that
// order, and the header padded with spaces to a multiple of 8 bytes. The
// reference writes metadata keys in hash-map order, which varies from run to
// run; upres sorts them, so equal inputs give equal files (byte-identical to the
// reference whenever there is at most one metadata key). Files are written
// atomically (engine/fileio.h).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/tensor.h"

namespace upres {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
using Metadata = std::map<std::string, std::string>;

// What a safetensors file holds, as read.
struct SafetensorsData {
  NamedTensors tensors;                           // f32 cpu tensors, in header order
  Metadata metadata;                              // the "__metadata__" object ({} if absent)
  std::map<std::string, std::string> stored_dtype;  // name -> dtype in the file ("F16", ...)

  bool contains(const std::string& name) const;
  const Tensor& at(const std::string& name) const;  // throws upres::Error naming the key
  std::map<std::string, Tensor> tensor_map() const;
};

// The dtype written for every tensor of a file.
enum class StoreDType : unsigned char { f32, f16, bf16 };
const char* safetensors_name(StoreDType d);  // "F32", "F16", "BF16"

// Largest header accepted by the readers, as in the reference implementation.
constexpr std::uint64_t kSafetensorsMaxHeader = 100'000'000;

// Reads a file. Tensors are copied straight from the file into their storage.
SafetensorsData read_safetensors(const std::string& path);
// Reads from bytes in memory; `source` names them in error messages.
SafetensorsData parse_safetensors(std::string_view bytes, const std::string& source = "<memory>");

// The bytes of a safetensors file holding `tensors` (any device) and `metadata`.
// An empty metadata map writes no "__metadata__" entry (as the reference does for None).
// Throws on duplicate names, the reserved name "__metadata__", or an undefined tensor.
std::string serialize_safetensors(const NamedTensors& tensors, const Metadata& metadata = {},
                                  StoreDType dtype = StoreDType::f32);
// serialize_safetensors, then write_file_atomic.
void write_safetensors(const std::string& path, const NamedTensors& tensors, const Metadata& metadata = {},
                       StoreDType dtype = StoreDType::f32);

}  // namespace upres
