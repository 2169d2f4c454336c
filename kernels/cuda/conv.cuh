// conv.cuh - convolution as implicit GEMMs (implicit_gemm.cuh), plus the im2col + cuBLAS
// alternative and the per-channel helpers.
//
// Per group g (cig = Cin/groups input and cog = Cout/groups output channels, K = cig*KH*KW),
// the three passes are matrix products whose operands are gathered from the tensors:
//
//   pass             rows      columns               depth (summed)        A            B
//   forward          co (cog)  (n, oh, ow) N*Ho*Wo   (c, kh, kw)  K        w            x patches
//   backward_data    c  (cig)  (n, ih, iw) N*H*W     (co, kh, kw) cog*KH*KW w transposed dy "un-patches"
//   backward_weight  co (cog)  (c, kh, kw) K         (n, oh, ow)  N*Ho*Wo  dy           x patches
//
// backward_data is the gather form: each dx pixel (ih, iw) asks which output pixels read it,
// oh = (ih + pad - kh*dil) / stride when that divides exactly and lands inside; so every dx
// element is written once, by one thread, without atomics (and pixels no window covers get 0).
// backward_weight sums over every pixel of every image: a long depth and few output tiles
// (e.g. 64 x 576 for a 64->64 3x3 layer: 9 blocks for 132 SMs). Split-K cuts that depth into
// slices run by separate blocks; each slice writes its partial dw into a workspace and a second
// kernel adds the slices in a fixed order, so the result is deterministic (no atomics).
//
// Napkin math, forward of a 64 -> 64 3x3 layer on 16 x 128 x 128: 2 * 64 * 576 * 262144 =
// 19.3 GFLOP, moving x (67 MB), w (0.15 MB) and y (67 MB) at least once: ~140 FLOP/byte, far
// above the H100's balance point (60 TFLOP/s / 3.3 TB/s = 18), so compute bound: ~0.3 ms at
// peak, ~0.7 ms at the ~25 TFLOP/s this scalar 4x4 tiling can reach. The im2col path writes
// and reads a K x N*Ho*Wo column matrix (604 MB here) on top: ~0.4 ms of pure traffic, which
// is why cuDNN-style kernels gather instead.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/cuda/blas.h"
#include "kernels/cuda/conv.h"
#include "kernels/cuda/grid.h"
#include "kernels/cuda/implicit_gemm.cuh"
#include "kernels/cuda/launch.h"

#if defined(__CUDACC__)
#include "kernels/cuda/check.h"
#endif

namespace upres::UPRES_KERNEL_NS {

namespace {

// ---- the three problems ------------------------------------------------------------------------

// y[n, g*cog + co, oh, ow] = sum over (c, kh, kw) of w[g*cog + co, c, kh, kw] * x[n, g*cig + c, ih, iw]
struct ForwardProblem {
  kern::ConvShape s;
  const float* x;
  const float* w;
  const float* bias;
  float* y;
  int64_t splits = 1;

  __host__ __device__ int64_t rows() const { return s.Cout / s.groups; }
  __host__ __device__ int64_t cols() const { return s.N * s.Hout * s.Wout; }
  __host__ __device__ int64_t depth() const { return s.Cin / s.groups * s.KH * s.KW; }

  struct Col {
    int64_t n, ih0, iw0;  // image, top-left input pixel of the window (may be in the padding)
  };
  __device__ Col column(int64_t j) const {
    const int64_t P = s.Hout * s.Wout, p = j % P;
    return {j / P, (p / s.Wout) * s.stride_h - s.pad_h, (p % s.Wout) * s.stride_w - s.pad_w};
  }
  __device__ float a(int64_t g, int64_t m, int64_t k) const {
    return w[(g * rows() + m) * depth() + k];
  }
  __device__ float b(int64_t g, int64_t k, const Col& c) const {
    const int64_t taps = s.KH * s.KW, ci = k / taps, r = k % taps;
    const int64_t ih = c.ih0 + (r / s.KW) * s.dilation_h, iw = c.iw0 + (r % s.KW) * s.dilation_w;
    if (ih < 0 || ih >= s.H || iw < 0 || iw >= s.W) return 0.0f;
    return x[((c.n * s.Cin + g * (s.Cin / s.groups) + ci) * s.H + ih) * s.W + iw];
  }
  __device__ void store(int64_t g, int64_t, int64_t m, int64_t j, float v) const {
    const int64_t P = s.Hout * s.Wout, co = g * rows() + m;
    if (bias) v += bias[co];
    y[((j / P) * s.Cout + co) * P + j % P] = v;
  }
};

// dx[n, g*cig + c, ih, iw] = sum over (co, kh, kw) of w[g*cog + co, c, kh, kw] * dy[n, g*cog + co, oh, ow]
// for the (oh, ow) whose window reads (ih, iw) through tap (kh, kw).
struct BackwardDataProblem {
  kern::ConvShape s;
  const float* dy;
  const float* w;
  float* dx;
  int64_t splits = 1;

