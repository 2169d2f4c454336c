// bench_kernels_cuda.cpp - the kernel families of bench_kernels_cpu on the GPU (kernels/cuda/*.h),
// plus the imresize passes (bench_resize_cpu on the cpu). SGEMM vs cuBLAS: bench_sgemm_cuda; conv
// vs cuDNN: bench_conv_cudnn; SSIM and TV: bench_ssim_tv.
//
// Built only in a UPRES_CUDA=ON build; without a GPU at run time it says so and exits with 0.
// Each benchmark times its kernel with CUDA events around the launch on the backend's stream
// (GPU time, not launch time), after one untimed warm-up; run with --benchmark_repetitions=5
// for medians (bench/run_all.sh does). Counters as on the cpu: GB/s of compulsory traffic and
// %bw of the card's stated bandwidth, or GFLOP/s and %peak of its FP32 (non-tensor) peak; the
// card and its peaks come from bench/gpu_peaks.h (H100 SXM: 3.35 TB/s, ~67 TFLOP/s; H100 PCIe:
// 2.0 TB/s, ~51 TFLOP/s) and are printed first. The measured device-to-device copy
// (cudaMemcpyAsync, BM_DeviceCopy) is the practical ceiling: ~90% of the stated number on HBM.
//
// The standard tensor is bigger than the cpu's: [32, 64, 96, 96] = 18.9 M floats = 75 MB, so
// input plus output (150 MB) does not fit the H100's 50 MB L2 and the numbers are HBM numbers.
// Napkin math: relu forward moves 8 B per element = 151 MB: 45 us at 3.35 TB/s. Kernels of a
// few microseconds (the optimiser on small nets, per-channel helpers) are launch-latency bound
// (~3-5 us per launch) - which is why the sizes here are large.
//
//   build/cuda/bench/bench_kernels_cuda --benchmark_counters_tabular=true
#include <cuda_runtime.h>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <algorithm>
#include <vector>

#include "bench/counters.h"
#include "bench/gpu_peaks.h"
#include "engine/dispatch.h"
#include "kernels/context.h"
#include "kernels/cuda/activation.h"
#include "kernels/cuda/basic.h"
#include "kernels/cuda/color.h"
#include "kernels/cuda/conv.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/norm.h"
#include "kernels/cuda/optim.h"
#include "kernels/cuda/pool.h"
#include "kernels/cuda/reduce.h"
#include "kernels/cuda/resize.h"
#include "kernels/cuda/sgemm.h"
#include "kernels/cuda/shape.h"
#include "kernels/cuda/shuffle.h"
#include "kernels/cuda/upsample.h"

