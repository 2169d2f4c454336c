// bench_kernels_cpu.cpp - every cpu kernel family not measured elsewhere, against the machine's peaks.
//
// Most kernels of an SR network are memory bound: they touch each element once and do a few
// FLOPs with it. For those the counter is GB/s of compulsory traffic (each input read once,
// each output written once, nothing else counted) and %bw, its share of the STREAM triad
// bandwidth measured in the same process at the same thread count (bench/peaks.h). The few
// compute-bound ones (conv backward, Gram) report GFLOP/s and %peak of the SGEMM peak
// (bench/counters.h). Covered elsewhere: conv forward (bench_conv_cpu), GEMM (bench_gemm_cpu),
// imresize passes and filter2d (bench_resize_cpu), SSIM and TV (bench_ssim_tv).
//
// The standard tensor is a training batch of feature maps, [16, 64, 48, 48] = 2.36 M floats =
// 9.4 MB: 9x a core's L2 (1 MiB on the development machine) but less than its shared 32 MiB L3,
// so a kernel whose inputs and output fit in L3 can beat the triad (measured over 96 MiB, from
// DRAM): %bw above 100 means "served from L3", not an error. At a bandwidth of B GB/s a kernel
// moving k bytes per element can at best take 2.36e6 * k / B seconds; e.g. relu forward (k = 8)
// at 10 GB/s: 1.9 ms. Data are random in [-0.5, 0.5): sign-dependent branches (relu backward,
// max pool) mispredict half the time, as on real activations.
//
// Every benchmark takes the thread count as its argument (1 and 2; cpu::parallel_for and the
// OpenMP loops honour ctx.threads). Wall time is measured per iteration (UseManualTime).
//
//   build/release/bench/bench_kernels_cpu --benchmark_counters_tabular=true
//   build/release/bench/bench_kernels_cpu --benchmark_filter='Relu|Adam'
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "bench/counters.h"
#include "bench/peaks.h"
#include "kernels/context.h"
#include "kernels/cpu/activation.h"
#include "kernels/cpu/basic.h"
#include "kernels/cpu/color.h"
#include "kernels/cpu/conv.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/im2col.h"
#include "kernels/cpu/norm.h"
#include "kernels/cpu/optim.h"
#include "kernels/cpu/pool.h"
#include "kernels/cpu/reduce.h"
#include "kernels/cpu/shape.h"
#include "kernels/cpu/shuffle.h"
#include "kernels/cpu/upsample.h"

namespace {

using upres::bench::FlopTimer;
namespace cpu = upres::cpu;
namespace kern = upres::kern;

constexpr int64_t kN = 16, kC = 64, kH = 48, kW = 48;
constexpr int64_t kNumel = kN * kC * kH * kW;  // 2.36 M floats, 9.4 MB

// Values in [-0.5, 0.5) from a small LCG: not denormal, both signs (relu's branches both taken).
std::vector<float> values(int64_t n, uint32_t seed = 1) {
  std::vector<float> v(static_cast<size_t>(n));
  uint32_t s = seed;
  for (float& x : v) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<float>(s >> 8) / 16777216.0f - 0.5f;
  }
  return v;
}

kern::Context context(const benchmark::State& state) {
  kern::Context ctx;
  ctx.threads = static_cast<int>(state.range(0));
  return ctx;
}

// Runs `work` once per iteration under the wall-clock timer; returns the seconds summed.
template <typename F>
double timed(benchmark::State& state, F&& work) {
  work();  // warm-up: first touch of the output pages, thread pool start
  FlopTimer timer;
  for (auto _ : state) {
    timer.start();
    work();
    benchmark::ClobberMemory();
    timer.stop(state);
  }
  return timer.seconds();
}

// A memory-bound kernel: GB/s and %bw of the triad at this thread count.
template <typename F>
void memory_bound(benchmark::State& state, double bytes, F&& work) {
  const double peak = upres::bench::peak_gbs(static_cast<int>(state.range(0)));  // before timing
  upres::bench::report_bytes(state, bytes, timed(state, work), peak);
}

// A compute-bound kernel: GFLOP/s and %peak of the SGEMM peak at this thread count.
template <typename F>
void compute_bound(benchmark::State& state, double flops, F&& work) {
  const double peak = upres::bench::peak_gflops(static_cast<int>(state.range(0)));
  upres::bench::report_flops(state, flops, timed(state, work), peak);
}

// ---- the peaks themselves, so the report shows what %bw divides by --------------------------

