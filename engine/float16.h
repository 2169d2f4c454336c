// float16.h - bit-exact conversions between float32 and the 16-bit formats.
//
//   format   sign  exponent (bias)  mantissa  largest finite    smallest subnormal
//   f16      1     5  (15)          10        65504             2^-24  (5.96e-8)
//   bf16     1     8  (127)         7         3.39e38           2^-133 (9.18e-41)
//   f32      1     8  (127)         23        3.40e38           2^-149 (1.40e-45)
//
// bf16 is the top half of an f32, so widening is a 16-bit shift. Widening f16
// is exact too (every f16 is an f32), but f16 subnormals (exponent field 0)
// become f32 normals and must be renormalised. Narrowing rounds to nearest,
// ties to even (IEEE 754's default, what numpy and PyTorch do), overflows to
// infinity, keeps signed zeros, infinities and NaN (NaN stays NaN: the top
// mantissa bits are kept and the quiet bit is set).
// f64 -> f32 is the same rule; written out so that out-of-range values are
// defined behaviour (a plain C++ cast of 1e300 to float is undefined).
#pragma once

#include <cstdint>

namespace upres {

float f16_to_f32(std::uint16_t h);
std::uint16_t f32_to_f16(float f);
float bf16_to_f32(std::uint16_t b);
std::uint16_t f32_to_bf16(float f);
float f64_to_f32(double d);

}  // namespace upres
