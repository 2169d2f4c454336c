// counters.h - GFLOP/s and share of peak, for the Google Benchmark programs.
//
// Timing: benchmarks here time each iteration themselves (UseManualTime) with a
// steady clock, because OpenMP workers make CPU time meaningless and because a
// backward benchmark must leave its forward out. FlopTimer adds up that time, so
// GFLOP/s and %peak are plain numbers, not per-second rates.
//
// "Share of peak" needs a peak. The honest one for this code is what its own
// GEMM reaches on large square matrices (bench_gemm_cpu measures it in full):
// a convolution lowered to GEMM cannot beat it. peak_gflops(threads) runs a short
// 1024^3 SGEMM (2.15 GFLOP, ~25 ms per run on one core) five times at that thread
// count and keeps the median, once per process and thread count. Set UPRES_PEAK_GFLOPS to the
// one-thread peak (GFLOP/s) to skip the measurement; it is scaled by `threads`.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <vector>

#include "kernels/context.h"
#include "kernels/cpu/gemm.h"

namespace upres::bench {

using Clock = std::chrono::steady_clock;

// Times one iteration: construct, run the work, stop() reports it to the State.
class FlopTimer {
 public:
  void start() { t0_ = Clock::now(); }
  void stop(benchmark::State& state) {
    std::chrono::duration<double> dt = Clock::now() - t0_;
    state.SetIterationTime(dt.count());
    seconds_ += dt.count();
  }
  double seconds() const { return seconds_; }

 private:
  Clock::time_point t0_;
  double seconds_ = 0.0;
};

inline double measure_gemm_gflops(int threads, int64_t n = 1024, int runs = 5) {
  std::vector<float> a(static_cast<size_t>(n * n), 0.5f), b(a.size(), 0.25f), c(a.size());
  kern::Context ctx;
  ctx.threads = threads;
  std::vector<double> gflops;
  for (int r = 0; r < runs + 1; ++r) {  // the first run warms caches and the thread pool
    auto t0 = Clock::now();
    cpu::gemm(ctx, false, false, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);
    std::chrono::duration<double> dt = Clock::now() - t0;
    if (r > 0) gflops.push_back(2.0 * n * n * n * 1e-9 / dt.count());
  }
  std::sort(gflops.begin(), gflops.end());
  return gflops[gflops.size() / 2];  // the median: one lucky or unlucky run does not set it
}

inline double peak_gflops(int threads) {
  if (const char* env = std::getenv("UPRES_PEAK_GFLOPS")) {
    double per_thread = std::atof(env);
    if (per_thread > 0) return per_thread * threads;
  }
  static std::map<int, double> cache;
  auto it = cache.find(threads);
  if (it == cache.end()) it = cache.emplace(threads, measure_gemm_gflops(threads)).first;
  return it->second;
}

// GFLOP/s over all iterations and, when peak > 0, %peak and the peak itself.
inline void report_flops(benchmark::State& state, double flops_per_iteration, double seconds,
                         double peak = 0.0) {
  if (seconds <= 0.0) return;
  const double gflops = flops_per_iteration * static_cast<double>(state.iterations()) * 1e-9 / seconds;
  state.counters["GFLOP/s"] = gflops;
  if (peak > 0.0) {
    state.counters["%peak"] = 100.0 * gflops / peak;
    state.counters["peak"] = peak;
  }
}

}  // namespace upres::bench