void BM_StreamCopy(benchmark::State& state) {
  const int64_t n = (32 << 20) / 4;
  std::vector<float> a(n), b = values(n);
  const int threads = static_cast<int>(state.range(0));
  memory_bound(state, 8.0 * n, [&] {  // 4 B read + 4 B written per element
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t i = 0; i < n; ++i) a[i] = b[i];
  });
}

void BM_StreamTriad(benchmark::State& state) {
  const int64_t n = (32 << 20) / 4;
  std::vector<float> a(n), b = values(n, 2), c = values(n, 3);
  const int threads = static_cast<int>(state.range(0));
  memory_bound(state, 12.0 * n, [&] {  // 8 B read + 4 B written, 2 FLOPs per element
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t i = 0; i < n; ++i) a[i] = b[i] + 0.5f * c[i];
  });
}

// ---- element-wise and activations: 1-2 FLOPs per element, bytes are everything -------------

void BM_Fill(benchmark::State& state) {  // 4 B written per element
  std::vector<float> y(kNumel);
  const auto ctx = context(state);
  memory_bound(state, 4.0 * kNumel, [&] { cpu::fill(ctx, kNumel, 0.25f, y.data()); });
}

void BM_Axpy(benchmark::State& state) {  // y += a x: 8 B read + 4 B written, 2 FLOPs (gradient accumulation)
  const auto x = values(kNumel);
  std::vector<float> y = values(kNumel, 2);
  const auto ctx = context(state);
  memory_bound(state, 12.0 * kNumel, [&] { cpu::axpy(ctx, kNumel, 1e-3f, x.data(), y.data()); });
}

void BM_ReluForward(benchmark::State& state) {  // 4 B read + 4 B written, 1 compare
  const auto x = values(kNumel);
  std::vector<float> y(kNumel);
  const auto ctx = context(state);
  memory_bound(state, 8.0 * kNumel, [&] { cpu::relu_forward(ctx, kNumel, x.data(), y.data()); });
}

void BM_ReluBackward(benchmark::State& state) {  // x, dy read, dx written: 12 B
  const auto x = values(kNumel), dy = values(kNumel, 2);
  std::vector<float> dx(kNumel);
  const auto ctx = context(state);
  memory_bound(state, 12.0 * kNumel,
               [&] { cpu::relu_backward(ctx, kNumel, x.data(), dy.data(), dx.data()); });
}

void BM_PreluForward(benchmark::State& state) {  // per-channel slope (ESPCN, FSRCNN): 8 B per element
  const auto x = values(kNumel), w = values(kC, 2);
  std::vector<float> y(kNumel);
  kern::PreluShape s;
  s.outer = kN;
  s.channels = kC;
  s.inner = kH * kW;
  const auto ctx = context(state);
  memory_bound(state, 8.0 * kNumel, [&] { cpu::prelu_forward(ctx, s, x.data(), w.data(), y.data()); });
}

void BM_PreluBackward(benchmark::State& state) {  // x, dy read, dx written + a per-channel sum: 12 B
  const auto x = values(kNumel), w = values(kC, 2), dy = values(kNumel, 3);
  std::vector<float> dx(kNumel), dw(kC);
  kern::PreluShape s;
  s.outer = kN;
  s.channels = kC;
  s.inner = kH * kW;
  const auto ctx = context(state);
  memory_bound(state, 12.0 * kNumel, [&] {
    cpu::prelu_backward(ctx, s, x.data(), w.data(), dy.data(), dx.data(), dw.data());
  });
}

void BM_SigmoidForward(benchmark::State& state) {  // 8 B, ~20 FLOPs for exp: compute matters here
  const auto x = values(kNumel);
  std::vector<float> y(kNumel);
  const auto ctx = context(state);
  memory_bound(state, 8.0 * kNumel, [&] { cpu::sigmoid_forward(ctx, kNumel, x.data(), y.data()); });
}

void BM_BinaryAdd(benchmark::State& state) {  // a + b, same shapes (residual add): 12 B
  const auto a = values(kNumel), b = values(kNumel, 2);
  std::vector<float> y(kNumel);
  kern::BroadcastShape s;
  kern::make_broadcast({kN, kC, kH, kW}, {kN, kC, kH, kW}, {kN, kC, kH, kW}, &s);
  const auto ctx = context(state);
  memory_bound(state, 12.0 * kNumel, [&] {
    cpu::binary_forward(ctx, kern::BinaryOp::add, s, a.data(), b.data(), y.data());
  });
}

