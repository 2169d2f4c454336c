// bench_conv_cudnn.cpp - upres's GPU convolutions against cuDNN's best algorithm, per SR layer.
//
// Benchmark only: cuDNN is linked into this program alone (bench/CMakeLists.txt finds it next to
// the CUDA toolkit and skips this file when it is missing); the engine never depends on it.
// Built only in a UPRES_CUDA=ON build; without a GPU at run time it says so and exits with 0.
//
// For every layer shape and pass - forward (y = w * x), backward-data (dx), backward-weight (dw) -
// three implementations are timed with CUDA events on the same stream, median of repetitions:
//   upres_implicit  kernels/cuda/conv.h's implicit GEMMs (conv2d_forward, conv2d_backward_data,
//                   conv2d_backward_weight): patches gathered into shared memory, nothing stored;
//   upres_im2col    conv2d_forward_gemm: im2col into a workspace + cuBLAS SGEMM. upres has this
//                   path for the forward only, so the backward rows have no im2col entry;
//   cudnn           the fastest algorithm cudnnFind*Algorithm reports for the shape, restricted to
//                   plain FP32 FMA math (CUDNN_FMA_MATH: no TF32 tensor cores, the same arithmetic
//                   as upres), with the workspace it asks for.
// Before timing, each upres result is compared with cuDNN's: the largest difference must stay
// below 1e-4 of the largest |value| (sums of K terms in other orders), or the row is an error.
// Counters: GFLOP/s, %peak of the card's FP32 peak (bench/gpu_peaks.h) and x_cudnn = upres time /
// cuDNN time on the same shape and pass (1.0 = as fast; 2.0 = twice as slow).
//
// The layers (useful FLOPs = 2 * N * Cout * Hout * Wout * Cin * KH * KW per pass; H100 SXM ~67 TFLOP/s):
//   3x3 64->64, 256x256, N=1     4.83 GFLOP   inference on one image (EDSR-baseline / SRResNet body)
//   3x3 64->64, 48x48, N=16      2.72 GFLOP   the same layer in a training step
//   3x3 256->256, 48x48, N=16    43.5 GFLOP   EDSR's body: 0.65 ms at peak, the compute-bound case
//   5x5 1->64, 48x48, N=16       118 MFLOP    ESPCN/FSRCNN first layer: K = 25, memory bound
//   1x1 56->12, 48x48, N=16      49.5 MFLOP   FSRCNN shrink: a skinny GEMM, memory bound
//   9x9 deconv 56->1 stride 3, LR 48x48 -> HR 144x144, N=16: 3.0 GFLOP. A transposed convolution is
//     the data gradient of the convolution that maps HR [N, 1, 144, 144] to LR [N, 56, 48, 48]
//     (9x9, stride 3, pad 4); so its forward is that conv's backward-data row, its data gradient
//     the conv's forward row, its weight gradient the conv's backward-weight row.
//
//   build/cuda/bench/bench_conv_cudnn --benchmark_counters_tabular=true
#include <cuda_runtime.h>
#include <cudnn.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "bench/counters.h"
#include "bench/gpu_peaks.h"
#include "engine/dispatch.h"
#include "kernels/context.h"
#include "kernels/cuda/conv.h"

