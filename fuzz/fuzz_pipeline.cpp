// fuzz_pipeline.cpp - libFuzzer target: parse arbitrary text as a degradation pipeline.
//
// parse_degrade_pipeline must return a pipeline or throw upres::Error naming the
// bad token; a crash, a hang or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "data/degrade.h"
#include "engine/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;  // a pipeline is one command-line value
  std::string spec(reinterpret_cast<const char*>(data), size);
  try {
    upres::data::DegradePipeline p = upres::data::parse_degrade_pipeline(spec);
    (void)p;
  } catch (const upres::Error&) {
  }
  return 0;
}