void BM_BinaryMulBroadcast(benchmark::State& state) {  // x * scale[c] (channel attention): 8 B
  const auto a = values(kNumel), b = values(kN * kC, 2);
  std::vector<float> y(kNumel);
  kern::BroadcastShape s;
  kern::make_broadcast({kN, kC, kH, kW}, {kN, kC, 1, 1}, {kN, kC, kH, kW}, &s);
  const auto ctx = context(state);
  memory_bound(state, 8.0 * kNumel, [&] {
    cpu::binary_forward(ctx, kern::BinaryOp::mul, s, a.data(), b.data(), y.data());
  });
}

void BM_ScalarMul(benchmark::State& state) {  // x * 0.1 (EDSR residual scaling): 8 B
  const auto x = values(kNumel);
  std::vector<float> y(kNumel);
  const auto ctx = context(state);
  memory_bound(state, 8.0 * kNumel, [&] {
    cpu::scalar_forward(ctx, kern::ScalarOp::mul, kNumel, x.data(), 0.1f, y.data());
  });
}

void BM_UnaryAbs(benchmark::State& state) {  // the generic unary path: 8 B
  const auto x = values(kNumel);
  std::vector<float> y(kNumel);
  kern::UnaryParams p;
  p.op = kern::UnaryOp::abs;
  const auto ctx = context(state);
  memory_bound(state, 8.0 * kNumel, [&] { cpu::unary_forward(ctx, p, kNumel, x.data(), y.data()); });
}

// ---- reductions: 4 B read per element, 1 add; the output is tiny -----------------------------

void BM_SumAll(benchmark::State& state) {
  const auto x = values(kNumel);
  float y = 0;
  kern::ReduceShape s;
  kern::make_reduce({kN, kC, kH, kW}, {true, true, true, true}, &s);
  const auto ctx = context(state);
  memory_bound(state, 4.0 * kNumel, [&] { cpu::sum_reduce(ctx, s, 1.0f, x.data(), &y); });
}

void BM_SumPerChannel(benchmark::State& state) {  // over N, H, W (batch-norm statistics, bias grad)
  const auto x = values(kNumel);
  std::vector<float> y(kC);
  kern::ReduceShape s;
  kern::make_reduce({kN, kC, kH, kW}, {true, false, true, true}, &s);
  const auto ctx = context(state);
  memory_bound(state, 4.0 * kNumel, [&] { cpu::sum_reduce(ctx, s, 1.0f, x.data(), y.data()); });
}

void BM_SumSpatial(benchmark::State& state) {  // over H, W (global average pool of channel attention)
  const auto x = values(kNumel);
  std::vector<float> y(kN * kC);
  kern::ReduceShape s;
  kern::make_reduce({kN, kC, kH, kW}, {false, false, true, true}, &s);
  const auto ctx = context(state);
  memory_bound(state, 4.0 * kNumel, [&] { cpu::sum_reduce(ctx, s, 1.0f, x.data(), y.data()); });
}

void BM_L1LossForward(benchmark::State& state) {  // two inputs read: 8 B, 3 FLOPs
  const auto a = values(kNumel), b = values(kNumel, 2);
  float out = 0;
  const auto ctx = context(state);
  memory_bound(state, 8.0 * kNumel,
               [&] { cpu::l1_loss_forward(ctx, kNumel, a.data(), b.data(), 1.0f / kNumel, &out); });
}

void BM_MseLossBackward(benchmark::State& state) {  // a, b read, ga, gb written: 16 B
  const auto a = values(kNumel), b = values(kNumel, 2);
  std::vector<float> ga(kNumel), gb(kNumel);
  const float g = 1.0f;
  const auto ctx = context(state);
  memory_bound(state, 16.0 * kNumel, [&] {
    cpu::mse_loss_backward(ctx, kNumel, a.data(), b.data(), &g, 1.0f / kNumel, ga.data(), gb.data());
  });
}

// ---- layout: pixel shuffle, padding, strided copies (concat) - 0 FLOPs, 8 B per element -----

kern::ShuffleShape shuffle_shape() {  // [16, 64, 48, 48] -> [16, 16, 96, 96], r = 2
  kern::ShuffleShape s;
  s.n = kN;
  s.c = kC / 4;
  s.h = kH;
  s.w = kW;
  s.r = 2;
  return s;
}

