// fuzz_loss_spec.cpp - libFuzzer target: parse arbitrary text as a loss spec.
//
// parse_loss_spec must return terms with finite non-negative weights or throw
// upres::Error with the caret message; a crash, a hang or a sanitizer report is a
// finding. Only the parser runs: no feature network is loaded.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/error.h"
#include "losses/spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;  // a spec is one command-line value
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    upres::losses::LossSpec spec = upres::losses::parse_loss_spec(text);
    for (const auto& t : spec.terms) {
      if (!std::isfinite(t.weight) || t.weight < 0) __builtin_trap();
      (void)t.label();
    }
  } catch (const upres::Error&) {
  }
  return 0;
}
