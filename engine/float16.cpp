// float16.cpp - see float16.h. All conversions work on the bit patterns.
#include "engine/float16.h"

#include <cstring>

namespace upres {

namespace {
std::uint32_t bits_of(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float float_of(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
}  // namespace

float f16_to_f32(std::uint16_t h) {
  std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  std::uint32_t exp = (h >> 10) & 0x1Fu;
  std::uint32_t mant = h & 0x3FFu;
  if (exp == 0x1F)  // infinity (mant 0) or NaN (payload kept in the top mantissa bits)
    return float_of(sign | 0x7F800000u | (mant << 13));
  if (exp == 0) {
    if (mant == 0) return float_of(sign);  // +-0
    // Subnormal: mant * 2^-24. Shift the leading 1 up to bit 10 (the implicit
    // bit of a normal number), lowering the exponent once per shift.
    int e = -1;
    do {
      mant <<= 1;
      ++e;
    } while ((mant & 0x400u) == 0);
    mant &= 0x3FFu;
    // After s = e + 1 shifts: value = 1.mant * 2^(-14 - s); f32 exponent field = 112 - e.
    return float_of(sign | (static_cast<std::uint32_t>(112 - e) << 23) | (mant << 13));
  }
  // Normal: rebias the exponent from 15 to 127 (+112).
  return float_of(sign | ((exp + 112) << 23) | (mant << 13));
}

std::uint16_t f32_to_f16(float f) {
  std::uint32_t x = bits_of(f);
  std::uint16_t sign = static_cast<std::uint16_t>((x >> 16) & 0x8000u);
  x &= 0x7FFFFFFFu;
  if (x >= 0x7F800000u) {  // infinity or NaN
    if (x == 0x7F800000u) return static_cast<std::uint16_t>(sign | 0x7C00u);
    return static_cast<std::uint16_t>(sign | 0x7E00u | ((x >> 13) & 0x3FFu));  // quiet NaN
  }
  // 65520 = 0x477FF000 is halfway between 65504 (largest f16) and 65536; the
  // tie goes to the even neighbour, 65536, i.e. infinity.
  if (x >= 0x477FF000u) return static_cast<std::uint16_t>(sign | 0x7C00u);
  if (x < 0x38800000u) {  // below 2^-14: an f16 subnormal or zero
    if (x < 0x33000000u) return sign;  // below 2^-25 (half the smallest subnormal): rounds to 0
    // value = m * 2^(e - 150) with m the 24-bit significand; in units of
    // 2^-24 that is m >> (126 - e). Round the dropped bits to nearest even.
    std::uint32_t e = x >> 23;
    std::uint32_t m = (x & 0x7FFFFFu) | 0x800000u;
    std::uint32_t shift = 126 - e;  // 14..24
    std::uint32_t h = m >> shift;
    std::uint32_t rem = m & ((1u << shift) - 1);
    std::uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (h & 1u))) ++h;  // may carry into the smallest normal: still right
    return static_cast<std::uint16_t>(sign | h);
  }
  // Normal: rebias (127 -> 15 is -112 in the exponent field) and drop 13 mantissa bits.
  std::uint32_t h = (x - 0x38000000u) >> 13;
  std::uint32_t rem = x & 0x1FFFu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;  // a carry may bump the exponent: correct
  return static_cast<std::uint16_t>(sign | h);
}

float bf16_to_f32(std::uint16_t b) { return float_of(static_cast<std::uint32_t>(b) << 16); }

std::uint16_t f32_to_bf16(float f) {
  std::uint32_t x = bits_of(f);
  if ((x & 0x7FFFFFFFu) > 0x7F800000u)  // NaN: keep it NaN whatever the payload
    return static_cast<std::uint16_t>((x >> 16) | 0x0040u);
  // Round to nearest even on the low 16 bits; a carry can overflow into infinity, as it should.
  std::uint32_t lsb = (x >> 16) & 1u;
  return static_cast<std::uint16_t>((x + 0x7FFFu + lsb) >> 16);
}

float f64_to_f32(double d) {
  std::uint64_t u;
  std::memcpy(&u, &d, 8);
  std::uint32_t sign = static_cast<std::uint32_t>(u >> 32) & 0x80000000u;
  std::uint64_t a = u & 0x7FFFFFFFFFFFFFFFull;
  if (a > 0x7FF0000000000000ull)  // NaN: quiet, top 22 payload bits kept
    return float_of(sign | 0x7FC00000u | static_cast<std::uint32_t>((a >> 29) & 0x3FFFFFu));
  // 2^128 - 2^103 (0x47EFFFFFF0000000) is halfway between FLT_MAX and 2^128;
  // the tie rounds to even (2^128), i.e. infinity. Infinity itself lands here too.
  if (a >= 0x47EFFFFFF0000000ull) return float_of(sign | 0x7F800000u);
  // Now |d| < FLT_MAX + half an ulp: the cast is defined and rounds to nearest even.
  float mag;
  double ad;
  std::memcpy(&ad, &a, 8);
  if (ad > 3.4028234663852886e38) mag = 3.4028234663852886e38f;
  else mag = static_cast<float>(ad);
  return float_of(sign | bits_of(mag));
}

}  // namespace upres
