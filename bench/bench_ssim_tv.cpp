// bench_ssim_tv.cpp - the SSIM window kernels and fused total variation (kernels/cpu/ssim.h,
// kernels/cpu/tv.h; kernels/cuda/ssim.h, kernels/cuda/tv.h in a UPRES_CUDA=ON build with a GPU).
//
// Counters: GB/s of compulsory traffic (each input read once, each output written once) and its
// share of the machine's memory bandwidth (%bw), plus GFLOP/s where the kernel is compute bound.
// The cpu's bandwidth is measured here once (a 64 MiB triad a[i] = b[i] + s c[i], 24 B per
// element, median of 5; UPRES_PEAK_GBS overrides); the GPU's is the H100 SXM's 3350 GB/s
// (UPRES_GPU_PEAK_GBS overrides).
//
// Napkin math, a training batch of 16 x 3 crops of 128 x 128 (786k pixels):
//   tv forward: 4 B per pixel read, ~8 FP64 flops: 3.1 MB, memory bound (~0.2 ms at 15 GB/s on
//     one core; ~1 us of traffic on an H100, so a launch-latency bound ~10 us there);
//   tv backward: 4 B read + 4 B written per pixel: 6.3 MB;
//   ssim local_moments (float64, 11 taps): 16 B read, 40 B written per output, 1210 FLOPs
//     (5 quantities x 121 taps x 2) on cuda (direct taps^2 per output) and 5 x 22 x 2 = 220 on cpu
//     (separable): compute bound on both (~20 FLOP/B on the GPU);
//   ssim backward: pass 1 ~1240 FLOPs per position, pass 2 726 per pixel; 16 B read + 8 B written
//     per pixel plus 24 B per position of a, b, c written and read back.
//
//   build/release/bench/bench_ssim_tv --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "bench/counters.h"
#include "kernels/cpu/ssim.h"
#include "kernels/cpu/tv.h"

#if defined(UPRES_WITH_CUDA)
#include <cuda_runtime.h>

#include "engine/allocator.h"
#include "engine/backends.h"
#include "engine/dispatch.h"
#include "engine/tensor.h"
#include "kernels/cuda/ssim.h"
#include "kernels/cuda/tv.h"
#endif

namespace {

using upres::bench::FlopTimer;
using Clock = std::chrono::steady_clock;

double measure_cpu_gbs() {
  if (const char* env = std::getenv("UPRES_PEAK_GBS")) {
    const double v = std::atof(env);
    if (v > 0) return v;
  }
  static double cached = 0.0;
  if (cached > 0.0) return cached;
  const size_t n = (64u << 20) / sizeof(double) / 3;
  std::vector<double> a(n), b(n, 1.0), c(n, 2.0);
  std::vector<double> rates;
  for (int r = 0; r < 6; ++r) {
    const auto t0 = Clock::now();
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) a[i] = b[i] + 0.5 * c[i];
    const std::chrono::duration<double> dt = Clock::now() - t0;
    if (r > 0) rates.push_back(24.0 * n * 1e-9 / dt.count());
  }
  benchmark::DoNotOptimize(a.data());
  std::sort(rates.begin(), rates.end());
  return cached = rates[rates.size() / 2];
}

void report_bandwidth(benchmark::State& state, double bytes_per_iteration, double seconds, double peak_gbs) {
  if (seconds <= 0.0) return;
  const double gbs = bytes_per_iteration * static_cast<double>(state.iterations()) * 1e-9 / seconds;
  state.counters["GB/s"] = gbs;
  state.counters["%bw"] = 100.0 * gbs / peak_gbs;
  state.counters["bw"] = peak_gbs;
}

std::vector<float> ramp(int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  uint32_t s = 7;
  for (float& x : v) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<float>(s >> 8) / 16777216.0f;
  }
  return v;
}

// state.range(0): planes, (1): height, (2): width, (3): power.
upres::kern::TvShape tv_shape(const benchmark::State& state) {
  upres::kern::TvShape s;
  s.planes = state.range(0);
  s.height = state.range(1);
  s.width = state.range(2);
  s.power = static_cast<int>(state.range(3));
  return s;
}

void TvShapes(benchmark::internal::Benchmark* b) {
  for (int p : {1, 2}) {
    b->Args({48, 128, 128, p});   // a training batch of 16 x RGB 128 x 128 crops
    b->Args({3, 720, 1280, p});   // one 720p RGB frame
  }
}

void BM_TvForwardCpu(benchmark::State& state) {
  const auto s = tv_shape(state);
  const int64_t n = s.planes * s.height * s.width;
  const auto x = ramp(n);
  std::vector<double> work(upres::kern::kTvWorkspaceDoubles);
  float out = 0;
  upres::kern::Context ctx;
  FlopTimer t;
  for (auto _ : state) {
    t.start();
    upres::cpu::tv_forward(ctx, s, x.data(), work.data(), &out);
    t.stop(state);
    benchmark::DoNotOptimize(out);
  }
  report_bandwidth(state, 4.0 * n, t.seconds(), measure_cpu_gbs());
}
BENCHMARK(BM_TvForwardCpu)->Apply(TvShapes)->UseManualTime()->Unit(benchmark::kMicrosecond);