void BM_PixelShuffle(benchmark::State& state) {
  const auto x = values(kNumel);
  std::vector<float> y(kNumel);
  const auto ctx = context(state);
  memory_bound(state, 8.0 * kNumel, [&] { cpu::pixel_shuffle(ctx, shuffle_shape(), x.data(), y.data()); });
}

void BM_PixelUnshuffle(benchmark::State& state) {
  const auto x = values(kNumel);
  std::vector<float> y(kNumel);
  const auto ctx = context(state);
  memory_bound(state, 8.0 * kNumel, [&] { cpu::pixel_unshuffle(ctx, shuffle_shape(), x.data(), y.data()); });
}

kern::PadShape pad_shape() {  // reflect-pad every plane by 1 (a 3x3 conv's border): 48x48 -> 50x50
  kern::PadShape s;
  s.planes = kN * kC;
  s.h = kH;
  s.w = kW;
  s.top = s.bottom = s.left = s.right = 1;
  s.mode = kern::PadMode::reflect;
  return s;
}

void BM_PadForward(benchmark::State& state) {  // 4 B read per input, 4 B written per output
  const auto s = pad_shape();
  const int64_t out = s.planes * s.out_h() * s.out_w();
  const auto x = values(kNumel);
  std::vector<float> y(out);
  const auto ctx = context(state);
  memory_bound(state, 4.0 * (kNumel + out), [&] { cpu::pad_forward(ctx, s, x.data(), y.data()); });
}

void BM_PadBackward(benchmark::State& state) {
  const auto s = pad_shape();
  const int64_t out = s.planes * s.out_h() * s.out_w();
  const auto dy = values(out);
  std::vector<float> dx(kNumel);
  const auto ctx = context(state);
  memory_bound(state, 4.0 * (kNumel + out), [&] { cpu::pad_backward(ctx, s, dy.data(), dx.data()); });
}

// Concatenation along channels: [16, 64, 48, 48] into the first half of [16, 128, 48, 48]
// (RDN/DBPN dense connections): each plane a contiguous 9 KB run, 8 B per element.
void BM_StridedCopyConcat(benchmark::State& state) {
  const auto x = values(kNumel);
  std::vector<float> y(2 * kNumel);
  kern::CopyShape s;
  s.planes = kN;
  s.rows = 1;
  s.cols = kC * kH * kW;
  s.src_plane_stride = kC * kH * kW;
  s.dst_plane_stride = 2 * kC * kH * kW;
  s.src_row_stride = s.dst_row_stride = s.cols;
  const auto ctx = context(state);
  memory_bound(state, 8.0 * kNumel, [&] { cpu::strided_copy(ctx, s, x.data(), y.data()); });
}

// A crop: rows of 40 of 48 floats (a 40x40 window of every plane), short runs.
void BM_StridedCopyCrop(benchmark::State& state) {
  const auto x = values(kNumel);
  std::vector<float> y(kN * kC * 40 * 40);
  kern::CopyShape s;
  s.planes = kN * kC;
  s.rows = 40;
  s.cols = 40;
  s.src_plane_stride = kH * kW;
  s.src_row_stride = kW;
  s.dst_plane_stride = 40 * 40;
  s.dst_row_stride = 40;
  const auto ctx = context(state);
  memory_bound(state, 8.0 * kN * kC * 40 * 40, [&] { cpu::strided_copy(ctx, s, x.data(), y.data()); });
}

// ---- pooling: 2x2 stride 2 (discriminators), global average (channel attention) --------------

kern::PoolShape pool2() {
  kern::PoolShape s;
  s.planes = kN * kC;
  s.in_h = kH;
  s.in_w = kW;
  s.out_h = kH / 2;
  s.out_w = kW / 2;
  s.kernel = 2;
  s.stride = 2;
  return s;
}

void BM_AvgPool2x2Forward(benchmark::State& state) {  // 4 B read per input, 1 B written (4:1)
  const auto x = values(kNumel);
  std::vector<float> y(kNumel / 4);
  const auto ctx = context(state);
  memory_bound(state, 5.0 * kNumel, [&] { cpu::avg_pool2d_forward(ctx, pool2(), x.data(), y.data()); });
}

void BM_MaxPool2x2Forward(benchmark::State& state) {
  const auto x = values(kNumel);
  std::vector<float> y(kNumel / 4);
  const auto ctx = context(state);
  memory_bound(state, 5.0 * kNumel, [&] { cpu::max_pool2d_forward(ctx, pool2(), x.data(), y.data()); });
}