  __host__ __device__ int64_t rows() const { return s.Cin / s.groups; }
  __host__ __device__ int64_t cols() const { return s.N * s.H * s.W; }
  __host__ __device__ int64_t depth() const { return s.Cout / s.groups * s.KH * s.KW; }

  struct Col {
    int64_t n, ihp, iwp;  // image, input pixel shifted by the padding
  };
  __device__ Col column(int64_t j) const {
    const int64_t plane = s.H * s.W, p = j % plane;
    return {j / plane, p / s.W + s.pad_h, p % s.W + s.pad_w};
  }
  __device__ float a(int64_t g, int64_t m, int64_t k) const {
    const int64_t taps = s.KH * s.KW, co = k / taps, r = k % taps;
    return w[((g * (s.Cout / s.groups) + co) * rows() + m) * taps + r];
  }
  __device__ float b(int64_t g, int64_t k, const Col& c) const {
    const int64_t taps = s.KH * s.KW, co = k / taps, r = k % taps;
    const int64_t th = c.ihp - (r / s.KW) * s.dilation_h, tw = c.iwp - (r % s.KW) * s.dilation_w;
    if (th < 0 || tw < 0 || th % s.stride_h != 0 || tw % s.stride_w != 0) return 0.0f;
    const int64_t oh = th / s.stride_h, ow = tw / s.stride_w;
    if (oh >= s.Hout || ow >= s.Wout) return 0.0f;
    return dy[((c.n * s.Cout + g * (s.Cout / s.groups) + co) * s.Hout + oh) * s.Wout + ow];
  }
  __device__ void store(int64_t g, int64_t, int64_t m, int64_t j, float v) const {
    const int64_t plane = s.H * s.W;
    dx[((j / plane) * s.Cin + g * rows() + m) * plane + j % plane] = v;
  }
};

// dw[g*cog + co, c, kh, kw] = sum over (n, oh, ow) of dy[n, g*cog + co, oh, ow] * x[n, g*cig + c, ih, iw].
// With splits > 1, slice `split` of the depth goes to partial[split][Cout][K] instead.
struct BackwardWeightProblem {
  kern::ConvShape s;
  const float* x;
  const float* dy;
  float* dw;
  float* partial;
  int64_t splits = 1;

  __host__ __device__ int64_t rows() const { return s.Cout / s.groups; }
  __host__ __device__ int64_t cols() const { return s.Cin / s.groups * s.KH * s.KW; }
  __host__ __device__ int64_t depth() const { return s.N * s.Hout * s.Wout; }

