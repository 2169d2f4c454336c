// sgemm_parity.h - the checks of the hand-written SGEMM (kernels/cuda/sgemm.h), shared by
// tests/parity (simt, every scheduling order) and tests/gpu (cuda, label gpu).
//
// Each case draws A, B and C, stores them with the asked-for transposes and leading dimensions,
// runs one sgemm version on the device and cpu::gemm_reference (a triple loop in double) on the
// host, and compares:
//   - every element of C within the floating-point error bound of a K-term float sum,
//       |got - want| <= 2 (K + 3) 2^-24 (|alpha| sum_k |a_ik b_kj| + |beta c_ij|),
//     which no correct summation order exceeds and any wrong index does (a missing or doubled
//     term moves the result by ~|a b|, far more);
//   - the padding of C (columns past N of each row) bit for bit: a kernel must not write there.
// A and B padding and the element before a misaligned operand hold NaN, so a kernel that reads
// outside its operands poisons the result; with beta == 0 all of C starts as NaN (BLAS: C is not
// read).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/dispatch.h"
#include "engine/tensor.h"
#include "kernels/cpu/gemm.h"
#include "kernels/simt/runtime.h"

namespace upres::testing::sgemm {

// The signature of upres::{simt,cuda}::sgemm.
using SgemmFn = void (*)(const kern::Context&, int, bool, bool, int64_t, int64_t, int64_t, float,
                         const float*, int64_t, const float*, int64_t, float, float*, int64_t);

struct Size {
  int64_t M, N, K;
};

// How an operand is laid out: `pad` extra floats per stored row, and the first element `offset`
// floats past a 64-byte aligned allocation (offset 1 defeats the float4 path).
struct Layout {
  int64_t pad, offset;
  const char* name;
};

// Tight rows; rows padded to a multiple of 4 plus 4 (aligned: the float4 path); rows padded by 3
// and the matrix 4 bytes past alignment (the scalar fallback).
inline std::vector<Layout> layouts() {
  return {{0, 0, "tight"}, {-1, 0, "padded-aligned"}, {3, 1, "padded-misaligned"}};
}

inline int64_t row_pad(const Layout& l, int64_t cols) { return l.pad >= 0 ? l.pad : (4 - cols % 4) % 4 + 4; }

// A stored rows x cols matrix with its layout: host values (NaN in padding and offset) and ld.
struct Stored {
  std::vector<float> host;
  int64_t ld = 0, offset = 0;
};

inline Stored make_stored(int64_t rows, int64_t cols, const Layout& l, uint32_t seed) {
  Stored s;
  s.ld = cols + row_pad(l, cols);
  if (s.ld < 1) s.ld = 1;
  s.offset = l.offset;
  s.host.assign(static_cast<size_t>(s.offset + rows * s.ld), std::numeric_limits<float>::quiet_NaN());
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) s.host[s.offset + r * s.ld + c] = dist(gen);
  return s;
}

struct Case {
  Size size;
  bool ta, tb;
  Layout layout;
  float alpha, beta;

  std::string describe(int version) const {
    return "sgemm v" + std::to_string(version) + " " + (ta ? "T" : "N") + (tb ? "T" : "N") + " M=" +
           std::to_string(size.M) + " N=" + std::to_string(size.N) + " K=" + std::to_string(size.K) +
           " " + layout.name + " alpha=" + std::to_string(alpha) + " beta=" + std::to_string(beta);
  }
};

// Every transpose and layout of every size, cycling through (alpha, beta) pairs: overwrite
// (beta 0, C starts NaN), scale and add, accumulate.
inline std::vector<Case> cases(const std::vector<Size>& sizes) {
  const float ab[3][2] = {{1.0f, 0.0f}, {-0.5f, 0.75f}, {2.0f, 1.0f}};
  std::vector<Case> out;
  int i = 0;
  for (const Size& s : sizes)
    for (int t = 0; t < 4; ++t)
      for (const Layout& l : layouts()) {
        out.push_back({s, (t & 1) != 0, (t & 2) != 0, l, ab[i % 3][0], ab[i % 3][1]});
        ++i;
      }
  return out;
}