namespace {

namespace cuda = upres::cuda;
namespace kern = upres::kern;

constexpr int64_t kN = 32, kC = 64, kH = 96, kW = 96;
constexpr int64_t kNumel = kN * kC * kH * kW;  // 18.9 M floats, 75 MB

const kern::Context& ctx() { return upres::kernel_context(upres::Device::cuda); }
cudaStream_t stream() { return static_cast<cudaStream_t>(ctx().stream); }

// A device buffer of floats filled with values in [-0.5, 0.5) (a small LCG, uploaded once).
class Buffer {
 public:
  explicit Buffer(int64_t n, uint32_t seed = 1) : n_(n) {
    cudaMalloc(reinterpret_cast<void**>(&p_), sizeof(float) * static_cast<size_t>(n));
    std::vector<float> h(static_cast<size_t>(n));
    uint32_t s = seed;
    for (float& x : h) {
      s = s * 1664525u + 1013904223u;
      x = static_cast<float>(s >> 8) / 16777216.0f - 0.5f;
    }
    cudaMemcpy(p_, h.data(), sizeof(float) * h.size(), cudaMemcpyHostToDevice);
  }
  ~Buffer() { cudaFree(p_); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  float* get() const { return p_; }
  int64_t size() const { return n_; }

 private:
  float* p_ = nullptr;
  int64_t n_ = 0;
};

// Times `launch` with events on the backend's stream; returns the seconds summed.
template <typename F>
double timed(benchmark::State& state, F&& launch) {
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  launch();  // warm-up (and, for cuBLAS paths, workspace setup)
  cudaStreamSynchronize(stream());
  double seconds = 0.0;
  for (auto _ : state) {
    cudaEventRecord(start, stream());
    launch();
    cudaEventRecord(stop, stream());
    cudaEventSynchronize(stop);
    float ms = 0.0f;
    cudaEventElapsedTime(&ms, start, stop);
    state.SetIterationTime(ms * 1e-3);
    seconds += ms * 1e-3;
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  if (cudaGetLastError() != cudaSuccess) state.SkipWithError("a CUDA call failed");
  return seconds;
}

// GB/s and %bw of the card's stated bandwidth.
void report_bytes_gpu(benchmark::State& state, double bytes_per_iteration, double seconds) {
  if (seconds <= 0.0) return;
  const double gbs = bytes_per_iteration * static_cast<double>(state.iterations()) * 1e-9 / seconds;
  state.counters["GB/s"] = gbs;
  state.counters["%bw"] = 100.0 * gbs / upres::bench::gpu_peaks().gbs;
}

template <typename F>
void memory_bound(benchmark::State& state, double bytes, F&& launch) {
  report_bytes_gpu(state, bytes, timed(state, launch));
}

template <typename F>
void compute_bound(benchmark::State& state, double flops, F&& launch) {
  upres::bench::report_flops(state, flops, timed(state, launch), upres::bench::gpu_peaks().gflops);
}

// ---- the ceiling: a device-to-device copy by the copy engine / driver, 8 B per element --------
void BM_DeviceCopy(benchmark::State& state) {
  Buffer a(kNumel), b(kNumel);
  memory_bound(state, 8.0 * kNumel, [&] {
    cudaMemcpyAsync(b.get(), a.get(), sizeof(float) * kNumel, cudaMemcpyDeviceToDevice, stream());
  });
}

// ---- element-wise and activations --------------------------------------------------------------
void BM_Fill(benchmark::State& state) {  // 4 B written
  Buffer y(kNumel);
  memory_bound(state, 4.0 * kNumel, [&] { cuda::fill(ctx(), kNumel, 0.25f, y.get()); });
}

void BM_Axpy(benchmark::State& state) {  // 12 B, 2 FLOPs
  Buffer x(kNumel), y(kNumel, 2);
  memory_bound(state, 12.0 * kNumel, [&] { cuda::axpy(ctx(), kNumel, 1e-3f, x.get(), y.get()); });
}

void BM_ReluForward(benchmark::State& state) {  // 8 B
  Buffer x(kNumel), y(kNumel);
  memory_bound(state, 8.0 * kNumel, [&] { cuda::relu_forward(ctx(), kNumel, x.get(), y.get()); });
}

void BM_ReluBackward(benchmark::State& state) {  // 12 B
  Buffer x(kNumel), dy(kNumel, 2), dx(kNumel);
  memory_bound(state, 12.0 * kNumel, [&] { cuda::relu_backward(ctx(), kNumel, x.get(), dy.get(), dx.get()); });
}

kern::PreluShape prelu_shape() {
  kern::PreluShape s;
  s.outer = kN;
  s.channels = kC;
  s.inner = kH * kW;
  return s;
}

void BM_PreluForward(benchmark::State& state) {  // 8 B
  Buffer x(kNumel), w(kC, 2), y(kNumel);
  memory_bound(state, 8.0 * kNumel, [&] { cuda::prelu_forward(ctx(), prelu_shape(), x.get(), w.get(), y.get()); });
}

void BM_PreluBackward(benchmark::State& state) {  // 12 B + the per-channel slope sums
  Buffer x(kNumel), w(kC, 2), dy(kNumel, 3), dx(kNumel), dw(kC);
  memory_bound(state, 12.0 * kNumel, [&] {
    cuda::prelu_backward(ctx(), prelu_shape(), x.get(), w.get(), dy.get(), dx.get(), dw.get());
  });
}

void BM_SigmoidForward(benchmark::State& state) {  // 8 B, ~20 FLOPs (expf): still memory bound
  Buffer x(kNumel), y(kNumel);
  memory_bound(state, 8.0 * kNumel, [&] { cuda::sigmoid_forward(ctx(), kNumel, x.get(), y.get()); });
}

void BM_BinaryAdd(benchmark::State& state) {  // 12 B
  Buffer a(kNumel), b(kNumel, 2), y(kNumel);
  kern::BroadcastShape s;
  kern::make_broadcast({kN, kC, kH, kW}, {kN, kC, kH, kW}, {kN, kC, kH, kW}, &s);
  memory_bound(state, 12.0 * kNumel,
               [&] { cuda::binary_forward(ctx(), kern::BinaryOp::add, s, a.get(), b.get(), y.get()); });
}

void BM_BinaryMulBroadcast(benchmark::State& state) {  // 8 B (the [N, C, 1, 1] operand stays cached)
  Buffer a(kNumel), b(kN * kC, 2), y(kNumel);
  kern::BroadcastShape s;
  kern::make_broadcast({kN, kC, kH, kW}, {kN, kC, 1, 1}, {kN, kC, kH, kW}, &s);
  memory_bound(state, 8.0 * kNumel,
               [&] { cuda::binary_forward(ctx(), kern::BinaryOp::mul, s, a.get(), b.get(), y.get()); });
}

void BM_ScalarMul(benchmark::State& state) {  // 8 B
  Buffer x(kNumel), y(kNumel);
  memory_bound(state, 8.0 * kNumel,
               [&] { cuda::scalar_forward(ctx(), kern::ScalarOp::mul, kNumel, x.get(), 0.1f, y.get()); });
}

void BM_UnaryAbs(benchmark::State& state) {  // 8 B
  Buffer x(kNumel), y(kNumel);
  kern::UnaryParams p;
  p.op = kern::UnaryOp::abs;
  memory_bound(state, 8.0 * kNumel, [&] { cuda::unary_forward(ctx(), p, kNumel, x.get(), y.get()); });
}

// ---- reductions: 4 B read per element ---------------------------------------------------------
template <bool... R>
void sum_bench(benchmark::State& state, int64_t out_numel) {
  Buffer x(kNumel), y(out_numel);
  kern::ReduceShape s;
  kern::make_reduce({kN, kC, kH, kW}, {R...}, &s);
  memory_bound(state, 4.0 * kNumel, [&] { cuda::sum_reduce(ctx(), s, 1.0f, x.get(), y.get()); });
}
void BM_SumAll(benchmark::State& st) { sum_bench<true, true, true, true>(st, 1); }
void BM_SumPerChannel(benchmark::State& st) { sum_bench<true, false, true, true>(st, kC); }
void BM_SumSpatial(benchmark::State& st) { sum_bench<false, false, true, true>(st, kN * kC); }

void BM_L1LossForward(benchmark::State& state) {  // 8 B
  Buffer a(kNumel), b(kNumel, 2), out(1);
  memory_bound(state, 8.0 * kNumel,
               [&] { cuda::l1_loss_forward(ctx(), kNumel, a.get(), b.get(), 1.0f / kNumel, out.get()); });
}

void BM_MseLossBackward(benchmark::State& state) {  // 16 B
  Buffer a(kNumel), b(kNumel, 2), g(1), ga(kNumel), gb(kNumel);
  memory_bound(state, 16.0 * kNumel, [&] {
    cuda::mse_loss_backward(ctx(), kNumel, a.get(), b.get(), g.get(), 1.0f / kNumel, ga.get(), gb.get());
  });
}

// ---- layout -----------------------------------------------------------------------------------
kern::ShuffleShape shuffle_shape() {
  kern::ShuffleShape s;
  s.n = kN;
  s.c = kC / 4;
  s.h = kH;
  s.w = kW;
  s.r = 2;
  return s;
}

void BM_PixelShuffle(benchmark::State& state) {  // 8 B
  Buffer x(kNumel), y(kNumel);
  memory_bound(state, 8.0 * kNumel, [&] { cuda::pixel_shuffle(ctx(), shuffle_shape(), x.get(), y.get()); });
}

void BM_PixelUnshuffle(benchmark::State& state) {
  Buffer x(kNumel), y(kNumel);
  memory_bound(state, 8.0 * kNumel, [&] { cuda::pixel_unshuffle(ctx(), shuffle_shape(), x.get(), y.get()); });
}

kern::PadShape pad_shape() {
  kern::PadShape s;
  s.planes = kN * kC;
  s.h = kH;
  s.w = kW;
  s.top = s.bottom = s.left = s.right = 1;
  s.mode = kern::PadMode::reflect;
  return s;
}

void BM_PadForward(benchmark::State& state) {
  const auto s = pad_shape();
  const int64_t out = s.planes * s.out_h() * s.out_w();
  Buffer x(kNumel), y(out);
  memory_bound(state, 4.0 * (kNumel + out), [&] { cuda::pad_forward(ctx(), s, x.get(), y.get()); });
}

void BM_PadBackward(benchmark::State& state) {
  const auto s = pad_shape();
  const int64_t out = s.planes * s.out_h() * s.out_w();
  Buffer dy(out), dx(kNumel);
  memory_bound(state, 4.0 * (kNumel + out), [&] { cuda::pad_backward(ctx(), s, dy.get(), dx.get()); });
}

void BM_StridedCopyConcat(benchmark::State& state) {  // into half of a [N, 2C, H, W]: 8 B
  Buffer x(kNumel), y(2 * kNumel);
  kern::CopyShape s;
  s.planes = kN;
  s.rows = 1;
  s.cols = kC * kH * kW;
  s.src_plane_stride = kC * kH * kW;
  s.dst_plane_stride = 2 * kC * kH * kW;
  s.src_row_stride = s.dst_row_stride = s.cols;
  memory_bound(state, 8.0 * kNumel, [&] { cuda::strided_copy(ctx(), s, x.get(), y.get()); });
}

void BM_StridedCopyCrop(benchmark::State& state) {  // an 80x80 window of every 96x96 plane
  Buffer x(kNumel), y(kN * kC * 80 * 80);
  kern::CopyShape s;
  s.planes = kN * kC;
  s.rows = s.cols = 80;
  s.src_plane_stride = kH * kW;
  s.src_row_stride = kW;
  s.dst_plane_stride = 80 * 80;
  s.dst_row_stride = 80;
  memory_bound(state, 8.0 * kN * kC * 80 * 80, [&] { cuda::strided_copy(ctx(), s, x.get(), y.get()); });
}

// ---- pooling ----------------------------------------------------------------------------------
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

void BM_AvgPool2x2Forward(benchmark::State& state) {  // 5 B per input element
  Buffer x(kNumel), y(kNumel / 4);
  memory_bound(state, 5.0 * kNumel, [&] { cuda::avg_pool2d_forward(ctx(), pool2(), x.get(), y.get()); });
}

void BM_MaxPool2x2Forward(benchmark::State& state) {
  Buffer x(kNumel), y(kNumel / 4);
  memory_bound(state, 5.0 * kNumel, [&] { cuda::max_pool2d_forward(ctx(), pool2(), x.get(), y.get()); });
}

void BM_MaxPool2x2Backward(benchmark::State& state) {  // 9 B
  Buffer x(kNumel), dy(kNumel / 4, 2), dx(kNumel);
  memory_bound(state, 9.0 * kNumel,
               [&] { cuda::max_pool2d_backward(ctx(), pool2(), x.get(), dy.get(), dx.get()); });
}

void BM_GlobalAvgPoolForward(benchmark::State& state) {  // 4 B
  Buffer x(kNumel), y(kN * kC);
  kern::PoolShape s = pool2();
  s.out_h = s.out_w = 1;
  memory_bound(state, 4.0 * kNumel, [&] { cuda::adaptive_avg_pool2d_forward(ctx(), s, x.get(), y.get()); });
}

// ---- upsampling x2: [32, 3, 256, 256] -> [32, 3, 512, 512], 20 B per input pixel -----------------
template <void (*Fn)(const kern::Context&, const kern::UpsampleShape&, const float*, float*)>
void upsample(benchmark::State& state, bool backward) {
  kern::UpsampleShape s;
  s.planes = 32 * 3;
  s.in_h = s.in_w = 256;
  s.out_h = s.out_w = 512;
  const int64_t small = s.planes * s.in_h * s.in_w, large = s.planes * s.out_h * s.out_w;
  Buffer x(backward ? large : small), y(backward ? small : large);
  memory_bound(state, 4.0 * (small + large), [&] { Fn(ctx(), s, x.get(), y.get()); });
}
void BM_UpsampleNearestForward(benchmark::State& st) { upsample<cuda::upsample_nearest_forward>(st, false); }
void BM_UpsampleBilinearForward(benchmark::State& st) { upsample<cuda::upsample_bilinear_forward>(st, false); }
void BM_UpsampleBicubicForward(benchmark::State& st) { upsample<cuda::upsample_bicubic_forward>(st, false); }
void BM_UpsampleNearestBackward(benchmark::State& st) { upsample<cuda::upsample_nearest_backward>(st, true); }
void BM_UpsampleBilinearBackward(benchmark::State& st) { upsample<cuda::upsample_bilinear_backward>(st, true); }
void BM_UpsampleBicubicBackward(benchmark::State& st) { upsample<cuda::upsample_bicubic_backward>(st, true); }

// ---- batch norm -------------------------------------------------------------------------------
kern::BatchNormShape bn_shape() {
  kern::BatchNormShape s;
  s.n = kN;
  s.c = kC;
  s.hw = kH * kW;
  return s;
}

void BM_BatchNormStats(benchmark::State& state) {  // 4 B
  Buffer x(kNumel), mean(kC), var(kC);
  memory_bound(state, 4.0 * kNumel, [&] { cuda::batch_norm_stats(ctx(), bn_shape(), x.get(), mean.get(), var.get()); });
}

void BM_BatchNormForward(benchmark::State& state) {  // 8 B
  Buffer x(kNumel), w(kC, 2), b(kC, 3), mean(kC, 4), var(kC, 5), y(kNumel);
  cuda::fill(ctx(), kC, 1.0f, var.get());
  memory_bound(state, 8.0 * kNumel, [&] {
    cuda::batch_norm_forward(ctx(), bn_shape(), x.get(), mean.get(), var.get(), 1e-5f, w.get(), b.get(), y.get());
  });
}

void BM_BatchNormBackward(benchmark::State& state) {  // 12 B compulsory
  Buffer x(kNumel), dy(kNumel, 2), w(kC, 3), mean(kC, 4), var(kC, 5), dx(kNumel), dw(kC), db(kC);
  cuda::fill(ctx(), kC, 1.0f, var.get());
  memory_bound(state, 12.0 * kNumel, [&] {
    cuda::batch_norm_backward(ctx(), bn_shape(), x.get(), dy.get(), mean.get(), var.get(), 1e-5f, w.get(), true,
                              dx.get(), dw.get(), db.get());
  });
}

// ---- optimiser: 2^24 = 16.8 M parameters (an EDSR-large-sized net; smaller ones are launch bound)
constexpr int64_t kParams = 1 << 24;

void BM_AdamStep(benchmark::State& state) {  // 28 B, ~15 FLOPs
  Buffer p(kParams), g(kParams, 2), m(kParams, 3), v(kParams, 4);
  cuda::fill(ctx(), kParams, 0.0f, m.get());
  cuda::fill(ctx(), kParams, 0.0f, v.get());
  int64_t step = 0;
  memory_bound(state, 28.0 * kParams, [&] {
    cuda::adam_step(ctx(), kParams, p.get(), g.get(), m.get(), v.get(), 1e-4, 0.9, 0.999, 1e-8, 0.0, false, ++step);
  });
}

void BM_SgdMomentumStep(benchmark::State& state) {  // 20 B
  Buffer p(kParams), g(kParams, 2), buf(kParams, 3);
  bool first = true;
  memory_bound(state, 20.0 * kParams, [&] {
    cuda::sgd_step(ctx(), kParams, p.get(), g.get(), buf.get(), 1e-3, 0.9, 0.0, 0.0, false, first);
    first = false;
  });
}

void BM_SumSquares(benchmark::State& state) {  // 4 B
  Buffer g(kParams), out(1);
  memory_bound(state, 4.0 * kParams, [&] { cuda::sum_squares(ctx(), kParams, g.get(), out.get()); });
}

// ---- conv helpers and conv backward (bench_conv_cudnn compares these with cuDNN) ----------------
void BM_ChannelBiasAdd(benchmark::State& state) {  // 8 B
  Buffer y(kNumel), b(kC, 2);
  memory_bound(state, 8.0 * kNumel, [&] { cuda::channel_bias_add(ctx(), kN, kC, kH * kW, b.get(), y.get()); });
}

void BM_ChannelSum(benchmark::State& state) {  // 4 B
  Buffer x(kNumel), out(kC);
  memory_bound(state, 4.0 * kNumel, [&] { cuda::channel_sum(ctx(), kN, kC, kH * kW, x.get(), out.get()); });
}

// Batch 16 of 48x48 (a training step): 3x3 64->64 = 2 * 16*2304 * 64*576 = 2.72 GFLOP per pass,
// 40 us at 67 TFLOP/s; 5x5 1->64 = 118 MFLOP; 1x1 56->12 = 49.5 MFLOP (these two are memory bound).
kern::ConvShape conv_layer(int64_t which) {
  kern::ConvShape s;
  s.N = 16;
  s.H = s.W = 48;
  const int64_t cin[] = {64, 1, 56}, cout[] = {64, 64, 12}, k[] = {3, 5, 1};
  s.Cin = cin[which];
  s.Cout = cout[which];
  s.KH = s.KW = k[which];
  s.pad_h = s.pad_w = k[which] / 2;
  s.set_output_size();
  return s;
}
const char* conv_label(int64_t which) {
  return which == 0 ? "3x3 64->64 16x48x48" : which == 1 ? "5x5 1->64 16x48x48" : "1x1 56->12 16x48x48";
}

void BM_ConvForward(benchmark::State& state) {  // the implicit GEMM
  const auto s = conv_layer(state.range(0));
  Buffer x(s.N * s.Cin * s.in_plane()), w(s.Cout * s.patch_size(), 2), b(s.Cout, 3), y(s.N * s.Cout * s.out_plane());
  compute_bound(state, 2.0 * s.macs(), [&] { cuda::conv2d_forward(ctx(), s, x.get(), w.get(), b.get(), y.get()); });
  state.SetLabel(conv_label(state.range(0)));
}

void BM_ConvBackwardData(benchmark::State& state) {
  const auto s = conv_layer(state.range(0));
  Buffer dy(s.N * s.Cout * s.out_plane()), w(s.Cout * s.patch_size(), 2), dx(s.N * s.Cin * s.in_plane());
  compute_bound(state, 2.0 * s.macs(), [&] { cuda::conv2d_backward_data(ctx(), s, dy.get(), w.get(), dx.get()); });
  state.SetLabel(conv_label(state.range(0)));
}

void BM_ConvBackwardWeight(benchmark::State& state) {
  const auto s = conv_layer(state.range(0));
  Buffer x(s.N * s.Cin * s.in_plane()), dy(s.N * s.Cout * s.out_plane(), 2), dw(s.Cout * s.patch_size());
  compute_bound(state, 2.0 * s.macs(), [&] { cuda::conv2d_backward_weight(ctx(), s, x.get(), dy.get(), dw.get()); });
  state.SetLabel(conv_label(state.range(0)));
}

// ---- colour and imresize (the data pipeline and the Y-channel metrics, on the GPU) --------------
// rgb_to_ycbcr on [32, 3, 512, 512]: 12 B read + 12 B written per pixel, 9 multiply-adds in double
// (H100: FP64 is 1/2 of FP32 - still memory bound at 0.75 FLOP/byte).
void BM_ColorRgbToYcbcr(benchmark::State& state) {
  const int64_t plane = 512 * 512;
  Buffer x(32 * 3 * plane), y(32 * 3 * plane);
  const auto t = kern::rgb_to_ycbcr_transform(32, plane);
  memory_bound(state, 24.0 * 32 * plane, [&] { cuda::color_transform(ctx(), t, x.get(), y.get()); });
}

// One imresize pass, bicubic x1/2 with antialiasing (8 taps per output: the kernel widened 2x),
// [32, 3, 512, 512] -> 256 along one axis. A synthetic table (clamped neighbours, equal weights)
// has the real table's access pattern. 2 FLOPs per tap; 4 B per input read + 4 B per output
// written: 8 taps x 2 / 12 B = 1.3 FLOP/byte, memory bound (if the gather coalesces).
// Arg: 0 = width pass, 1 = height pass.
void BM_ResizePass(benchmark::State& state) {
  const bool height = state.range(0) == 1;
  kern::ResizeShape s;
  s.planes = 32 * 3;
  s.in_h = s.in_w = 512;
  s.out_h = height ? 256 : 512;
  s.out_w = height ? 512 : 256;
  s.taps = 8;
  const int64_t out_len = 256, in_len = 512;
  std::vector<int32_t> index(out_len * s.taps);
  for (int64_t o = 0; o < out_len; ++o)
    for (int64_t k = 0; k < s.taps; ++k)
      index[o * s.taps + k] = static_cast<int32_t>(std::clamp<int64_t>(2 * o - 3 + k, 0, in_len - 1));
  int32_t* d_index = nullptr;
  cudaMalloc(reinterpret_cast<void**>(&d_index), sizeof(int32_t) * index.size());
  cudaMemcpy(d_index, index.data(), sizeof(int32_t) * index.size(), cudaMemcpyHostToDevice);
  Buffer weight(out_len * s.taps), x(s.planes * s.in_h * s.in_w), y(s.planes * s.out_h * s.out_w);
  cuda::fill(ctx(), weight.size(), 1.0f / s.taps, weight.get());
  const double bytes = 4.0 * (x.size() + y.size());
  memory_bound(state, bytes, [&] {
    if (height)
      cuda::resize_height_forward(ctx(), s, x.get(), d_index, weight.get(), y.get());
    else
      cuda::resize_width_forward(ctx(), s, x.get(), d_index, weight.get(), y.get());
  });
  if (state.iterations() > 0 && state.counters.count("GB/s"))
    state.counters["GFLOP/s"] = state.counters["GB/s"] / bytes * 2.0 * s.macs();
  state.SetLabel(height ? "height pass" : "width pass");
  cudaFree(d_index);
}

// ---- Gram: 16 images x 64 channels of 96x96, G = F F^T through cuda::gemm per image ------------
// 2 * 64 * 64 * 9216 = 75.5 MFLOP per image; only a 64x64 output each: parallelism-bound.
void BM_Gram(benchmark::State& state) {
  const int64_t B = 16, C = 64, HW = 96 * 96;
  Buffer f(B * C * HW), g(B * C * C);
  compute_bound(state, 2.0 * B * C * C * HW, [&] {
    for (int64_t b = 0; b < B; ++b)
      cuda::gemm(ctx(), false, true, C, C, HW, 1.0f, f.get() + b * C * HW, HW, f.get() + b * C * HW, HW, 0.0f,
                 g.get() + b * C * C, C);
  });
}

#define UPRES_GPU_BENCH(fn) BENCHMARK(fn)->UseManualTime()->Unit(benchmark::kMicrosecond)->MinTime(0.1)

UPRES_GPU_BENCH(BM_DeviceCopy);
UPRES_GPU_BENCH(BM_Fill);
UPRES_GPU_BENCH(BM_Axpy);
UPRES_GPU_BENCH(BM_ReluForward);
UPRES_GPU_BENCH(BM_ReluBackward);
UPRES_GPU_BENCH(BM_PreluForward);
UPRES_GPU_BENCH(BM_PreluBackward);
UPRES_GPU_BENCH(BM_SigmoidForward);
UPRES_GPU_BENCH(BM_BinaryAdd);
UPRES_GPU_BENCH(BM_BinaryMulBroadcast);
UPRES_GPU_BENCH(BM_ScalarMul);
UPRES_GPU_BENCH(BM_UnaryAbs);
UPRES_GPU_BENCH(BM_SumAll);
UPRES_GPU_BENCH(BM_SumPerChannel);
UPRES_GPU_BENCH(BM_SumSpatial);
UPRES_GPU_BENCH(BM_L1LossForward);
UPRES_GPU_BENCH(BM_MseLossBackward);
UPRES_GPU_BENCH(BM_PixelShuffle);
UPRES_GPU_BENCH(BM_PixelUnshuffle);
UPRES_GPU_BENCH(BM_PadForward);
UPRES_GPU_BENCH(BM_PadBackward);
UPRES_GPU_BENCH(BM_StridedCopyConcat);
UPRES_GPU_BENCH(BM_StridedCopyCrop);
UPRES_GPU_BENCH(BM_AvgPool2x2Forward);
UPRES_GPU_BENCH(BM_MaxPool2x2Forward);
UPRES_GPU_BENCH(BM_MaxPool2x2Backward);
UPRES_GPU_BENCH(BM_GlobalAvgPoolForward);
UPRES_GPU_BENCH(BM_UpsampleNearestForward);
UPRES_GPU_BENCH(BM_UpsampleBilinearForward);
UPRES_GPU_BENCH(BM_UpsampleBicubicForward);
UPRES_GPU_BENCH(BM_UpsampleNearestBackward);
UPRES_GPU_BENCH(BM_UpsampleBilinearBackward);
UPRES_GPU_BENCH(BM_UpsampleBicubicBackward);
UPRES_GPU_BENCH(BM_BatchNormStats);
UPRES_GPU_BENCH(BM_BatchNormForward);
UPRES_GPU_BENCH(BM_BatchNormBackward);
UPRES_GPU_BENCH(BM_AdamStep);
UPRES_GPU_BENCH(BM_SgdMomentumStep);
UPRES_GPU_BENCH(BM_SumSquares);
UPRES_GPU_BENCH(BM_ChannelBiasAdd);
UPRES_GPU_BENCH(BM_ChannelSum);
UPRES_GPU_BENCH(BM_ConvForward)->ArgName("layer")->DenseRange(0, 2);
UPRES_GPU_BENCH(BM_ConvBackwardData)->ArgName("layer")->DenseRange(0, 2);
UPRES_GPU_BENCH(BM_ConvBackwardWeight)->ArgName("layer")->DenseRange(0, 2);
UPRES_GPU_BENCH(BM_Gram);
UPRES_GPU_BENCH(BM_ColorRgbToYcbcr);
UPRES_GPU_BENCH(BM_ResizePass)->ArgName("height")->DenseRange(0, 1);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (!upres::bench::gpu_present()) {
    std::printf("bench_kernels_cuda: no CUDA GPU present; nothing to measure\n");
    return 0;
  }
  upres::bench::print_gpu_peaks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