  struct Col {
    int64_t c, dh, dw;  // input channel in the group, tap offsets kh*dil_h - pad_h, kw*dil_w - pad_w
  };
  __device__ Col column(int64_t j) const {
    const int64_t taps = s.KH * s.KW, r = j % taps;
    return {j / taps, (r / s.KW) * s.dilation_h - s.pad_h, (r % s.KW) * s.dilation_w - s.pad_w};
  }
  __device__ float a(int64_t g, int64_t m, int64_t k) const {
    const int64_t P = s.Hout * s.Wout;
    return dy[((k / P) * s.Cout + g * rows() + m) * P + k % P];
  }
  __device__ float b(int64_t g, int64_t k, const Col& c) const {
    const int64_t P = s.Hout * s.Wout, n = k / P, p = k % P;
    const int64_t ih = (p / s.Wout) * s.stride_h + c.dh, iw = (p % s.Wout) * s.stride_w + c.dw;
    if (ih < 0 || ih >= s.H || iw < 0 || iw >= s.W) return 0.0f;
    return x[((n * s.Cin + g * (s.Cin / s.groups) + c.c) * s.H + ih) * s.W + iw];
  }
  __device__ void store(int64_t g, int64_t split, int64_t m, int64_t j, float v) const {
    const int64_t at = (g * rows() + m) * cols() + j;
    if (splits == 1)
      dw[at] = v;
    else
      partial[split * s.Cout * cols() + at] = v;
  }
};

// ---- scratch memory and the cuBLAS handle ------------------------------------------------------

// Device memory for the life of one kernel call: stream-ordered cudaMallocAsync/cudaFreeAsync
// on the GPU; under simt device memory is host memory, filled with NaN like the simt
// allocator's, so a kernel that reads what nobody wrote shows up.
class Scratch {
 public:
  Scratch(int64_t floats, void* stream) : stream_(stream) {
#if defined(__CUDACC__)
    UPRES_CUDA_CHECK(cudaMallocAsync(reinterpret_cast<void**>(&data_), sizeof(float) * floats,
                                     static_cast<cudaStream_t>(stream_)));
#else
    host_.assign(static_cast<size_t>(floats), __builtin_nanf(""));
    data_ = host_.data();
#endif
  }
  ~Scratch() {
#if defined(__CUDACC__)
    cudaFreeAsync(data_, static_cast<cudaStream_t>(stream_));  // no throw from a destructor
#endif
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  float* data() const { return data_; }

 private:
  float* data_ = nullptr;
  void* stream_;
#if !defined(__CUDACC__)
  std::vector<float> host_;
#endif
};

// The context's cuBLAS handle, or one made for this OS thread on first use (the engine's
// contexts do not carry one yet); bound to the context's stream.
cublasHandle_t blas_handle(const kern::Context& ctx) {
  struct Owned {
    cublasHandle_t h = nullptr;
    ~Owned() {
      if (h) cublasDestroy(h);
    }
  };
  cublasHandle_t h = static_cast<cublasHandle_t>(ctx.blas);
  if (!h) {
    thread_local Owned owned;
    if (!owned.h) UPRES_CUBLAS_CHECK(cublasCreate(&owned.h));
    h = owned.h;
  }
#if defined(__CUDACC__)
  UPRES_CUBLAS_CHECK(cublasSetStream(h, static_cast<cudaStream_t>(ctx.stream)));
#else
  UPRES_CUBLAS_CHECK(cublasSetStream(h, ctx.stream));
#endif
  return h;
}

// ---- streaming helpers -------------------------------------------------------------------------

// col[n][k][p] = x patch value for images n0 .. n0 + count of group g (0 in the padding).
// 0 FLOPs, 4 bytes written per element (the x reads mostly hit L1/L2: each x pixel is read by
// up to KH*KW neighbours).
__global__ void im2col_kernel(kern::ConvShape s, const float* x, int64_t n0, int64_t count,
                              int64_t g, float* col) {
  const int64_t P = s.Hout * s.Wout, taps = s.KH * s.KW, K = s.Cin / s.groups * taps;
  const int64_t total = count * K * P;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
       e += stride) {
    const int64_t p = e % P, k = (e / P) % K, n = n0 + e / (P * K);
    const int64_t ci = k / taps, r = k % taps;
    const int64_t ih = (p / s.Wout) * s.stride_h - s.pad_h + (r / s.KW) * s.dilation_h;
    const int64_t iw = (p % s.Wout) * s.stride_w - s.pad_w + (r % s.KW) * s.dilation_w;
    const bool inside = ih >= 0 && ih < s.H && iw >= 0 && iw < s.W;
    col[e] = inside ? x[((n * s.Cin + g * (s.Cin / s.groups) + ci) * s.H + ih) * s.W + iw] : 0.0f;
  }
}

// out[i] = sum over s < splits of partial[s * n + i], in order s = 0, 1, ...: deterministic.
// Reads splits * 4 bytes per output, 1 FLOP each: memory bound, small next to the GEMM.
__global__ void sum_slices_kernel(int64_t n, int64_t splits, const float* partial, float* out) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    float sum = 0.0f;
    for (int64_t sp = 0; sp < splits; ++sp) sum += partial[sp * n + i];
    out[i] = sum;
  }
}