void BM_MaxPool2x2Backward(benchmark::State& state) {  // x read, dy read (1/4), dx written: 9 B
  const auto x = values(kNumel), dy = values(kNumel / 4, 2);
  std::vector<float> dx(kNumel);
  const auto ctx = context(state);
  memory_bound(state, 9.0 * kNumel,
               [&] { cpu::max_pool2d_backward(ctx, pool2(), x.data(), dy.data(), dx.data()); });
}

void BM_GlobalAvgPoolForward(benchmark::State& state) {  // adaptive to 1x1: 4 B read per element
  const auto x = values(kNumel);
  std::vector<float> y(kN * kC);
  kern::PoolShape s = pool2();
  s.out_h = s.out_w = 1;
  const auto ctx = context(state);
  memory_bound(state, 4.0 * kNumel, [&] { cpu::adaptive_avg_pool2d_forward(ctx, s, x.data(), y.data()); });
}

// ---- upsampling x2 of an RGB batch (pre-upsampling nets: VDSR, SRCNN) -------------------------
// [16, 3, 128, 128] -> [16, 3, 256, 256]: 4 B read per input, 4 B written per output = 20 B per
// input pixel. Bilinear: 4 taps x 2 FLOPs per output; bicubic: 16 taps x 2 = 32 FLOPs per output,
// ~6 FLOP/byte: still memory bound on paper, but the gather limits it in practice.

kern::UpsampleShape up2() {
  kern::UpsampleShape s;
  s.planes = 16 * 3;
  s.in_h = s.in_w = 128;
  s.out_h = s.out_w = 256;
  return s;
}

template <void (*Fn)(const kern::Context&, const kern::UpsampleShape&, const float*, float*)>
void upsample(benchmark::State& state, bool backward) {
  const auto s = up2();
  const int64_t small = s.planes * s.in_h * s.in_w, large = s.planes * s.out_h * s.out_w;
  const auto x = values(backward ? large : small);
  std::vector<float> y(backward ? small : large);
  const auto ctx = context(state);
  memory_bound(state, 4.0 * (small + large), [&] { Fn(ctx, s, x.data(), y.data()); });
}
void BM_UpsampleNearestForward(benchmark::State& st) { upsample<cpu::upsample_nearest_forward>(st, false); }
void BM_UpsampleBilinearForward(benchmark::State& st) { upsample<cpu::upsample_bilinear_forward>(st, false); }
void BM_UpsampleBicubicForward(benchmark::State& st) { upsample<cpu::upsample_bicubic_forward>(st, false); }
void BM_UpsampleNearestBackward(benchmark::State& st) { upsample<cpu::upsample_nearest_backward>(st, true); }
void BM_UpsampleBilinearBackward(benchmark::State& st) { upsample<cpu::upsample_bilinear_backward>(st, true); }
void BM_UpsampleBicubicBackward(benchmark::State& st) { upsample<cpu::upsample_bicubic_backward>(st, true); }

// ---- batch norm (SRGAN's generator and discriminator) ----------------------------------------
// stats: x read once (4 B; mean and variance in one pass or two - counted as one);
// forward: x read, y written (8 B, 2 FLOPs); backward: x, dy read, dx written, plus the two
// per-channel sums over x and dy (a second read of both): counted as 12 B, the compulsory part.

kern::BatchNormShape bn_shape() {
  kern::BatchNormShape s;
  s.n = kN;
  s.c = kC;
  s.hw = kH * kW;
  return s;
}

void BM_BatchNormStats(benchmark::State& state) {
  const auto x = values(kNumel);
  std::vector<float> mean(kC), var(kC);
  const auto ctx = context(state);
  memory_bound(state, 4.0 * kNumel,
               [&] { cpu::batch_norm_stats(ctx, bn_shape(), x.data(), mean.data(), var.data()); });
}

void BM_BatchNormForward(benchmark::State& state) {
  const auto x = values(kNumel), w = values(kC, 2), b = values(kC, 3);
  std::vector<float> mean(kC, 0.0f), var(kC, 1.0f), y(kNumel);
  const auto ctx = context(state);
  memory_bound(state, 8.0 * kNumel, [&] {
    cpu::batch_norm_forward(ctx, bn_shape(), x.data(), mean.data(), var.data(), 1e-5f, w.data(), b.data(),
                            y.data());
  });
}

