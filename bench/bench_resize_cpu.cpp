// bench_resize_cpu.cpp - the data-pipeline kernels: MATLAB imresize passes
// (kernels/cpu/resize.h) and the dense 2-D blur filter (kernels/cpu/filter2d.h).
//
// Counters: GFLOP/s (2 FLOPs per tap per output sample) and GB/s of compulsory
// traffic (read the input once, write the output once). A resize pass does ~2
// FLOPs per byte at 4 taps, so it is memory bound; bicubic x1/4 (18 taps) and
// blur (169 taps) are compute bound. Sizes: one 512x512 RGB image, the size
// of a large benchmark HR image (BSD100 is 481x321, Set14 up to 720x576).
//
//   build/release/bench/bench_resize_cpu --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <vector>

#include "bench/counters.h"
#include "data/resize.h"
#include "kernels/cpu/filter2d.h"
#include "kernels/cpu/resize.h"

namespace {

using upres::bench::FlopTimer;

// state.range(0): 0 = height pass, 1 = width pass; range(1): scale x 100.
void BM_ResizePass(benchmark::State& state) {
  const bool width = state.range(0) == 1;
  const double scale = state.range(1) / 100.0;
  const int64_t n = 512, out = static_cast<int64_t>(n * scale + 0.999999);
  auto t = upres::data::resize_weights(n, out, scale, upres::data::ResizeKernel::bicubic, true);
  upres::kern::ResizeShape s;
  s.planes = 3;
  s.in_h = s.in_w = n;
  s.out_h = width ? n : out;
  s.out_w = width ? out : n;
  s.taps = t.taps;
  std::vector<float> x(static_cast<size_t>(3 * n * n), 0.5f), y(static_cast<size_t>(3 * s.out_h * s.out_w));
  upres::kern::Context ctx;
  ctx.threads = static_cast<int>(state.range(2));
  FlopTimer timer;
  for (auto _ : state) {
    timer.start();
    if (width)
      upres::cpu::resize_width_forward(ctx, s, x.data(), t.index.data(), t.weight.data(), y.data());
    else
      upres::cpu::resize_height_forward(ctx, s, x.data(), t.index.data(), t.weight.data(), y.data());
    benchmark::DoNotOptimize(y.data());
    timer.stop(state);
  }
  const double flops = 2.0 * s.macs() * state.iterations();
  const double bytes = 4.0 * (x.size() + y.size()) * state.iterations();
  state.counters["taps"] = static_cast<double>(t.taps);
  state.counters["GFLOP/s"] = flops * 1e-9 / timer.seconds();
  state.counters["GB/s"] = bytes * 1e-9 / timer.seconds();
}
BENCHMARK(BM_ResizePass)
    ->ArgNames({"width", "scale%", "threads"})
    ->ArgsProduct({{0, 1}, {25, 50, 200, 400}, {1, 2}})
    ->UseManualTime();

// range(0): kernel side; range(1): threads.
void BM_Filter2d(benchmark::State& state) {
  upres::kern::Filter2dShape s;
  s.planes = 3;
  s.H = s.W = 512;
  s.KH = s.KW = state.range(0);
  std::vector<float> x(static_cast<size_t>(3 * s.padded_h() * s.padded_w()), 0.5f);
  std::vector<float> k(static_cast<size_t>(s.KH * s.KW), 1.0f / (s.KH * s.KW)), y(static_cast<size_t>(3 * 512 * 512));
  upres::kern::Context ctx;
  ctx.threads = static_cast<int>(state.range(1));
  FlopTimer timer;
  for (auto _ : state) {
    timer.start();
    upres::cpu::filter2d_forward(ctx, s, x.data(), k.data(), y.data());
    benchmark::DoNotOptimize(y.data());
    timer.stop(state);
  }
  state.counters["GFLOP/s"] = 2.0 * s.macs() * state.iterations() * 1e-9 / timer.seconds();
}
BENCHMARK(BM_Filter2d)->ArgNames({"k", "threads"})->ArgsProduct({{7, 13, 21}, {1, 2}})->UseManualTime();

}  // namespace

BENCHMARK_MAIN();