// y[n, c, :] += bias[c]: 8 bytes moved per element, 1 FLOP.
__global__ void channel_bias_add_kernel(int64_t total, int64_t C, int64_t plane, const float* bias,
                                        float* y) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += stride)
    y[i] += bias[(i / plane) % C];
}

// One block per channel: each thread sums its strided share of the channel's N planes in
// double, then the block adds the 256 partial sums with warp shuffles and a shared array of
// the 8 warp sums, always in the same order (deterministic). Reads 4 bytes per element; for
// a 64-channel gradient of 16 x 128 x 128 that is 67 MB, ~20 us at 3.3 TB/s, although 64
// blocks occupy only half of an H100's SMs.
constexpr int kSumThreads = 256;
__global__ void channel_sum_kernel(int64_t N, int64_t C, int64_t plane, const float* x, float* out) {
  __shared__ double warp_sums[kSumThreads / 32];
  const int64_t c = blockIdx.x;
  double sum = 0.0;
  for (int64_t n = 0; n < N; ++n) {
    const float* p = x + (n * C + c) * plane;
    for (int64_t j = threadIdx.x; j < plane; j += blockDim.x) sum += p[j];
  }
  for (int offset = 16; offset > 0; offset /= 2) sum += __shfl_down_sync(0xffffffffu, sum, offset);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) warp_sums[warp] = sum;
  __syncthreads();
  if (threadIdx.x == 0) {
    double total = 0.0;
    for (int i = 0; i < kSumThreads / 32; ++i) total += warp_sums[i];
    out[c] = static_cast<float>(total);
  }
}

// Split-K geometry of backward_weight: enough blocks to fill the GPU (kTargetBlocks, 2 per
// H100 SM), slices no shorter than kMinSlice pixels, at most kMaxSplits slices.
constexpr int64_t kTargetBlocks = 264, kMinSlice = 64, kMaxSplits = 64;
int64_t weight_splits(const BackwardWeightProblem& p, int64_t groups, int64_t* slice) {
  const int64_t R = p.depth();
  const int64_t tiles = groups * ((p.rows() + igemm::kTileM - 1) / igemm::kTileM) *
                        ((p.cols() + igemm::kTileN - 1) / igemm::kTileN);
  int64_t want = (kTargetBlocks + tiles - 1) / tiles;
  const int64_t most = (R + kMinSlice - 1) / kMinSlice;
  if (want > most) want = most;
  if (want > kMaxSplits) want = kMaxSplits;
  if (want < 1) want = 1;
  int64_t len = (R + want - 1) / want;
  len = (len + igemm::kTileK - 1) / igemm::kTileK * igemm::kTileK;  // slices start on tile edges
  *slice = len;
  return (R + len - 1) / len;
}

}  // namespace

// ---- the kernels of conv.h ---------------------------------------------------------------------

void conv2d_forward(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                    const float* w, const float* bias, float* y) {
  ForwardProblem p{s, x, w, bias, y};
  igemm::launch(p, s.groups, p.depth(), ctx.stream);
}

void conv2d_backward_data(const kern::Context& ctx, const kern::ConvShape& s, const float* dy,
                          const float* w, float* dx) {
  BackwardDataProblem p{s, dy, w, dx};
  igemm::launch(p, s.groups, p.depth(), ctx.stream);
}

void conv2d_backward_weight(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                            const float* dy, float* dw) {
  BackwardWeightProblem p{s, x, dy, dw, nullptr};
  if (p.rows() <= 0 || p.cols() <= 0) return;
  if (p.depth() <= 0) {  // no pixels: the gradient is 0
    const int64_t n = s.Cout * p.cols();
    UPRES_LAUNCH(sum_slices_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0,
                 ctx.stream, n, int64_t{0}, dw, dw);
    return;
  }
  int64_t slice = 0;
  p.splits = weight_splits(p, s.groups, &slice);
  if (p.splits == 1) {
    igemm::launch(p, s.groups, slice, ctx.stream);
    return;
  }
  const int64_t n = s.Cout * p.cols();
  Scratch partial(p.splits * n, ctx.stream);
  p.partial = partial.data();
  igemm::launch(p, s.groups, slice, ctx.stream);
  UPRES_LAUNCH(sum_slices_kernel, dim3(kern::stream_blocks(n)), dim3(kern::kStreamThreads), 0,
               ctx.stream, n, p.splits, partial.data(), dw);
}

