// text_fixture.h - read a plain-text fixture of named number lists.
//
// Format: one record per line, `key v1 v2 ...`; '#' starts a comment line.
// Numbers are parsed with strtod, so "inf" and "nan" work. Used by tests whose
// reference values were computed offline (e.g. with PyTorch) by a script kept
// next to the fixture under tests/fixtures/<topic>/.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace upres::testing {

using TextFixture = std::map<std::string, std::vector<double>>;

// Loads UPRES_SOURCE_DIR/<relative>; an unreadable file gives an empty map (and a test failure).
inline TextFixture load_text_fixture(const std::string& relative) {
  TextFixture f;
  const std::string path = std::string(UPRES_SOURCE_DIR) + "/" + relative;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read fixture " << path;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string key, tok;
    ls >> key;
    std::vector<double>& v = f[key];
    while (ls >> tok) v.push_back(std::strtod(tok.c_str(), nullptr));
  }
  return f;
}

// The record `key`, or an empty vector and a test failure.
inline const std::vector<double>& record(const TextFixture& f, const std::string& key) {
  static const std::vector<double> none;
  auto it = f.find(key);
  EXPECT_NE(it, f.end()) << "fixture has no record '" << key << "'";
  return it == f.end() ? none : it->second;
}

// |actual - expected| <= atol + rtol * |expected| elementwise, with a message naming the element.
inline ::testing::AssertionResult all_close(const std::vector<float>& actual, const std::vector<double>& expected,
                                            double rtol, double atol) {
  if (actual.size() != expected.size())
    return ::testing::AssertionFailure() << "sizes differ: " << actual.size() << " vs " << expected.size();
  for (size_t i = 0; i < actual.size(); ++i) {
    const double d = std::fabs(static_cast<double>(actual[i]) - expected[i]);
    if (!(d <= atol + rtol * std::fabs(expected[i])))
      return ::testing::AssertionFailure() << "element " << i << ": " << actual[i] << " vs expected "
                                           << expected[i] << " (diff " << d << ")";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace upres::testing
