// rng.h - a small, seedable, portable random number generator.
//
// std::uniform_real_distribution and friends may give different numbers on
// different standard libraries, which would break "same seed, same weights".
// So upres carries its own: PCG32 (O'Neill 2014, the XSH-RR output function on a
// 64-bit LCG), with floats built from the top 24 bits and normals by Box-Muller.
// Its whole state is two 64-bit words, saved in checkpoints for exact resumes.
#pragma once

#include <cmath>
#include <cstdint>

namespace upres {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0x853c49e6748fea9bULL, uint64_t stream = 0xda3e39cb94b95bdbULL) {
    seed_(seed, stream);
  }
  // 32 uniformly distributed bits.
  uint32_t next_u32() {
    uint64_t old = state_;
    state_ = old * 6364136223846793005ULL + inc_;
    uint32_t xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = static_cast<uint32_t>(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
  }
  // Uniform in [0, 1), exactly representable float (24 bits).
  float uniform() { return static_cast<float>(next_u32() >> 8) * (1.0f / 16777216.0f); }
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
  // Integer in [0, n), without modulo bias (Lemire's rejection is overkill here; we
  // use the simple threshold method).
  uint32_t below(uint32_t n) {
    uint32_t threshold = (0u - n) % n;
    for (;;) {
      uint32_t r = next_u32();
      if (r >= threshold) return r % n;
    }
  }
  // Standard normal by Box-Muller (uses two uniforms per call; no cached spare, so
  // the state alone determines the future).
  float normal() {
    double u1 = (static_cast<double>(next_u32()) + 1.0) / 4294967297.0;  // (0, 1)
    double u2 = static_cast<double>(next_u32()) / 4294967296.0;
    return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
  }
  uint64_t state() const { return state_; }
  uint64_t increment() const { return inc_; }
  void restore(uint64_t state, uint64_t inc) { state_ = state; inc_ = inc | 1u; }

 private:
  void seed_(uint64_t seed, uint64_t stream) {
    state_ = 0;
    inc_ = (stream << 1u) | 1u;
    next_u32();
    state_ += seed;
    next_u32();
  }
  uint64_t state_ = 0, inc_ = 1;
};

}  // namespace upres
