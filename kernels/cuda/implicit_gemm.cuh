// implicit_gemm.cuh - one tiled GEMM kernel whose operands are gathered on the fly.
//
// Every convolution pass is a matrix product C = A * B per group, where A and B are not stored
// as matrices: element (m, k) of A and (k, j) of B are computed from the convolution's tensors
// by a small "problem" struct (conv.cuh has the three of them). The kernel never sees a
// tensor layout; it only knows tiles:
//
//   grid  (ceil(cols / 64), ceil(rows / 64), groups * splits), 256 threads per block;
//   block computes a 64 x 64 tile of C, each thread a 4 x 4 micro-tile held in registers,
//   rows ty + 16 i and columns tx + 16 j (tx = thread % 16, ty = thread / 16), so a warp's
//   stores and its shared-memory reads of B touch consecutive addresses;
//   the depth (k) is walked in slices of 8: the block gathers an A tile [8 x 64] and a B tile
//   [8 x 64] into shared memory (2 elements per thread each), syncs, and every thread does
//   8 x 16 FMAs from it.
// Split-K: blockIdx.z also selects a slice [k_begin, k_end) of the depth; the problem's store
// receives the split index and decides where the partial sum goes.
//
// Problem P provides: rows(), cols(), depth(), splits (data members or functions usable on
// the device), a type Col with column(j) (per-column index work done once per thread, not per
// k), a(g, m, k), b(g, k, col) and store(g, split, m, j, value).
//
// Napkin math per k-slice and thread: 4 + 4 shared loads feed 16 FMAs (2 FMA per load; an
// H100 SM does 128 FMA and 32 shared-memory words per clock, so the scalar 4x4 tile is
// shared-memory bound at about half of peak: ~25-30 TFLOP/s is the ceiling of this design,
// before gather costs). Global traffic per block and slice: 2 x 512 floats for 64 x 64 x 8
// FMAs, an arithmetic intensity of 16 FLOP/byte - above the H100's 60/3.3 = 18 only thanks
// to L2 reuse between neighbouring blocks. Wider micro-tiles (8x8, float4 loads) and
// double buffering would be the next steps.
#pragma once

#include <cstdint>

#include "kernels/cuda/launch.h"

namespace upres::UPRES_KERNEL_NS {
namespace igemm {

constexpr int kTileM = 64, kTileN = 64, kTileK = 8, kThreads = 256;
constexpr int kMicro = 4;                    // 4 x 4 outputs per thread
constexpr int kAStride = kTileM + 4;         // padded: the transposed A stores hit 32 banks
constexpr std::size_t kSharedBytes = sizeof(float) * (kTileK * kAStride + kTileK * kTileN);

template <class P>
__global__ void __launch_bounds__(256) kernel(P p, int64_t split_len) {
  float* As = dynamic_shared<float>();  // [kTileK][kAStride]: A tile, transposed (m contiguous)
  float* Bs = As + kTileK * kAStride;   // [kTileK][kTileN]
  const int t = threadIdx.x, tx = t % 16, ty = t / 16;
  const int64_t M = p.rows(), N = p.cols(), K = p.depth();
  const int64_t g = blockIdx.z / p.splits, split = blockIdx.z % p.splits;
  const int64_t m0 = static_cast<int64_t>(blockIdx.y) * kTileM;
  const int64_t j0 = static_cast<int64_t>(blockIdx.x) * kTileN;
  const int64_t k_begin = split * split_len;
  const int64_t k_end = k_begin + split_len < K ? k_begin + split_len : K;

  // What this thread gathers: A rows a_m, a_m + 32 at depth a_k; B depths b_k, b_k + 4 of
  // column b_j (8 consecutive threads read 8 consecutive k of A; a warp reads 32 consecutive
  // columns of B, which are mostly consecutive pixels: coalesced).
  const int a_k = t % kTileK, a_m = t / kTileK;
  const int b_j = t % kTileN, b_k = t / kTileN;
  const bool col_ok = j0 + b_j < N;
  const typename P::Col col = p.column(col_ok ? j0 + b_j : 0);

  float acc[kMicro][kMicro];
  for (int i = 0; i < kMicro; ++i)
    for (int j = 0; j < kMicro; ++j) acc[i][j] = 0.0f;

  for (int64_t k0 = k_begin; k0 < k_end; k0 += kTileK) {
    for (int r = 0; r < 2; ++r) {
      const int64_t m = m0 + a_m + 32 * r, k = k0 + a_k;
      As[a_k * kAStride + a_m + 32 * r] = (m < M && k < k_end) ? p.a(g, m, k) : 0.0f;
      const int64_t kb = k0 + b_k + 4 * r;
      Bs[(b_k + 4 * r) * kTileN + b_j] = (col_ok && kb < k_end) ? p.b(g, kb, col) : 0.0f;
    }
    __syncthreads();
    for (int kk = 0; kk < kTileK; ++kk) {
      float av[kMicro], bv[kMicro];
      for (int i = 0; i < kMicro; ++i) av[i] = As[kk * kAStride + ty + 16 * i];
      for (int j = 0; j < kMicro; ++j) bv[j] = Bs[kk * kTileN + tx + 16 * j];
      for (int i = 0; i < kMicro; ++i)
        for (int j = 0; j < kMicro; ++j) acc[i][j] += av[i] * bv[j];
    }
    __syncthreads();  // before the next slice overwrites the tiles
  }

  for (int i = 0; i < kMicro; ++i) {
    const int64_t m = m0 + ty + 16 * i;
    if (m >= M) continue;
    for (int j = 0; j < kMicro; ++j) {
      const int64_t jj = j0 + tx + 16 * j;
      if (jj < N) p.store(g, split, m, jj, acc[i][j]);
    }
  }
}

// Launches kernel<P> over `groups` groups with the depth cut into p.splits slices of
// split_len (a multiple of kTileK, or the whole depth).
template <class P>
void launch(const P& p, int64_t groups, int64_t split_len, void* stream) {
  const int64_t bx = (p.cols() + kTileN - 1) / kTileN, by = (p.rows() + kTileM - 1) / kTileM;
  if (bx <= 0 || by <= 0 || groups * p.splits <= 0) return;
  UPRES_LAUNCH(kernel<P>, dim3(static_cast<unsigned>(bx), static_cast<unsigned>(by),
                               static_cast<unsigned>(groups * p.splits)),
               dim3(kThreads), kSharedBytes, stream, p, split_len);
}

}  // namespace igemm
}  // namespace upres::UPRES_KERNEL_NS