void conv2d_backward_bias(const kern::Context& ctx, const kern::ConvShape& s, const float* dy,
                          float* db) {
  channel_sum(ctx, s.N, s.Cout, s.Hout * s.Wout, dy, db);
}

void channel_bias_add(const kern::Context& ctx, int64_t N, int64_t C, int64_t plane,
                      const float* bias, float* y) {
  const int64_t total = N * C * plane;
  if (total <= 0) return;
  UPRES_LAUNCH(channel_bias_add_kernel, dim3(kern::stream_blocks(total)), dim3(kern::kStreamThreads),
               0, ctx.stream, total, C, plane, bias, y);
}

void channel_sum(const kern::Context& ctx, int64_t N, int64_t C, int64_t plane, const float* x,
                 float* out) {
  if (C <= 0) return;
  UPRES_LAUNCH(channel_sum_kernel, dim3(static_cast<unsigned>(C)), dim3(kSumThreads), 0, ctx.stream,
               N, C, plane, x, out);
}

// im2col + cuBLAS. Per group and chunk of images: im2col into col[n][K][P], then for each image
// y_g[n] (cog x P, row-major) = W_g (cog x K) * col[n] (K x P). In cuBLAS's column-major terms
// that is y_g^T (P x cog, ld P) = col^T (P x K, ld P) * W_g^T (K x cog, ld K): no transposes,
// one strided-batched call over the images (W shared: stride 0; y: stride Cout*P).
// A pointwise 1x1 convolution (stride 1, no padding) skips im2col: x itself is col.
void conv2d_forward_gemm(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                         const float* w, const float* bias, float* y) {
  const int64_t cig = s.Cin / s.groups, cog = s.Cout / s.groups, K = cig * s.KH * s.KW;
  const int64_t P = s.Hout * s.Wout;
  if (s.N <= 0 || cog <= 0 || P <= 0) return;
  cublasHandle_t h = blas_handle(ctx);
  const float one = 1.0f, zero = 0.0f;
  const bool pointwise = s.KH == 1 && s.KW == 1 && s.stride_h == 1 && s.stride_w == 1 &&
                         s.pad_h == 0 && s.pad_w == 0 && s.Hout == s.H && s.Wout == s.W;
  if (pointwise) {
    for (int64_t g = 0; g < s.groups; ++g)
      UPRES_CUBLAS_CHECK(cublasSgemmStridedBatched(
          h, CUBLAS_OP_N, CUBLAS_OP_N, int(P), int(cog), int(K), &one, x + g * cig * P, int(P),
          static_cast<long long>(s.Cin * P), w + g * cog * K, int(K), 0LL, &zero,
          y + g * cog * P, int(P), static_cast<long long>(s.Cout * P), int(s.N)));
  } else {
    // Images per chunk: the column buffer stays under 2^26 floats (256 MB).
    int64_t chunk = (int64_t{1} << 26) / (K * P);
    if (chunk < 1) chunk = 1;
    if (chunk > s.N) chunk = s.N;
    Scratch col(chunk * K * P, ctx.stream);
    for (int64_t n0 = 0; n0 < s.N; n0 += chunk) {
      const int64_t count = n0 + chunk <= s.N ? chunk : s.N - n0;
      for (int64_t g = 0; g < s.groups; ++g) {
        const int64_t total = count * K * P;
        UPRES_LAUNCH(im2col_kernel, dim3(kern::stream_blocks(total)), dim3(kern::kStreamThreads), 0,
                     ctx.stream, s, x, n0, count, g, col.data());
        UPRES_CUBLAS_CHECK(cublasSgemmStridedBatched(
            h, CUBLAS_OP_N, CUBLAS_OP_N, int(P), int(cog), int(K), &one, col.data(), int(P),
            static_cast<long long>(K * P), w + g * cog * K, int(K), 0LL, &zero,
            y + (n0 * s.Cout + g * cog) * P, int(P), static_cast<long long>(s.Cout * P),
            int(count)));
      }
    }
  }
  if (bias) channel_bias_add(ctx, s.N, s.Cout, P, bias, y);
}

}  // namespace upres::UPRES_KERNEL_NS