namespace {

namespace kern = upres::kern;

struct Layer {
  const char* name;
  int64_t n, cin, cout, k, h, stride;  // the convolution's input is [n, cin, h, h]
};

const Layer kLayers[] = {
    {"3x3_64_64_256x256_n1", 1, 64, 64, 3, 256, 1},
    {"3x3_64_64_48x48_n16", 16, 64, 64, 3, 48, 1},
    {"3x3_256_256_48x48_n16_edsr", 16, 256, 256, 3, 48, 1},
    {"5x5_1_64_48x48_n16_espcn_fsrcnn", 16, 1, 64, 5, 48, 1},
    {"1x1_56_12_48x48_n16_fsrcnn_shrink", 16, 56, 12, 1, 48, 1},
    {"9x9_deconv_s3_56_1_lr48_n16_fsrcnn", 16, 1, 56, 9, 144, 3},  // see the header comment
};

kern::ConvShape shape_of(const Layer& l) {
  kern::ConvShape s;
  s.N = l.n;
  s.Cin = l.cin;
  s.Cout = l.cout;
  s.H = s.W = l.h;
  s.KH = s.KW = l.k;
  s.stride_h = s.stride_w = l.stride;
  s.pad_h = s.pad_w = l.k / 2;
  s.set_output_size();
  return s;
}

enum class Pass { forward, backward_data, backward_weight };
enum class Impl { implicit, im2col, cudnn };
const char* pass_name(Pass p) {
  return p == Pass::forward ? "forward" : p == Pass::backward_data ? "backward_data" : "backward_weight";
}

const kern::Context& ctx() { return upres::kernel_context(upres::Device::cuda); }
cudaStream_t stream() { return static_cast<cudaStream_t>(ctx().stream); }

#define CUDNN_OK(call)                                                              \
  do {                                                                              \
    cudnnStatus_t st_ = (call);                                                     \
    if (st_ != CUDNN_STATUS_SUCCESS) throw std::string(cudnnGetErrorString(st_));   \
  } while (0)

float* device_values(int64_t n, uint32_t seed) {
  std::vector<float> h(static_cast<size_t>(n));
  uint32_t s = seed;
  for (float& x : h) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<float>(s >> 8) / 16777216.0f - 0.5f;
  }
  float* d = nullptr;
  cudaMalloc(reinterpret_cast<void**>(&d), sizeof(float) * h.size());
  cudaMemcpy(d, h.data(), sizeof(float) * h.size(), cudaMemcpyHostToDevice);
  return d;
}

std::vector<float> download(const float* d, int64_t n) {
  std::vector<float> h(static_cast<size_t>(n));
  cudaMemcpy(h.data(), d, sizeof(float) * h.size(), cudaMemcpyDeviceToHost);
  return h;
}

// An algorithm cudnnFind* timed successfully that does not use tensor cores (TF32 would round
// the inputs to 10-bit mantissas: not the FP32 arithmetic upres does).
bool usable(cudnnStatus_t status, cudnnMathType_t math) {
  return status == CUDNN_STATUS_SUCCESS && math != CUDNN_TENSOR_OP_MATH &&
         math != CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;
}

// The buffers of one layer and cuDNN's descriptors for it.
class Problem {
 public:
  explicit Problem(const Layer& l) : s_(shape_of(l)) {
    x_ = device_values(nx(), 1);
    w_ = device_values(nw(), 2);
    y_ = device_values(ny(), 3);  // also dy
    out_ = device_values(std::max({nx(), nw(), ny()}), 4);
    CUDNN_OK(cudnnCreate(&handle_));
    CUDNN_OK(cudnnSetStream(handle_, stream()));
    CUDNN_OK(cudnnCreateTensorDescriptor(&xd_));
    CUDNN_OK(cudnnCreateTensorDescriptor(&yd_));
    CUDNN_OK(cudnnCreateFilterDescriptor(&wd_));
    CUDNN_OK(cudnnCreateConvolutionDescriptor(&cd_));
    CUDNN_OK(cudnnSetTensor4dDescriptor(xd_, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, int(s_.N), int(s_.Cin),
                                        int(s_.H), int(s_.W)));
    CUDNN_OK(cudnnSetTensor4dDescriptor(yd_, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, int(s_.N), int(s_.Cout),
                                        int(s_.Hout), int(s_.Wout)));
    CUDNN_OK(cudnnSetFilter4dDescriptor(wd_, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, int(s_.Cout), int(s_.Cin),
                                        int(s_.KH), int(s_.KW)));
    CUDNN_OK(cudnnSetConvolution2dDescriptor(cd_, int(s_.pad_h), int(s_.pad_w), int(s_.stride_h),
                                             int(s_.stride_w), 1, 1, CUDNN_CROSS_CORRELATION,
                                             CUDNN_DATA_FLOAT));
    CUDNN_OK(cudnnSetConvolutionMathType(cd_, CUDNN_FMA_MATH));
  }
  ~Problem() {
    cudnnDestroyConvolutionDescriptor(cd_);
    cudnnDestroyFilterDescriptor(wd_);
    cudnnDestroyTensorDescriptor(yd_);
    cudnnDestroyTensorDescriptor(xd_);
    cudnnDestroy(handle_);
    for (float* p : {x_, w_, y_, out_}) cudaFree(p);
    if (ws_) cudaFree(ws_);
  }
  Problem(const Problem&) = delete;
  Problem& operator=(const Problem&) = delete;