void BM_BatchNormBackward(benchmark::State& state) {
  const auto x = values(kNumel), dy = values(kNumel, 2), w = values(kC, 3);
  std::vector<float> mean(kC, 0.0f), var(kC, 1.0f), dx(kNumel), dw(kC), db(kC);
  const auto ctx = context(state);
  memory_bound(state, 12.0 * kNumel, [&] {
    cpu::batch_norm_backward(ctx, bn_shape(), x.data(), dy.data(), mean.data(), var.data(), 1e-5f, w.data(),
                             true, dx.data(), dw.data(), db.data());
  });
}

// ---- optimiser updates over 2^21 = 2.1 M parameters (about an EDSR-baseline / SRResNet) -----
// Adam: param, exp_avg, exp_avg_sq read and written, grad read = 7 x 4 = 28 B, ~15 FLOPs
// (0.5 FLOP/byte: memory bound). SGD with momentum: param, buf read+written, grad read = 20 B.
// sum_squares (gradient-norm clipping): 4 B read, 2 FLOPs.

constexpr int64_t kParams = 1 << 21;

void BM_AdamStep(benchmark::State& state) {
  std::vector<float> p = values(kParams), m(kParams, 0.0f), v(kParams, 0.0f);
  const auto g = values(kParams, 2);
  const auto ctx = context(state);
  int64_t step = 0;
  memory_bound(state, 28.0 * kParams, [&] {
    cpu::adam_step(ctx, kParams, p.data(), g.data(), m.data(), v.data(), 1e-4, 0.9, 0.999, 1e-8, 0.0, false,
                   ++step);
  });
}

void BM_SgdMomentumStep(benchmark::State& state) {
  std::vector<float> p = values(kParams), buf(kParams, 0.0f);
  const auto g = values(kParams, 2);
  const auto ctx = context(state);
  bool first = true;
  memory_bound(state, 20.0 * kParams, [&] {
    cpu::sgd_step(ctx, kParams, p.data(), g.data(), buf.data(), 1e-3, 0.9, 0.0, 0.0, false, first);
    first = false;
  });
}

void BM_SumSquares(benchmark::State& state) {
  const auto g = values(kParams);
  float out = 0;
  const auto ctx = context(state);
  memory_bound(state, 4.0 * kParams, [&] { cpu::sum_squares(ctx, kParams, g.data(), &out); });
}

// ---- convolution helpers and the conv backward passes ----------------------------------------

// A 3x3 64->64 layer on one 64x64 feature map, pad 1 (bench_conv_cpu has the forward).
kern::ConvShape conv3x3(int64_t cin, int64_t cout, int64_t k, int64_t h) {
  kern::ConvShape s;
  s.N = 1;
  s.Cin = cin;
  s.Cout = cout;
  s.H = s.W = h;
  s.KH = s.KW = k;
  s.pad_h = s.pad_w = k / 2;
  s.set_output_size();
  return s;
}

// im2col: reads the input once (4 B x Cin x H x W, re-read from cache 9x) and writes the
// [Cin*9, Hout*Wout] patch matrix: 4 B x 9 x Cin x Hout x Wout. Counted: input + column bytes.
void BM_Im2col(benchmark::State& state) {
  const auto s = conv3x3(64, 64, 3, 64);
  const int64_t in = s.Cin * s.H * s.W, col = s.patch_size() * s.out_plane();
  const auto x = values(in);
  std::vector<float> c(col);
  const auto ctx = context(state);
  memory_bound(state, 4.0 * (in + col), [&] { cpu::im2col(ctx, s, x.data(), 0, s.Hout, c.data()); });
}

void BM_Col2imAdd(benchmark::State& state) {  // the reverse: read the columns, add into dx
  const auto s = conv3x3(64, 64, 3, 64);
  const int64_t in = s.Cin * s.H * s.W, col = s.patch_size() * s.out_plane();
  const auto c = values(col);
  std::vector<float> dx(in, 0.0f);
  const auto ctx = context(state);
  memory_bound(state, 4.0 * (in + col), [&] { cpu::col2im_add(ctx, s, c.data(), 0, s.Hout, dx.data()); });
}

void BM_ChannelBiasAdd(benchmark::State& state) {  // y[n, c, :] += b[c]: 8 B per element
  std::vector<float> y = values(kNumel);
  const auto b = values(kC, 2);
  const auto ctx = context(state);
  memory_bound(state, 8.0 * kNumel, [&] { cpu::channel_bias_add(ctx, kN, kC, kH * kW, b.data(), y.data()); });
}

