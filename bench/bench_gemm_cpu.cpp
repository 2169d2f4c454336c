// bench_gemm_cpu.cpp - the machine's FP32 peak, as large square SGEMMs reach it.
//
// C = A * B with A, B, C n x n, row-major, through cpu::gemm (Eigen's blocked
// GEMM), at 1 and 2 threads. Napkin math for n = 1024:
//   FLOPs  = 2 n^3            = 2.15 GFLOP (one multiply and one add per term)
//   bytes  = 3 n^2 * 4        = 12.6 MB    (each matrix touched once, ideally)
//   intensity ~ n / 6         = 170 FLOP/byte: compute bound, so GFLOP/s here is
//                               the practical peak the conv benchmarks compare with.
// Theoretical: a Zen 4 core retires 2 x 8-wide FP32 FMAs a cycle = 32 FLOP/cycle;
// at ~3 GHz that is ~100 GFLOP/s per core. Eigen usually reaches 60-90% of it.
//
// The transposed variants are the shapes convolution backward uses (A^T B for the
// data gradient, A B^T for the weight gradient); the reference triple loop at
// n = 256 shows what blocking and vectorisation buy.
//
//   build/release/bench/bench_gemm_cpu --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "bench/counters.h"
#include "kernels/context.h"
#include "kernels/cpu/gemm.h"

namespace {

std::vector<float> random_matrix(int64_t n, uint32_t seed) {
  std::vector<float> m(static_cast<size_t>(n * n));
  uint32_t s = seed;
  for (float& v : m) {  // a small LCG: the values do not matter, only that they are not denormal
    s = s * 1664525u + 1013904223u;
    v = static_cast<float>(s >> 8) / 16777216.0f - 0.5f;
  }
  return m;
}

// Args: {n, threads, trans_a, trans_b}.
void BM_Sgemm(benchmark::State& state) {
  const int64_t n = state.range(0);
  upres::kern::Context ctx;
  ctx.threads = static_cast<int>(state.range(1));
  const bool ta = state.range(2) != 0, tb = state.range(3) != 0;
  std::vector<float> a = random_matrix(n, 1), b = random_matrix(n, 2), c(a.size());
  upres::bench::FlopTimer timer;
  for (auto _ : state) {
    timer.start();
    upres::cpu::gemm(ctx, ta, tb, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
    timer.stop(state);
  }
  upres::bench::report_flops(state, 2.0 * n * n * n, timer.seconds());
  state.counters["GFLOP/s/thread"] = state.counters["GFLOP/s"] / ctx.threads;
  state.SetLabel(std::string(ta ? "T" : "N") + (tb ? "T" : "N"));
}

void BM_SgemmReference(benchmark::State& state) {
  const int64_t n = state.range(0);
  upres::kern::Context ctx;
  ctx.threads = 1;
  std::vector<float> a = random_matrix(n, 1), b = random_matrix(n, 2), c(a.size());
  upres::bench::FlopTimer timer;
  for (auto _ : state) {
    timer.start();
    upres::cpu::gemm_reference(ctx, false, false, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f,
                               c.data(), n);
    benchmark::DoNotOptimize(c.data());
    timer.stop(state);
  }
  upres::bench::report_flops(state, 2.0 * n * n * n, timer.seconds());
}

// Wall-clock time (manual, bench/counters.h), not CPU time: the OpenMP worker
// threads' CPU time is not the main thread's.
// The median of 5 repetitions hides a neighbour's burst on the shared machine.
void Square(benchmark::internal::Benchmark* b) {
  for (int64_t threads : {1, 2})
    for (int64_t n : {512, 1024, 2048}) b->Args({n, threads, 0, 0});
  for (int64_t threads : {1, 2}) {
    b->Args({1024, threads, 1, 0});
    b->Args({1024, threads, 0, 1});
  }
}

BENCHMARK(BM_Sgemm)
    ->Apply(Square)
    ->ArgNames({"n", "threads", "ta", "tb"})
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->MinTime(0.3)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);

BENCHMARK(BM_SgemmReference)
    ->Arg(256)
    ->ArgNames({"n"})
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

}  // namespace

BENCHMARK_MAIN();