void BM_TvBackwardCpu(benchmark::State& state) {
  const auto s = tv_shape(state);
  const int64_t n = s.planes * s.height * s.width;
  const auto x = ramp(n);
  std::vector<float> dx(static_cast<size_t>(n));
  const float gy = 1.0f;
  upres::kern::Context ctx;
  FlopTimer t;
  for (auto _ : state) {
    t.start();
    upres::cpu::tv_backward(ctx, s, &gy, x.data(), dx.data());
    t.stop(state);
    benchmark::DoNotOptimize(dx.data());
  }
  report_bandwidth(state, 8.0 * n, t.seconds(), measure_cpu_gbs());
}
BENCHMARK(BM_TvBackwardCpu)->Apply(TvShapes)->UseManualTime()->Unit(benchmark::kMicrosecond);

// state.range(0): planes, (1): height, (2): width; 11 taps.
upres::kern::WindowShape window_shape(const benchmark::State& state) {
  upres::kern::WindowShape s;
  s.planes = state.range(0);
  s.height = state.range(1);
  s.width = state.range(2);
  s.taps = 11;
  return s;
}

void SsimShapes(benchmark::internal::Benchmark* b) {
  b->Args({48, 128, 128});  // the SSIM loss on a training batch
  b->Args({1, 720, 1280});  // the metric on one 720p Y plane
}

std::vector<double> ramp64(int64_t n) {
  const auto f = ramp(n);
  return std::vector<double>(f.begin(), f.end());
}

void BM_SsimLocalMomentsCpu(benchmark::State& state) {
  const auto s = window_shape(state);
  const int64_t n = s.planes * s.height * s.width, m = s.planes * s.out_plane();
  const auto x = ramp64(n), y = ramp64(n);
  std::vector<double> g(11), mo(5 * m);
  upres::cpu::gaussian_taps(11, 1.5, g.data());
  upres::kern::Context ctx;
  FlopTimer t;
  for (auto _ : state) {
    t.start();
    double* d = mo.data();
    upres::cpu::local_moments(ctx, s, g.data(), x.data(), y.data(), d, d + m, d + 2 * m, d + 3 * m, d + 4 * m);
    t.stop(state);
    benchmark::DoNotOptimize(mo.data());
  }
  report_bandwidth(state, 16.0 * n + 40.0 * m, t.seconds(), measure_cpu_gbs());
  upres::bench::report_flops(state, 220.0 * m, t.seconds());
}
BENCHMARK(BM_SsimLocalMomentsCpu)->Apply(SsimShapes)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_SsimBackwardCpu(benchmark::State& state) {
  const auto s = window_shape(state);
  const int64_t n = s.planes * s.height * s.width, m = s.planes * s.out_plane();
  const auto x = ramp64(n), y = ramp64(n);
  std::vector<double> g(11), work(3 * m), dx(n);
  upres::cpu::gaussian_taps(11, 1.5, g.data());
  upres::kern::Context ctx;
  FlopTimer t;
  for (auto _ : state) {
    t.start();
    upres::cpu::ssim_backward(ctx, s, g.data(), 1e-4, 9e-4, x.data(), y.data(), work.data(), dx.data());
    t.stop(state);
    benchmark::DoNotOptimize(dx.data());
  }
  report_bandwidth(state, 24.0 * n + 48.0 * m, t.seconds(), measure_cpu_gbs());
  upres::bench::report_flops(state, 1240.0 * m + 726.0 * n, t.seconds());
}
BENCHMARK(BM_SsimBackwardCpu)->Apply(SsimShapes)->UseManualTime()->Unit(benchmark::kMillisecond);

#if defined(UPRES_WITH_CUDA)

double gpu_peak_gbs() {
  if (const char* env = std::getenv("UPRES_GPU_PEAK_GBS")) {
    const double v = std::atof(env);
    if (v > 0) return v;
  }
  return 3350.0;
}

bool have_gpu(benchmark::State& state) {
  if (upres::device_available(upres::Device::cuda)) return true;
  state.SkipWithError("no CUDA GPU present");
  return false;
}

