// fuzz_safetensors.cpp - libFuzzer target: parse arbitrary bytes as a safetensors file.
//
// parse_safetensors must either return tensors that lie inside the file or throw
// upres::Error. Every accepted tensor is read in full (so ASan sees any read past
// the buffer) and serialised again, which must parse back to the same names.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/error.h"
#include "engine/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    upres::SafetensorsData st = upres::parse_safetensors(bytes, "fuzz");
    double sum = 0;
    for (const auto& [name, t] : st.tensors) {
      const float* p = t.data();
      for (std::int64_t i = 0; i < t.numel(); ++i) sum += p[i];
    }
    (void)sum;
    const std::string again = upres::serialize_safetensors(st.tensors, st.metadata);
    upres::SafetensorsData back = upres::parse_safetensors(again, "fuzz-roundtrip");
    if (back.tensors.size() != st.tensors.size()) __builtin_trap();
  } catch (const upres::Error&) {
  }
  return 0;
}