// One case, run under each of `orders` (simt) or once (orders empty).
inline void check_case(Device dev, SgemmFn fn, int version, const Case& c,
                       const std::vector<simt::Options>& orders) {
  const int64_t M = c.size.M, N = c.size.N, K = c.size.K;
  const Stored a = c.ta ? make_stored(K, M, c.layout, 1) : make_stored(M, K, c.layout, 1);
  const Stored b = c.tb ? make_stored(N, K, c.layout, 2) : make_stored(K, N, c.layout, 2);
  Stored cm = make_stored(M, N, c.layout, 3);
  if (c.beta == 0.0f) std::fill(cm.host.begin(), cm.host.end(), std::numeric_limits<float>::quiet_NaN());
  const float* A = a.host.data() + a.offset;
  const float* B = b.host.data() + b.offset;
  std::vector<float> want = cm.host;
  cpu::gemm_reference(kernel_context(Device::cpu), c.ta, c.tb, M, N, K, c.alpha, A, a.ld, B, b.ld,
                      c.beta, want.data() + cm.offset, cm.ld);
  // The error bound of each element (file comment).
  std::vector<double> bound(static_cast<size_t>(M * N));
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double s = 0.0;
      for (int64_t k = 0; k < K; ++k)
        s += std::fabs(double(c.ta ? A[k * a.ld + i] : A[i * a.ld + k]) *
                       double(c.tb ? B[j * b.ld + k] : B[k * b.ld + j]));
      const double cij = c.beta == 0.0f ? 0.0 : cm.host[cm.offset + i * cm.ld + j];
      bound[i * N + j] = 2.0 * (K + 3) * std::ldexp(1.0, -24) *
                         (std::fabs(c.alpha) * s + std::fabs(double(c.beta) * cij));
    }
  auto to_dev = [&](const std::vector<float>& v) {
    return Tensor::from_vector({static_cast<int64_t>(v.size())}, v, dev);
  };
  auto run = [&](const std::string& label) {
    const std::string what = c.describe(version) + " on " + label;
    Tensor ta = to_dev(a.host), tb = to_dev(b.host), tc = to_dev(cm.host);
    fn(kernel_context(dev), version, c.ta, c.tb, M, N, K, c.alpha, ta.data() + a.offset, a.ld,
       tb.data() + b.offset, b.ld, c.beta, tc.data() + cm.offset, cm.ld);
    const std::vector<float> got = tc.to_vector();
    int reported = 0;
    for (size_t idx = 0; idx < got.size(); ++idx) {
      const int64_t e = static_cast<int64_t>(idx) - cm.offset, i = e / cm.ld, j = e % cm.ld;
      const bool inside = e >= 0 && j < N;
      bool ok;
      if (inside)
        ok = std::fabs(double(got[idx]) - want[idx]) <= bound[i * N + j];  // NaN fails
      else
        ok = std::memcmp(&got[idx], &cm.host[idx], sizeof(float)) == 0;
      if (!ok && reported++ < 5)
        ADD_FAILURE() << what << ": " << (inside ? "C(" : "padding of C (") << i << ", " << j
                      << ") is " << got[idx] << ", expected " << want[idx];
    }
  };
  if (orders.empty()) {
    run(to_string(dev));
    return;
  }
  for (const simt::Options& o : orders) {
    simt::ScopedOptions scope(o);
    run(std::string(to_string(dev)) + " order " + simt::to_string(o.order) +
        (o.order == simt::Order::random ? ":" + std::to_string(o.seed) : "") + ", " +
        std::to_string(o.threads) + " OS thread(s)");
  }
}

inline void check_version(Device dev, SgemmFn fn, int version, const std::vector<Size>& sizes,
                          const std::vector<simt::Options>& orders) {
  for (const Case& c : cases(sizes)) check_case(dev, fn, version, c, orders);
}

// Odd sizes for the emulator: a single element, sizes below one tile of every version, K
// spanning many K-steps with a 3-wide C, more than one 128-tile in M and N, and K = 0 (C = beta C).
inline std::vector<Size> small_sizes() {
  return {{1, 1, 1}, {7, 9, 13}, {33, 65, 17}, {70, 3, 130}, {131, 133, 9}, {5, 3, 0}};
}

// Bigger ones for a real GPU: many blocks, partial tiles on every side, a long K with a thin C.
// (The host reference costs ~2 M*N*K double operations per case: keep M*N*K below ~10^8.)
inline std::vector<Size> gpu_sizes() {
  std::vector<Size> s = small_sizes();
  s.push_back({257, 511, 129});
  s.push_back({1000, 17, 300});
  s.push_back({1031, 1029, 33});
  return s;
}

}  // namespace upres::testing::sgemm