  const kern::ConvShape& shape() const { return s_; }
  int64_t nx() const { return s_.N * s_.Cin * s_.in_plane(); }
  int64_t nw() const { return s_.Cout * s_.patch_size(); }
  int64_t ny() const { return s_.N * s_.Cout * s_.out_plane(); }
  int64_t n_out(Pass p) const { return p == Pass::forward ? ny() : p == Pass::backward_data ? nx() : nw(); }
  float* out() const { return out_; }

  // Picks cuDNN's fastest FMA-math algorithm for `pass` (cudnnFind* runs them all once).
  void choose_cudnn(Pass pass) {
    int got = 0;
    bool found = false;
    size_t ws = 0;
    if (pass == Pass::forward) {
      cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
      CUDNN_OK(cudnnFindConvolutionForwardAlgorithm(handle_, xd_, wd_, cd_, yd_, CUDNN_CONVOLUTION_FWD_ALGO_COUNT,
                                                    &got, perf));
      for (int i = 0; i < got && !found; ++i)  // sorted fastest first
        if (usable(perf[i].status, perf[i].mathType))
          found = true, fwd_ = perf[i].algo, ws = perf[i].memory;
    } else if (pass == Pass::backward_data) {
      cudnnConvolutionBwdDataAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
      CUDNN_OK(cudnnFindConvolutionBackwardDataAlgorithm(handle_, wd_, yd_, cd_, xd_,
                                                         CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &got, perf));
      for (int i = 0; i < got && !found; ++i)
        if (usable(perf[i].status, perf[i].mathType))
          found = true, bwd_data_ = perf[i].algo, ws = perf[i].memory;
    } else {
      cudnnConvolutionBwdFilterAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
      CUDNN_OK(cudnnFindConvolutionBackwardFilterAlgorithm(handle_, xd_, yd_, cd_, wd_,
                                                           CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, &got, perf));
      for (int i = 0; i < got && !found; ++i)
        if (usable(perf[i].status, perf[i].mathType))
          found = true, bwd_filter_ = perf[i].algo, ws = perf[i].memory;
    }
    if (!found) throw std::string("cuDNN found no FMA-math algorithm");
    if (ws > ws_bytes_) {
      if (ws_) cudaFree(ws_);
      cudaMalloc(&ws_, ws);
      ws_bytes_ = ws;
    }
    algo_ = pass == Pass::forward ? int(fwd_) : pass == Pass::backward_data ? int(bwd_data_) : int(bwd_filter_);
  }
  int algo() const { return algo_; }

  // Runs one pass of one implementation into out(); false when upres has no such path.
  bool run(Impl impl, Pass pass) {
    const float one = 1.0f, zero = 0.0f;
    if (impl == Impl::cudnn) {
      if (pass == Pass::forward)
        CUDNN_OK(cudnnConvolutionForward(handle_, &one, xd_, x_, wd_, w_, cd_, fwd_, ws_, ws_bytes_, &zero, yd_, out_));
      else if (pass == Pass::backward_data)
        CUDNN_OK(cudnnConvolutionBackwardData(handle_, &one, wd_, w_, yd_, y_, cd_, bwd_data_, ws_, ws_bytes_, &zero,
                                              xd_, out_));
      else
        CUDNN_OK(cudnnConvolutionBackwardFilter(handle_, &one, xd_, x_, yd_, y_, cd_, bwd_filter_, ws_, ws_bytes_,
                                                &zero, wd_, out_));
      return true;
    }
    if (pass == Pass::forward) {
      if (impl == Impl::implicit)
        upres::cuda::conv2d_forward(ctx(), s_, x_, w_, nullptr, out_);
      else
        upres::cuda::conv2d_forward_gemm(ctx(), s_, x_, w_, nullptr, out_);
      return true;
    }
    if (impl == Impl::im2col) return false;
    if (pass == Pass::backward_data)
      upres::cuda::conv2d_backward_data(ctx(), s_, y_, w_, out_);
    else
      upres::cuda::conv2d_backward_weight(ctx(), s_, x_, y_, out_);
    return true;
  }

