// bench_sgemm_cuda.cpp - the hand-written SGEMM versions (kernels/cuda/sgemm.h) against cuBLAS on
// the GPU: GFLOP/s, share of the card's FP32 peak, and share of cuBLAS on the same shape.
//
// Built only in a UPRES_CUDA=ON build (bench/CMakeLists.txt); without a GPU it says so and exits
// with 0. Before timing a version on a shape, it runs the version and cuBLAS once and compares:
// the largest difference must stay below 1e-5 of the largest |C| (float sums of K terms in
// different orders agree to ~sqrt(K) ulp); otherwise the benchmark reports an error, not a time.
//
// Napkin math (H100 SXM: 132 SMs x 128 FP32 lanes x 2 FLOP x ~1.8 GHz ~ 60 TFLOP/s without
// tensor cores; ~3.3 TB/s HBM3):
//   square n = 4096: 2 n^3 = 137 GFLOP on >= 3 n^2 * 4 = 201 MB: 680 FLOP/byte, compute-bound;
//     at 60 TFLOP/s 2.3 ms. cuBLAS reaches ~70-80% of that peak; v5 should be within ~20% of it.
//   a conv layer of a 64-channel SR net as GEMM, M = 64, N = 16 * 48 * 48 = 36864, K = 576:
//     2.7 GFLOP on 94 MB: 29 FLOP/byte, still above the ridge point of 18 FLOP/byte.
//   a Gram matrix of 64 channels of 96x96 (C F^T), M = N = 64, K = 9216: 75 MFLOP on 2.4 MB:
//     only 16 output tiles of 16x16 for the whole GPU; this is where hand-written kernels and
//     cuBLAS alike are limited by parallelism, not FLOPs (split-K would help).
// Set UPRES_GPU_PEAK_GFLOPS for another card (default 60000, the H100's FP32 figure above).
//
//   build/cuda/bench/bench_sgemm_cuda --benchmark_counters_tabular=true
#include <cuda_runtime.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "bench/counters.h"
#include "engine/backends.h"
#include "engine/dispatch.h"
#include "engine/tensor.h"
#include "kernels/cuda/sgemm.h"

namespace {

using upres::Device;
using upres::Tensor;

double gpu_peak_gflops() {
  if (const char* env = std::getenv("UPRES_GPU_PEAK_GFLOPS")) {
    const double v = std::atof(env);
    if (v > 0) return v;
  }
  return 60000.0;
}

std::vector<float> random_values(int64_t n, uint32_t seed) {
  std::vector<float> v(static_cast<size_t>(n));
  uint32_t s = seed;
  for (float& x : v) {  // a small LCG in [-0.5, 0.5): the values do not matter, only that they are not denormal
    s = s * 1664525u + 1013904223u;
    x = static_cast<float>(s >> 8) / 16777216.0f - 0.5f;
  }
  return v;
}

struct Problem {
  int64_t M, N, K;
  bool ta, tb;
  Tensor a, b, c;
};

Problem make_problem(const benchmark::State& state) {
  Problem p{state.range(1), state.range(2), state.range(3), state.range(4) != 0, state.range(5) != 0,
            {}, {}, {}};
  p.a = Tensor::from_vector({p.M * p.K}, random_values(p.M * p.K, 1), Device::cuda);
  p.b = Tensor::from_vector({p.K * p.N}, random_values(p.K * p.N, 2), Device::cuda);
  p.c = Tensor::zeros({p.M * p.N}, Device::cuda);
  return p;
}

void run(Problem& p, int version) {
  const int64_t lda = p.ta ? p.M : p.K, ldb = p.tb ? p.K : p.N;
  upres::cuda::sgemm(upres::kernel_context(Device::cuda), version, p.ta, p.tb, p.M, p.N, p.K, 1.0f,
                     p.a.data(), lda, p.b.data(), ldb, 0.0f, p.c.data(), p.N);
}

// Seconds of one run, measured with CUDA events on the default stream.
double time_run(Problem& p, int version) {
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  cudaEventRecord(start);
  run(p, version);
  cudaEventRecord(stop);
  cudaEventSynchronize(stop);
  float ms = 0.0f;
  cudaEventElapsedTime(&ms, start, stop);
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return ms * 1e-3;
}

// cuBLAS's GFLOP/s on a shape: median of 7 timed runs after a warm-up, once per shape.
double cublas_gflops(Problem& p) {
  static std::map<std::tuple<int64_t, int64_t, int64_t, bool, bool>, double> cache;
  const auto key = std::make_tuple(p.M, p.N, p.K, p.ta, p.tb);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  run(p, upres::kern::kSgemmCublas);
  std::vector<double> g;
  for (int r = 0; r < 7; ++r) g.push_back(2.0 * p.M * p.N * p.K * 1e-9 / time_run(p, upres::kern::kSgemmCublas));
  std::sort(g.begin(), g.end());
  return cache[key] = g[g.size() / 2];
}

// Largest |version - cuBLAS| relative to the largest |C|.
double relative_difference(Problem& p, int version) {
  run(p, upres::kern::kSgemmCublas);
  const std::vector<float> want = p.c.to_vector();
  run(p, version);
  const std::vector<float> got = p.c.to_vector();
  double diff = 0.0, scale = 0.0;
  for (size_t i = 0; i < want.size(); ++i) {
    diff = std::max(diff, std::fabs(double(got[i]) - want[i]));
    scale = std::max(scale, std::fabs(double(want[i])));
  }
  return scale > 0 ? diff / scale : diff;
}

// Args: {version, M, N, K, trans_a, trans_b}.
void BM_SgemmCuda(benchmark::State& state) {
  const int version = static_cast<int>(state.range(0));
  Problem p = make_problem(state);
  const double rel = relative_difference(p, version);
  if (!(rel <= 1e-5)) {
    state.SkipWithError(("v" + std::to_string(version) + " differs from cuBLAS: max relative difference " +
                         std::to_string(rel))
                            .c_str());
    return;
  }
  const double cublas = cublas_gflops(p);
  double seconds = 0.0;
  for (auto _ : state) {
    const double s = time_run(p, version);
    state.SetIterationTime(s);
    seconds += s;
  }
  const double flops = 2.0 * p.M * p.N * p.K;
  upres::bench::report_flops(state, flops, seconds, gpu_peak_gflops());
  state.counters["%cuBLAS"] = 100.0 * state.counters["GFLOP/s"] / cublas;
  state.counters["cuBLAS GFLOP/s"] = cublas;
  state.SetLabel((version == 0 ? std::string("cuBLAS") : "v" + std::to_string(version)) + " " +
                 (p.ta ? "T" : "N") + (p.tb ? "T" : "N"));
}

void Shapes(benchmark::internal::Benchmark* b) {
  for (int64_t v = 0; v <= upres::kern::kSgemmLastVersion; ++v) {
    for (int64_t n : {1024, 2048, 4096}) b->Args({v, n, n, n, 0, 0});
    b->Args({v, 4096, 4096, 4096, 1, 0});     // A^T B: conv backward-data's shape
    b->Args({v, 4096, 4096, 4096, 0, 1});     // A B^T: conv backward-weight's shape
    b->Args({v, 64, 36864, 576, 0, 0});       // a 64->64 3x3 conv layer, batch 16 of 48x48
    b->Args({v, 64, 64, 9216, 0, 1});         // a Gram matrix, 64 channels of 96x96
  }
}
BENCHMARK(BM_SgemmCuda)->Apply(Shapes)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (!upres::device_available(Device::cuda)) {
    std::printf("bench_sgemm_cuda: no CUDA GPU present; nothing to measure\n");
    return 0;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
