// test_vmath.cpp - the vectorisable exp and tanh of kernels/cpu/vmath.h against
// the C library in double precision, in units in the last place (ulp) of the
// correctly rounded float result, over a regular sample of float bit patterns.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels/cpu/vmath.h"

namespace {

float from_bits(uint32_t b) {
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
}

// |got - exact| in ulps of the float nearest to exact.
double ulps(float got, double exact) {
  const float r = static_cast<float>(exact);
  const double ulp = std::nextafter(std::fabs(r), std::numeric_limits<float>::infinity()) - std::fabs(r);
  return std::fabs(static_cast<double>(got) - exact) / ulp;
}

// Every 257th float of [lo, hi], both signs handled by walking the bit patterns.
template <typename F>
double worst_ulps(float lo, float hi, F&& f, float* where) {
  double worst = 0;
  for (uint32_t b = 0; b < 0x7f800000u; b += 257) {
    for (float x : {from_bits(b), -from_bits(b)}) {
      if (x < lo || x > hi) continue;
      const double e = f(x);
      if (e > worst) worst = e, *where = x;
    }
  }
  return worst;
}

}  // namespace

TEST(Vmath, ExpWithinTwoUlpOnItsRange) {
  float at = 0;
  const double w = worst_ulps(-87.0f, 88.0f, [](float x) { return ulps(upres::cpu::exp_f32(x), std::exp(double(x))); }, &at);
  EXPECT_LE(w, 2.0) << "at x = " << at;
}

TEST(Vmath, TanhWithinTwoUlpEverywhere) {
  float at = 0;
  const double w = worst_ulps(-1e30f, 1e30f, [](float x) { return ulps(upres::cpu::tanh_f32(x), std::tanh(double(x))); }, &at);
  EXPECT_LE(w, 2.0) << "at x = " << at;
  EXPECT_EQ(upres::cpu::tanh_f32(0.0f), 0.0f);
  EXPECT_EQ(upres::cpu::tanh_f32(1e-30f), 1e-30f);
  EXPECT_EQ(upres::cpu::tanh_f32(std::numeric_limits<float>::infinity()), 1.0f);
  EXPECT_EQ(upres::cpu::tanh_f32(-std::numeric_limits<float>::infinity()), -1.0f);
  EXPECT_TRUE(std::isnan(upres::cpu::tanh_f32(std::numeric_limits<float>::quiet_NaN())));
}