 private:
  kern::ConvShape s_;
  float *x_ = nullptr, *w_ = nullptr, *y_ = nullptr, *out_ = nullptr;
  cudnnHandle_t handle_ = nullptr;
  cudnnTensorDescriptor_t xd_ = nullptr, yd_ = nullptr;
  cudnnFilterDescriptor_t wd_ = nullptr;
  cudnnConvolutionDescriptor_t cd_ = nullptr;
  cudnnConvolutionFwdAlgo_t fwd_{};
  cudnnConvolutionBwdDataAlgo_t bwd_data_{};
  cudnnConvolutionBwdFilterAlgo_t bwd_filter_{};
  void* ws_ = nullptr;
  size_t ws_bytes_ = 0;
  int algo_ = -1;
};

// Seconds of one run, CUDA events on the shared stream.
double time_once(Problem& p, Impl impl, Pass pass) {
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  cudaEventRecord(start, stream());
  p.run(impl, pass);
  cudaEventRecord(stop, stream());
  cudaEventSynchronize(stop);
  float ms = 0.0f;
  cudaEventElapsedTime(&ms, start, stop);
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return ms * 1e-3;
}

// cuDNN's median time over 7 runs (after a warm-up) per layer and pass, measured once.
double cudnn_seconds(Problem& p, const Layer& l, Pass pass) {
  static std::map<std::pair<std::string, int>, double> cache;
  const auto key = std::make_pair(std::string(l.name), int(pass));
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  p.run(Impl::cudnn, pass);
  std::vector<double> t;
  for (int r = 0; r < 7; ++r) t.push_back(time_once(p, Impl::cudnn, pass));
  std::sort(t.begin(), t.end());
  return cache[key] = t[t.size() / 2];
}

void BM_Conv(benchmark::State& state, Layer l, Pass pass, Impl impl) {
  try {
    Problem p(l);
    p.choose_cudnn(pass);
    if (impl != Impl::cudnn) {  // check against cuDNN before timing
      p.run(Impl::cudnn, pass);
      const auto want = download(p.out(), p.n_out(pass));
      if (!p.run(impl, pass)) {
        state.SkipWithError("upres has no im2col path for this pass");
        return;
      }
      const auto got = download(p.out(), p.n_out(pass));
      double diff = 0.0, scale = 0.0;
      for (size_t i = 0; i < want.size(); ++i) {
        diff = std::max(diff, std::fabs(double(got[i]) - want[i]));
        scale = std::max(scale, std::fabs(double(want[i])));
      }
      if (!(diff <= 1e-4 * scale)) {
        state.SkipWithError(("differs from cuDNN: max |diff| / max |value| = " + std::to_string(diff / scale)).c_str());
        return;
      }
    }
    const double reference = cudnn_seconds(p, l, pass);
    p.run(impl, pass);  // warm-up
    cudaStreamSynchronize(stream());
    double seconds = 0.0;
    for (auto _ : state) {
      const double t = time_once(p, impl, pass);
      state.SetIterationTime(t);
      seconds += t;
    }
    upres::bench::report_flops(state, 2.0 * p.shape().macs(), seconds, upres::bench::gpu_peaks().gflops);
    if (seconds > 0) state.counters["x_cudnn"] = seconds / static_cast<double>(state.iterations()) / reference;
    state.counters["cudnn_algo"] = p.algo();
    if (cudaGetLastError() != cudaSuccess) state.SkipWithError("a CUDA call failed");
  } catch (const std::string& e) {
    state.SkipWithError(("cuDNN: " + e).c_str());
  }
}

void register_all() {
  const std::pair<Impl, const char*> impls[] = {
      {Impl::implicit, "upres_implicit"}, {Impl::im2col, "upres_im2col"}, {Impl::cudnn, "cudnn"}};
  for (const Layer& l : kLayers)
    for (Pass pass : {Pass::forward, Pass::backward_data, Pass::backward_weight})
      for (const auto& [impl, impl_name] : impls) {
        if (impl == Impl::im2col && pass != Pass::forward) continue;  // forward-only path
        const std::string name = std::string(l.name) + "/" + pass_name(pass) + "/" + impl_name;
        benchmark::RegisterBenchmark(name.c_str(), BM_Conv, l, pass, impl)
            ->UseManualTime()
            ->Unit(benchmark::kMicrosecond)
            ->MinTime(0.1);
      }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (!upres::bench::gpu_present()) {
    std::printf("bench_conv_cudnn: no CUDA GPU present; nothing to measure\n");
    return 0;
  }
  upres::bench::print_gpu_peaks();
  std::printf("cuDNN %zu (FP32 FMA math only; x_cudnn = upres time / cuDNN time)\n", cudnnGetVersion());
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
