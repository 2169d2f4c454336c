// peaks.h - the machine's memory-bandwidth peak, measured, and the GB/s counters built on it.
//
// A kernel that moves B bytes in t seconds runs at B / t GB/s; what that number means depends
// on what the memory system can do at all. The peak used here is measured in the same process,
// STREAM-style (McCalpin's copy and triad, re-written plainly): arrays of 3 x 32 MiB floats,
// far larger than any cache, so every byte comes from DRAM:
//   copy   a[i] = b[i]            8 B per element (4 read + 4 written), 0 FLOPs
//   triad  a[i] = b[i] + s * c[i] 12 B per element, 2 FLOPs: what most kernels here look like
// (Write-allocate traffic - the cache line of a[i] read before it is written - is not counted,
// as in STREAM; kernels below count their bytes the same way, so the ratio is fair.)
// Each is run 7 times at the asked thread count and the median kept, once per process and
// thread count. UPRES_PEAK_GBS=<GB/s per thread> skips the measurement (scaled by threads).
//
// The compute peak is bench/counters.h's peak_gflops (a 1024^3 SGEMM through cpu::gemm).
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <vector>

namespace upres::bench {

enum class Stream { copy, triad };

inline double measure_stream_gbs(Stream kind, int threads, int runs = 7) {
  const int64_t n = (32 << 20) / 4;  // 32 MiB per array
  std::vector<float> a(n, 0.0f), b(n, 1.0f), c(n, 2.0f);
  std::vector<double> rates;
  for (int r = 0; r < runs + 1; ++r) {  // run 0 touches the pages and starts the threads
    const auto t0 = std::chrono::steady_clock::now();
    if (kind == Stream::copy) {
#pragma omp parallel for num_threads(threads) schedule(static)
      for (int64_t i = 0; i < n; ++i) a[i] = b[i];
    } else {
#pragma omp parallel for num_threads(threads) schedule(static)
      for (int64_t i = 0; i < n; ++i) a[i] = b[i] + 0.5f * c[i];
    }
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
    const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
    const double bytes = (kind == Stream::copy ? 8.0 : 12.0) * static_cast<double>(n);
    if (r > 0) rates.push_back(bytes * 1e-9 / dt.count());
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

// The triad bandwidth at `threads` threads (GB/s): the denominator of every %bw counter.
inline double peak_gbs(int threads) {
  if (const char* env = std::getenv("UPRES_PEAK_GBS")) {
    const double per_thread = std::atof(env);
    if (per_thread > 0) return per_thread * threads;
  }
  static std::map<int, double> cache;
  auto it = cache.find(threads);
  if (it == cache.end()) it = cache.emplace(threads, measure_stream_gbs(Stream::triad, threads)).first;
  return it->second;
}

// GB/s over all iterations and, when peak > 0, %bw (its share of the peak) and the peak itself.
inline void report_bytes(benchmark::State& state, double bytes_per_iteration, double seconds,
                         double peak = 0.0) {
  if (seconds <= 0.0) return;
  const double gbs = bytes_per_iteration * static_cast<double>(state.iterations()) * 1e-9 / seconds;
  state.counters["GB/s"] = gbs;
  if (peak > 0.0) {
    state.counters["%bw"] = 100.0 * gbs / peak;
    state.counters["bw"] = peak;
  }
}

}  // namespace upres::bench