void BM_ChannelSum(benchmark::State& state) {  // the bias gradient: 4 B read per element
  const auto x = values(kNumel);
  std::vector<float> out(kC);
  const auto ctx = context(state);
  memory_bound(state, 4.0 * kNumel, [&] { cpu::channel_sum(ctx, kN, kC, kH * kW, x.data(), out.data()); });
}

// Conv backward: both passes cost the forward's 2 * N * Cout * Hout * Wout * Cin * KH * KW FLOPs
// (s.macs() multiply-adds): the data gradient is a GEMM W^T dY (then col2im), the weight
// gradient dY X^T over the im2col columns. Per layer (one 64x64 map):
//   3x3 64->64:  2 * 64*64*9 * 4096   = 302 MFLOP each: the GEMM-friendly case, should near %peak;
//   5x5 1->64:   2 * 64*25 * 4096     = 13 MFLOP: K = 25 (weight) / M = 1 (data): little reuse;
//   1x1 56->12:  2 * 56*12 * 4096     = 5.5 MFLOP: a plain skinny GEMM.
// Args: {threads, layer}.
kern::ConvShape conv_layer(int64_t which) {
  switch (which) {
    case 0: return conv3x3(64, 64, 3, 64);
    case 1: return conv3x3(1, 64, 5, 64);
    default: return conv3x3(56, 12, 1, 64);
  }
}
const char* conv_label(int64_t which) {
  return which == 0 ? "3x3 64->64 64x64" : which == 1 ? "5x5 1->64 64x64" : "1x1 56->12 64x64";
}

void BM_ConvBackwardData(benchmark::State& state) {
  const auto s = conv_layer(state.range(1));
  const auto dy = values(s.N * s.Cout * s.out_plane()), w = values(s.Cout * s.patch_size(), 2);
  std::vector<float> dx(s.N * s.Cin * s.in_plane());
  const auto ctx = context(state);
  compute_bound(state, 2.0 * s.macs(),
                [&] { cpu::conv2d_backward_data(ctx, s, dy.data(), w.data(), dx.data()); });
  state.SetLabel(conv_label(state.range(1)));
}

void BM_ConvBackwardWeight(benchmark::State& state) {
  const auto s = conv_layer(state.range(1));
  const auto x = values(s.N * s.Cin * s.in_plane()), dy = values(s.N * s.Cout * s.out_plane(), 2);
  std::vector<float> dw(s.Cout * s.patch_size());
  const auto ctx = context(state);
  compute_bound(state, 2.0 * s.macs(),
                [&] { cpu::conv2d_backward_weight(ctx, s, x.data(), dy.data(), dw.data()); });
  state.SetLabel(conv_label(state.range(1)));
}

// ---- colour: BT.601 RGB -> YCbCr of 16 RGB 256x256 images (the Y-channel metrics, data loading)
// 12 B read + 12 B written per pixel, 9 multiply-adds in double: ~0.75 FLOP/byte, memory bound.
void BM_ColorRgbToYcbcr(benchmark::State& state) {
  const int64_t plane = 256 * 256;
  const auto x = values(16 * 3 * plane);
  std::vector<float> y(16 * 3 * plane);
  const auto t = kern::rgb_to_ycbcr_transform(16, plane);
  const auto ctx = context(state);
  memory_bound(state, 24.0 * 16 * plane, [&] { cpu::color_transform(ctx, t, x.data(), y.data()); });
}

// ---- Gram matrices (texture/style loss): G = F F^T per image, F = [C, H*W] ------------------
// 64 channels of 96x96 (VGG features of a 96x96 crop), batch 4, through cpu::gemm (what
// engine/ops/matmul.cpp's bmm/gram calls per batch item): 2 * 64 * 64 * 9216 = 75.5 MFLOP per
// image on 2.4 MB of F: 32 FLOP/byte, compute bound, but M = N = 64 is a small output.
void BM_Gram(benchmark::State& state) {
  const int64_t B = 4, C = 64, HW = 96 * 96;
  const auto f = values(B * C * HW);
  std::vector<float> g(B * C * C);
  const auto ctx = context(state);
  compute_bound(state, 2.0 * B * C * C * HW, [&] {
    for (int64_t b = 0; b < B; ++b)
      cpu::gemm(ctx, false, true, C, C, HW, 1.0f, f.data() + b * C * HW, HW, f.data() + b * C * HW, HW, 0.0f,
                g.data() + b * C * C, C);
  });
}

