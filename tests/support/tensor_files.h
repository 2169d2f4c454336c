// tensor_files.h - comparing the tensors of two safetensors files in tests
// (a resumed training run against an uninterrupted one, and the like).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>

#include "engine/safetensors.h"

namespace upres::testing {

// Every tensor of the two files, by name, bit for bit (fatal on the first difference).
inline void expect_same_tensors(const std::filesystem::path& a, const std::filesystem::path& b) {
  auto ta = upres::read_safetensors(a.string()).tensor_map();
  auto tb = upres::read_safetensors(b.string()).tensor_map();
  ASSERT_EQ(ta.size(), tb.size());
  for (auto& [name, t] : ta) {
    ASSERT_TRUE(tb.count(name)) << name;
    ASSERT_EQ(t.to_vector(), tb.at(name).to_vector()) << name << " differs between " << a << " and " << b;
  }
}

}  // namespace upres::testing
