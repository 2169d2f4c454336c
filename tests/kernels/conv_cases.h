// conv_cases.h - what the CPU convolution kernel tests share: building a
// ConvShape, naming it in failure messages, random data, the largest difference.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/shapes/conv.h"

namespace upres::testing::conv {

inline kern::ConvShape make_shape(int64_t N, int64_t Cin, int64_t H, int64_t W, int64_t Cout, int64_t KH,
                                  int64_t KW, int64_t stride, int64_t pad, int64_t dil, int64_t groups) {
  kern::ConvShape s;
  s.N = N, s.Cin = Cin, s.H = H, s.W = W, s.Cout = Cout, s.KH = KH, s.KW = KW;
  s.stride_h = s.stride_w = stride;
  s.pad_h = s.pad_w = pad;
  s.dilation_h = s.dilation_w = dil;
  s.groups = groups;
  s.set_output_size();
  return s;
}

inline std::string name(const kern::ConvShape& s) {
  std::ostringstream os;
  os << "N" << s.N << " Cin" << s.Cin << " " << s.H << "x" << s.W << " Cout" << s.Cout << " k" << s.KH << "x"
     << s.KW << " s" << s.stride_h << "," << s.stride_w << " p" << s.pad_h << "," << s.pad_w << " d"
     << s.dilation_h << "," << s.dilation_w << " g" << s.groups;
  return os.str();
}

// n values uniform in [-1, 1).
inline std::vector<float> rand_vec(int64_t n, std::mt19937& gen) {
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = d(gen);
  return v;
}

inline double max_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(double(a[i]) - b[i]));
  return m;
}

}  // namespace upres::testing::conv