// Times `launch` with CUDA events around it (the GPU's time, not the launch's); returns the
// total seconds over the iterations.
template <typename F>
double time_gpu(benchmark::State& state, F&& launch) {
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  launch();  // warm-up
  cudaDeviceSynchronize();
  double seconds = 0;
  for (auto _ : state) {
    cudaEventRecord(start, nullptr);
    launch();
    cudaEventRecord(stop, nullptr);
    cudaEventSynchronize(stop);
    float ms = 0;
    cudaEventElapsedTime(&ms, start, stop);
    state.SetIterationTime(ms * 1e-3);
    seconds += ms * 1e-3;
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return seconds;
}

const upres::kern::Context& gpu_ctx() { return upres::kernel_context(upres::Device::cuda); }

struct DeviceBuffer {
  explicit DeviceBuffer(size_t bytes) : s(bytes, upres::Device::cuda) {}
  template <typename T>
  T* as() {
    return static_cast<T*>(s.ptr);
  }
  upres::Storage s;
};

void BM_TvForwardCuda(benchmark::State& state) {
  if (!have_gpu(state)) return;
  const auto s = tv_shape(state);
  const int64_t n = s.planes * s.height * s.width;
  upres::Tensor x = upres::Tensor::from_vector({n}, ramp(n), upres::Device::cuda);
  upres::Tensor out = upres::Tensor::empty({1}, upres::Device::cuda);
  DeviceBuffer work(upres::kern::kTvWorkspaceDoubles * sizeof(double));
  const double seconds = time_gpu(state, [&] { upres::cuda::tv_forward(gpu_ctx(), s, x.data(), work.as<double>(), out.data()); });
  report_bandwidth(state, 4.0 * n, seconds, gpu_peak_gbs());
}
BENCHMARK(BM_TvForwardCuda)->Apply(TvShapes)->UseManualTime()->Unit(benchmark::kMicrosecond);

void BM_TvBackwardCuda(benchmark::State& state) {
  if (!have_gpu(state)) return;
  const auto s = tv_shape(state);
  const int64_t n = s.planes * s.height * s.width;
  upres::Tensor x = upres::Tensor::from_vector({n}, ramp(n), upres::Device::cuda);
  upres::Tensor gy = upres::Tensor::full({1}, 1.0f, upres::Device::cuda), dx = upres::Tensor::empty({n}, upres::Device::cuda);
  const double seconds = time_gpu(state, [&] { upres::cuda::tv_backward(gpu_ctx(), s, gy.data(), x.data(), dx.data()); });
  report_bandwidth(state, 8.0 * n, seconds, gpu_peak_gbs());
}
BENCHMARK(BM_TvBackwardCuda)->Apply(TvShapes)->UseManualTime()->Unit(benchmark::kMicrosecond);

void BM_SsimLocalMomentsCuda(benchmark::State& state) {
  if (!have_gpu(state)) return;
  const auto s = window_shape(state);
  const int64_t n = s.planes * s.height * s.width, m = s.planes * s.out_plane();
  std::vector<double> g(11);
  upres::cpu::gaussian_taps(11, 1.5, g.data());
  DeviceBuffer dg(11 * sizeof(double)), dx(n * sizeof(double)), dy(n * sizeof(double)), mo(5 * m * sizeof(double));
  upres::copy_bytes(dg.s.ptr, upres::Device::cuda, g.data(), upres::Device::cpu, 11 * sizeof(double));
  const auto x = ramp64(n);
  upres::copy_bytes(dx.s.ptr, upres::Device::cuda, x.data(), upres::Device::cpu, n * sizeof(double));
  upres::copy_bytes(dy.s.ptr, upres::Device::cuda, x.data(), upres::Device::cpu, n * sizeof(double));
  const double seconds = time_gpu(state, [&] {
    double* d = mo.as<double>();
    upres::cuda::local_moments(gpu_ctx(), s, dg.as<double>(), dx.as<double>(), dy.as<double>(), d, d + m, d + 2 * m,
                               d + 3 * m, d + 4 * m);
  });
  report_bandwidth(state, 16.0 * n + 40.0 * m, seconds, gpu_peak_gbs());
  upres::bench::report_flops(state, 1210.0 * m, seconds);
}
BENCHMARK(BM_SsimLocalMomentsCuda)->Apply(SsimShapes)->UseManualTime()->Unit(benchmark::kMicrosecond);

void BM_SsimBackwardCuda(benchmark::State& state) {
  if (!have_gpu(state)) return;
  const auto s = window_shape(state);
  const int64_t n = s.planes * s.height * s.width, m = s.planes * s.out_plane();
  std::vector<double> g(11);
  upres::cpu::gaussian_taps(11, 1.5, g.data());
  DeviceBuffer dg(11 * sizeof(double)), dx(n * sizeof(double)), dy(n * sizeof(double)), work(3 * m * sizeof(double)),
      grad(n * sizeof(double));
  upres::copy_bytes(dg.s.ptr, upres::Device::cuda, g.data(), upres::Device::cpu, 11 * sizeof(double));
  const auto x = ramp64(n);
  upres::copy_bytes(dx.s.ptr, upres::Device::cuda, x.data(), upres::Device::cpu, n * sizeof(double));
  upres::copy_bytes(dy.s.ptr, upres::Device::cuda, x.data(), upres::Device::cpu, n * sizeof(double));
  const double seconds = time_gpu(state, [&] {
    upres::cuda::ssim_backward(gpu_ctx(), s, dg.as<double>(), 1e-4, 9e-4, dx.as<double>(), dy.as<double>(),
                               work.as<double>(), grad.as<double>());
  });
  report_bandwidth(state, 24.0 * n + 48.0 * m, seconds, gpu_peak_gbs());
  upres::bench::report_flops(state, 1240.0 * m + 726.0 * n, seconds);
}
BENCHMARK(BM_SsimBackwardCuda)->Apply(SsimShapes)->UseManualTime()->Unit(benchmark::kMicrosecond);

#endif  // UPRES_WITH_CUDA

}  // namespace

BENCHMARK_MAIN();
