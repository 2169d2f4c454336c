// resample_fixtures.h - reads the PyTorch reference values of
// tests/fixtures/resample/ and rebuilds the inputs they were computed from.
//
// The inputs are integer formulas (see make_fixtures.py), evaluated in double
// and rounded to float exactly as NumPy does, so both sides see the same bits.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace upres::testing {

// x[i] = ((i * mult) % mod) / mod * 2 - 1, as float32.
inline Tensor ramp(const Shape& shape, int64_t mult, int64_t mod) {
  std::vector<float> v(static_cast<size_t>(shape_numel(shape)));
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<float>(static_cast<double>((static_cast<int64_t>(i) * mult) % mod) / mod * 2.0 - 1.0);
  return Tensor::from_vector(shape, v);
}
inline Tensor fixture_input(const Shape& s) { return ramp(s, 7919, 1009); }
inline Tensor fixture_grad(const Shape& s) { return ramp(s, 104729, 1013); }
// v[c] = a + b * c, as float32.
inline Tensor per_channel(int64_t c, double a, double b) {
  std::vector<float> v(static_cast<size_t>(c));
  for (int64_t k = 0; k < c; ++k) v[static_cast<size_t>(k)] = static_cast<float>(a + b * k);
  return Tensor::from_vector({c}, v);
}

struct FixtureCase {
  std::vector<std::string> header;  // the words after "case"
  std::map<std::string, std::vector<float>> arrays;
  std::string name() const {
    std::string s;
    for (const auto& w : header) s += (s.empty() ? "" : " ") + w;
    return s;
  }
  int64_t num(size_t k) const { return std::stoll(header.at(k)); }
  const std::vector<float>& at(const std::string& key) const {
    auto it = arrays.find(key);
    if (it == arrays.end()) throw std::runtime_error("fixture case '" + name() + "' has no array " + key);
    return it->second;
  }
};

inline std::vector<FixtureCase> load_fixture(const std::string& file) {
  std::string path = std::string(UPRES_SOURCE_DIR) + "/tests/fixtures/resample/" + file;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::vector<FixtureCase> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string key, word;
    ls >> key;
    if (key == "case") {
      cases.emplace_back();
      while (ls >> word) cases.back().header.push_back(word);
    } else if (!cases.empty()) {
      std::vector<float>& v = cases.back().arrays[key];
      while (ls >> word) v.push_back(std::stof(word));
    }
  }
  EXPECT_FALSE(cases.empty()) << path << " holds no cases";
  return cases;
}

// |got - want| <= atol + rtol * |want| everywhere, reporting the first misfits.
inline ::testing::AssertionResult all_close(const Tensor& got, const std::vector<float>& want, double atol = 1e-5,
                                            double rtol = 1e-5) {
  std::vector<float> g = got.to_vector();
  if (g.size() != want.size())
    return ::testing::AssertionFailure() << "size " << g.size() << " vs reference " << want.size();
  std::ostringstream os;
  int bad = 0;
  for (size_t i = 0; i < g.size(); ++i) {
    if (!(std::fabs(static_cast<double>(g[i]) - want[i]) <= atol + rtol * std::fabs(want[i]))) {
      if (++bad <= 5) os << "\n  [" << i << "] got " << g[i] << ", reference " << want[i];
    }
  }
  if (bad) return ::testing::AssertionFailure() << bad << " of " << g.size() << " values differ:" << os.str();
  return ::testing::AssertionSuccess();
}

// Runs f, which must throw upres::Error whose message contains every one of `words`.
template <typename F>
::testing::AssertionResult throws_with(F&& f, const std::vector<std::string>& words) {
  try {
    f();
  } catch (const std::exception& e) {
    std::string msg = e.what();
    for (const auto& w : words)
      if (msg.find(w) == std::string::npos)
        return ::testing::AssertionFailure() << "message lacks '" << w << "': " << msg;
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no exception";
}

}  // namespace upres::testing
