// bench_conv_cpu.cpp - conv2d / conv_transpose2d through the engine op, on the CPU.
//
// The layers that matter for super-resolution, forward (inference, no grad) and
// backward (the data and weight gradients of one training step), at 1 and 2
// threads. Counters: GFLOP/s of useful work and %peak, the share of the GEMM peak
// measured in the same process (bench/counters.h; or UPRES_PEAK_GFLOPS).
//
// Useful FLOPs of a convolution: 2 * N * Cout * Hout * Wout * Cin * KH * KW
// (one multiply-add per weight per output pixel; groups = 1 here). Per output pixel:
//   3x3 64->64:  2*64*64*9   = 73.7 kFLOP; at 256x256 that is 4.83 GFLOP a forward
//   5x5 1->64:   2*1*64*25   =  3.2 kFLOP  (Cin = 1: GEMM with K = 25, memory bound)
//   1x1 56->12:  2*56*12     =  1.3 kFLOP  (a plain GEMM, K = 56)
// A transposed convolution scatters every input pixel through the kernel:
//   2 * N * Cin * H * W * Cout * KH * KW; FSRCNN's 9x9 56->1 costs 9.1 kFLOP per
//   LR pixel, the same at stride 2 or 3 (the output grows, the work does not).
// Backward = data gradient + weight gradient = 2x the forward FLOPs, or 1x for a
// first layer, whose input (the image) needs no gradient.
// Layers with few channels (Cin or Cout <= 12) have little reuse per byte, so a
// low %peak there is expected; the 64->64 3x3 is the one that should come close
// to the GEMM peak.
//
//   build/release/bench/bench_conv_cpu --benchmark_counters_tabular=true
//   build/release/bench/bench_conv_cpu --benchmark_filter='3x3_64_64'
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench/counters.h"
#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "engine/ops/conv.h"
#include "engine/rng.h"
#include "engine/tensor.h"

namespace {

using upres::ConvParams;
using upres::Tensor;

struct Layer {
  const char* name;
  int64_t cin, cout, k, h, w;  // input size h x w (LR image for the SR layers)
  int64_t stride, pad, output_padding;
  bool transposed;
  bool input_grad;  // false for a network's first layer
};

// N = 1: upscaling one image. LR 128x128 for ESPCN and FSRCNN (a 256x256 HR output at x2).
const Layer kLayers[] = {
    {"conv3x3_64_64_256x256", 64, 64, 3, 256, 256, 1, 1, 0, false, true},
    {"espcn_x2_conv1_5x5_1_64", 1, 64, 5, 128, 128, 1, 2, 0, false, false},
    {"espcn_x2_conv2_3x3_64_32", 64, 32, 3, 128, 128, 1, 1, 0, false, true},
    {"espcn_x2_conv3_3x3_32_4", 32, 4, 3, 128, 128, 1, 1, 0, false, true},
    {"fsrcnn_feature_5x5_1_56", 1, 56, 5, 128, 128, 1, 2, 0, false, false},
    {"fsrcnn_shrink_1x1_56_12", 56, 12, 1, 128, 128, 1, 0, 0, false, true},
    {"fsrcnn_map_3x3_12_12", 12, 12, 3, 128, 128, 1, 1, 0, false, true},
    {"fsrcnn_expand_1x1_12_56", 12, 56, 1, 128, 128, 1, 0, 0, false, true},
    {"fsrcnn_deconv_x2_9x9_56_1", 56, 1, 9, 128, 128, 2, 4, 1, true, true},
    {"fsrcnn_deconv_x3_9x9_56_1", 56, 1, 9, 128, 128, 3, 4, 2, true, true},
};

double forward_flops(const Layer& l) {
  if (l.transposed) return 2.0 * l.cin * l.h * l.w * l.cout * l.k * l.k;
  const int64_t ho = (l.h + 2 * l.pad - l.k) / l.stride + 1;
  const int64_t wo = (l.w + 2 * l.pad - l.k) / l.stride + 1;
  return 2.0 * l.cout * ho * wo * l.cin * l.k * l.k;
}

ConvParams params(const Layer& l) {
  ConvParams p = ConvParams::make(l.stride, l.pad);
  p.output_padding_h = p.output_padding_w = l.output_padding;
  return p;
}

Tensor run(const Layer& l, const Tensor& x, const Tensor& w, const Tensor& b) {
  return l.transposed ? upres::conv_transpose2d(x, w, b, params(l)) : upres::conv2d(x, w, b, params(l));
}

void BM_Conv(benchmark::State& state, Layer l, bool backward) {
  const int threads = static_cast<int>(state.range(0));
  upres::set_cpu_threads(threads);
  const double peak = upres::bench::peak_gflops(threads);  // measured once, before timing

  upres::Rng rng(42);
  Tensor x = Tensor::randn({1, l.cin, l.h, l.w}, rng);
  Tensor w = l.transposed ? Tensor::randn({l.cin, l.cout, l.k, l.k}, rng)
                          : Tensor::randn({l.cout, l.cin, l.k, l.k}, rng);
  Tensor b = Tensor::randn({l.cout}, rng);
  double flops = forward_flops(l);
  upres::bench::FlopTimer timer;

  if (!backward) {
    upres::NoGradGuard no_grad;
    for (auto _ : state) {
      timer.start();
      Tensor y = run(l, x, w, b);
      benchmark::DoNotOptimize(y.data());
      timer.stop(state);
    }
  } else {
    x.set_requires_grad(l.input_grad);
    w.set_requires_grad(true);
    b.set_requires_grad(true);
    Tensor gy;
    for (auto _ : state) {  // the forward builds the graph; only the backward is timed
      w.zero_grad();
      b.zero_grad();
      x.zero_grad();
      Tensor y = run(l, x, w, b);
      if (!gy.defined()) gy = Tensor::randn(y.shape(), rng);
      timer.start();
      y.backward(gy);
      benchmark::DoNotOptimize(w.grad().data());
      timer.stop(state);
    }
    flops *= l.input_grad ? 2.0 : 1.0;
  }
  upres::bench::report_flops(state, flops, timer.seconds(), peak);
  upres::set_cpu_threads(0);
}

void register_all() {
  for (const Layer& l : kLayers) {
    for (bool backward : {false, true}) {
      std::string name = std::string(l.name) + (backward ? "/backward" : "/forward");
      benchmark::RegisterBenchmark(name.c_str(), BM_Conv, l, backward)
          ->ArgName("threads")
          ->Arg(1)
          ->Arg(2)
          ->Unit(benchmark::kMillisecond)
          ->UseManualTime()
          ->MinTime(0.2)
          ->Repetitions(5)
          ->ReportAggregatesOnly(true);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