// Registration: every benchmark at 1 and 2 threads, wall time, short minimum time (the run
// script asks for repetitions and medians).
#define UPRES_KERNEL_BENCH(fn)                                                                   \
  BENCHMARK(fn)->ArgName("threads")->Arg(1)->Arg(2)->UseManualTime()->Unit(benchmark::kMicrosecond) \
      ->MinTime(0.1)

UPRES_KERNEL_BENCH(BM_StreamCopy);
UPRES_KERNEL_BENCH(BM_StreamTriad);
UPRES_KERNEL_BENCH(BM_Fill);
UPRES_KERNEL_BENCH(BM_Axpy);
UPRES_KERNEL_BENCH(BM_ReluForward);
UPRES_KERNEL_BENCH(BM_ReluBackward);
UPRES_KERNEL_BENCH(BM_PreluForward);
UPRES_KERNEL_BENCH(BM_PreluBackward);
UPRES_KERNEL_BENCH(BM_SigmoidForward);
UPRES_KERNEL_BENCH(BM_BinaryAdd);
UPRES_KERNEL_BENCH(BM_BinaryMulBroadcast);
UPRES_KERNEL_BENCH(BM_ScalarMul);
UPRES_KERNEL_BENCH(BM_UnaryAbs);
UPRES_KERNEL_BENCH(BM_SumAll);
UPRES_KERNEL_BENCH(BM_SumPerChannel);
UPRES_KERNEL_BENCH(BM_SumSpatial);
UPRES_KERNEL_BENCH(BM_L1LossForward);
UPRES_KERNEL_BENCH(BM_MseLossBackward);
UPRES_KERNEL_BENCH(BM_PixelShuffle);
UPRES_KERNEL_BENCH(BM_PixelUnshuffle);
UPRES_KERNEL_BENCH(BM_PadForward);
UPRES_KERNEL_BENCH(BM_PadBackward);
UPRES_KERNEL_BENCH(BM_StridedCopyConcat);
UPRES_KERNEL_BENCH(BM_StridedCopyCrop);
UPRES_KERNEL_BENCH(BM_AvgPool2x2Forward);
UPRES_KERNEL_BENCH(BM_MaxPool2x2Forward);
UPRES_KERNEL_BENCH(BM_MaxPool2x2Backward);
UPRES_KERNEL_BENCH(BM_GlobalAvgPoolForward);
UPRES_KERNEL_BENCH(BM_UpsampleNearestForward);
UPRES_KERNEL_BENCH(BM_UpsampleBilinearForward);
UPRES_KERNEL_BENCH(BM_UpsampleBicubicForward);
UPRES_KERNEL_BENCH(BM_UpsampleNearestBackward);
UPRES_KERNEL_BENCH(BM_UpsampleBilinearBackward);
UPRES_KERNEL_BENCH(BM_UpsampleBicubicBackward);
UPRES_KERNEL_BENCH(BM_BatchNormStats);
UPRES_KERNEL_BENCH(BM_BatchNormForward);
UPRES_KERNEL_BENCH(BM_BatchNormBackward);
UPRES_KERNEL_BENCH(BM_AdamStep);
UPRES_KERNEL_BENCH(BM_SgdMomentumStep);
UPRES_KERNEL_BENCH(BM_SumSquares);
UPRES_KERNEL_BENCH(BM_Im2col);
UPRES_KERNEL_BENCH(BM_Col2imAdd);
UPRES_KERNEL_BENCH(BM_ChannelBiasAdd);
UPRES_KERNEL_BENCH(BM_ChannelSum);
UPRES_KERNEL_BENCH(BM_Gram);
UPRES_KERNEL_BENCH(BM_ColorRgbToYcbcr);

void ConvLayers(benchmark::internal::Benchmark* b) {
  for (int64_t threads : {1, 2})
    for (int64_t layer : {0, 1, 2}) b->Args({threads, layer});
}
BENCHMARK(BM_ConvBackwardData)->Apply(ConvLayers)->ArgNames({"threads", "layer"})->UseManualTime()
    ->Unit(benchmark::kMillisecond)->MinTime(0.1);
BENCHMARK(BM_ConvBackwardWeight)->Apply(ConvLayers)->ArgNames({"threads", "layer"})->UseManualTime()
    ->Unit(benchmark::kMillisecond)->MinTime(0.1);

}  // namespace

BENCHMARK_MAIN();
