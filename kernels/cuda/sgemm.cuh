// sgemm.cuh - single-precision GEMM as CUDA kernels, one numbered version per idea (sgemm.h has
// the contract). Each version is a separate kernel, readable on its own; together they walk the
// road from "one thread per output" to the structure cuBLAS-class kernels use.
//
// Napkin math for the whole family, on an H100 SXM (132 SMs, ~60 TFLOP/s FP32 without tensor
// cores, ~3.3 TB/s HBM3, 228 KiB shared memory and 64K registers per SM):
//   a GEMM does 2*M*N*K FLOPs and must move at least 4*(M*K + K*N + M*N) bytes; for square n
//   that is an arithmetic intensity of n/6 FLOP/byte, so from n ~ 110 up (60e12 / 3.3e12 = 18
//   FLOP/byte) it is compute-bound *if* each byte is fetched from DRAM once. The kernels below
//   differ in how many times each element of A and B is re-read, and from where (DRAM/L2,
//   shared memory, registers): that is what each version improves.
//
// Conventions shared by all versions:
//   - op(A)(i, k) and op(B)(k, j) are read through the transposes (Operand below), so every
//     kernel handles NN, NT, TN and TT; only the float4 tile loader of v4/v5 cares which
//     direction is contiguous in memory.
//   - Blocks are numbered in one dimension (blockIdx.x = tile_row * tiles_n + tile_col): 2^31-1
//     blocks, no 65535 limit on gridDim.y.
//   - Edges: loads outside op(A)/op(B) read 0, stores outside C are skipped; so any M, N, K.
//   - Epilogue: C = alpha*acc + beta*C, and C is not read when beta == 0 (BLAS semantics).
#pragma once

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "kernels/cuda/blas.h"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/sgemm.h"

// Unrolling fixed-trip loops is what keeps the register tiles in registers under nvcc; the host
// compiler (simt) has no such pragma (and does not need it).
#if defined(__CUDACC__)
#define UPRES_SGEMM_UNROLL _Pragma("unroll")
#else
#define UPRES_SGEMM_UNROLL
#endif

namespace upres::UPRES_KERNEL_NS {

namespace sgemm_detail {

// A matrix operand as the kernels see it: op(X)(r, c) for r in [0, rows), c in [0, cols).
struct Operand {
  const float* p;
  int64_t ld;
  bool trans;  // stored transposed: op(X)(r, c) = p[c * ld + r]
  int rows, cols;
  bool vec;  // float4 loads allowed: p 16-byte aligned and ld % 4 == 0 (checked on the host)

  __device__ __forceinline__ float at(int r, int c) const {
    return trans ? p[static_cast<int64_t>(c) * ld + r] : p[static_cast<int64_t>(r) * ld + c];
  }
  // op(X)(r, c), or 0 outside the matrix (the edge tiles).
  __device__ __forceinline__ float at_or_zero(int r, int c) const {
    return r < rows && c < cols ? at(r, c) : 0.0f;
  }
};

struct Output {
  float* p;
  int64_t ld;
  int rows, cols;
  float alpha, beta;

  __device__ __forceinline__ void store(int i, int j, float acc) const {
    if (i >= rows || j >= cols) return;
    float* c = p + static_cast<int64_t>(i) * ld + j;
    *c = beta == 0.0f ? alpha * acc : alpha * acc + beta * *c;
  }
};

// ---- v1: naive ------------------------------------------------------------------------------
// One thread per element of C: c(i, j) = sum_k op(A)(i, k) * op(B)(k, j), straight from global
// memory. A block is 32 x 8 threads; threadIdx.x runs along a row of C, so a warp reads one
// element of op(A) (a broadcast) and 32 consecutive elements of op(B) (coalesced when B is not
// transposed).
// Napkin math: every thread reads 2K floats for 2K FLOPs: 0.25 FLOP/byte from the memory
// system. L1/L2 absorb much of the re-reading, but the kernel stays load-bound at a few percent
// of the 60 TFLOP/s peak (~1-2 TFLOP/s expected at n = 4096).
constexpr int kV1X = 32, kV1Y = 8;

__global__ void sgemm_v1_naive(Operand a, Operand b, Output c, int K, int tiles_n) {
  const int tile_row = blockIdx.x / tiles_n, tile_col = blockIdx.x % tiles_n;
  const int i = tile_row * kV1Y + threadIdx.y, j = tile_col * kV1X + threadIdx.x;
  if (i >= c.rows || j >= c.cols) return;
  float acc = 0.0f;
  for (int k = 0; k < K; ++k) acc += a.at(i, k) * b.at(k, j);
  c.store(i, j, acc);
}

// ---- v2: shared-memory tiling -----------------------------------------------------------------
// A 16 x 16 block computes a 16 x 16 tile of C. It walks K in steps of 16: the block copies a
// 16 x 16 tile of op(A) and one of op(B) into shared memory (one element per thread), waits,
// and each thread does 16 multiply-adds from shared memory. Each element loaded from global
// memory is now used 16 times. The +1 column of padding keeps the column reads of the A tile
// on distinct banks.
// Napkin math: per tile step, 2 * 256 floats (2 KiB) loaded for 2 * 16^3 = 8192 FLOPs: 4
// FLOP/byte from L2/DRAM; but every FMA still needs two shared-memory loads (LDS), and shared
// memory bandwidth (~32 floats per SM per cycle) then caps it near 1/3 of peak; expect
// ~15-25% of peak.
constexpr int kV2Tile = 16;

__global__ void sgemm_v2_shared(Operand a, Operand b, Output c, int K, int tiles_n) {
  __shared__ float as[kV2Tile][kV2Tile + 1];
  __shared__ float bs[kV2Tile][kV2Tile + 1];
  const int tile_row = blockIdx.x / tiles_n, tile_col = blockIdx.x % tiles_n;
  const int ty = threadIdx.y, tx = threadIdx.x;
  const int i = tile_row * kV2Tile + ty, j = tile_col * kV2Tile + tx;
  float acc = 0.0f;
  for (int k0 = 0; k0 < K; k0 += kV2Tile) {
    as[ty][tx] = a.at_or_zero(i, k0 + tx);
    bs[ty][tx] = b.at_or_zero(k0 + ty, j);
    __syncthreads();
    for (int k = 0; k < kV2Tile; ++k) acc += as[ty][k] * bs[k][tx];
    __syncthreads();  // nobody overwrites the tiles while another thread still reads them
  }
  c.store(i, j, acc);
}

// ---- v3: 1-D register blocking ---------------------------------------------------------------
// A block of 512 threads computes a 64 x 64 tile of C; each thread a column of TM = 8
// consecutive results (rows r*8 .. r*8+7 of column t % 64). Per step of BK = 8 along K, the
// block stages a 64 x 8 tile of op(A) and an 8 x 64 tile of op(B) (one element per thread), and
// each thread, for each k, loads ONE value of B into a register and reuses it for 8 FMAs.
// Napkin math: per thread and k: 1 + 8 shared loads for 8 FMAs (v2: 2 loads per FMA), i.e.
// shared traffic down ~1.8x; global: 4 KiB per 64*64*8*2 = 65536 FLOPs = 16 FLOP/byte. Expect
// roughly 30-40% of peak.
constexpr int kV3BM = 64, kV3BN = 64, kV3BK = 8, kV3TM = 8;
constexpr int kV3Threads = kV3BM * kV3BN / kV3TM;  // 512

__global__ void sgemm_v3_blocktile_1d(Operand a, Operand b, Output c, int K, int tiles_n) {
  __shared__ float as[kV3BM][kV3BK];
  __shared__ float bs[kV3BK][kV3BN];
  const int tile_row = blockIdx.x / tiles_n, tile_col = blockIdx.x % tiles_n;
  const int row0 = tile_row * kV3BM, col0 = tile_col * kV3BN;
  const int t = threadIdx.x;
  const int my_col = t % kV3BN, my_row0 = (t / kV3BN) * kV3TM;  // my 8 rows of the tile
  // Which element of each tile this thread copies (64 * 8 = 8 * 64 = 512 = one each).
  const int a_r = t / kV3BK, a_k = t % kV3BK, b_k = t / kV3BN, b_c = t % kV3BN;
  float acc[kV3TM] = {};
  for (int k0 = 0; k0 < K; k0 += kV3BK) {
    as[a_r][a_k] = a.at_or_zero(row0 + a_r, k0 + a_k);
    bs[b_k][b_c] = b.at_or_zero(k0 + b_k, col0 + b_c);
    __syncthreads();
    for (int k = 0; k < kV3BK; ++k) {
      const float bv = bs[k][my_col];
      UPRES_SGEMM_UNROLL
      for (int m = 0; m < kV3TM; ++m) acc[m] += as[my_row0 + m][k] * bv;
    }
    __syncthreads();
  }
  UPRES_SGEMM_UNROLL
  for (int m = 0; m < kV3TM; ++m) c.store(row0 + my_row0 + m, col0 + my_col, acc[m]);
}

// ---- the tile loader of v4 and v5 --------------------------------------------------------------
// Copies the BD x BK tile of an operand, rows [d0, d0 + BD) of the "outer" dimension (M for A,
// N for B) and [k0, k0 + BK) of K, into shared memory as sh[k * BD + d]: k-major, so that the
// compute loop reads, for one k, BD consecutive values (two float4 per thread).
//   - A not transposed, B transposed: memory is contiguous along k. Each thread reads float4s of
//     4 consecutive k and scatters them into 4 rows of sh (the transposed A tile of the llm.c
//     kernels).
//   - A transposed, B not transposed: contiguous along d; float4s land as float4s in sh.
// `x.vec` (pointer 16-byte aligned, ld % 4 == 0) makes every float4 start aligned, because d0,
// k0 and the 4-groups are multiples of 4. A float4 that crosses the matrix edge, or any load
// when !x.vec, falls back to 4 scalar loads with zero fill.
// x is addressed as op(X)(d, k) for A (d = i) and op(X)(k, d) for B (d = j), hence `is_b`.
template <int BD, int BK, int NT>
__device__ __forceinline__ void load_tile(const Operand& x, bool is_b, int d0, int k0, float* sh) {
  const int D = is_b ? x.cols : x.rows, Kn = is_b ? x.rows : x.cols;
  // Memory is contiguous along k when the stored matrix is op(X) itself (A) or its transpose (B).
  const bool k_contiguous = is_b ? x.trans : !x.trans;
  constexpr int kGroups = BD * BK / 4;
  for (int g = threadIdx.x; g < kGroups; g += NT) {
    int d, k;  // the first of the 4 consecutive elements of this group
    if (k_contiguous) {
      d = g / (BK / 4);
      k = (g % (BK / 4)) * 4;
    } else {
      k = g / (BD / 4);
      d = (g % (BD / 4)) * 4;
    }
    const int gd = d0 + d, gk = k0 + k;
    float v[4];
    const bool full = k_contiguous ? (gd < D && gk + 3 < Kn) : (gk < Kn && gd + 3 < D);
    if (x.vec && full) {
      // Stored row gd (k-contiguous) or gk (d-contiguous); the 4 elements follow each other.
      const int64_t off = k_contiguous ? static_cast<int64_t>(gd) * x.ld + gk
                                       : static_cast<int64_t>(gk) * x.ld + gd;
      const float4 f = *reinterpret_cast<const float4*>(x.p + off);
      v[0] = f.x, v[1] = f.y, v[2] = f.z, v[3] = f.w;
    } else {
      for (int q = 0; q < 4; ++q) {
        const int dd = k_contiguous ? gd : gd + q, kk = k_contiguous ? gk + q : gk;
        v[q] = is_b ? x.at_or_zero(kk, dd) : x.at_or_zero(dd, kk);
      }
    }
    if (k_contiguous) {
      for (int q = 0; q < 4; ++q) sh[(k + q) * BD + d] = v[q];
    } else {
      *reinterpret_cast<float4*>(sh + k * BD + d) = make_float4(v[0], v[1], v[2], v[3]);
    }
  }
}

// ---- v4: 2-D register blocking, float4 loads --------------------------------------------------
// A block of 256 threads computes a 128 x 128 tile of C; each thread an 8 x 8 micro-tile
// (thread (r, c) of a 16 x 16 grid owns rows r*8.. and columns c*8..). Per k it loads 8 values
// of the A tile and 8 of the B tile into registers (two float4 each) and does their 64-term
// outer product. The tiles are staged with float4 global loads, the A tile transposed (k-major)
// so the 8 A values of one k are contiguous too.
// Napkin math: per thread and k, 4 LDS.128 for 64 FMAs (v3: 9 LDS.32 for 8 FMAs): shared memory
// is no longer the limit; global: 8 KiB per 128*128*8*2 = 262144 FLOPs = 32 FLOP/byte. 64
// accumulators + 16 operands per thread: ptxas (sm_90) uses 96 registers, so 2 blocks per SM.
// Expect ~60-75% of peak at n = 4096 (Boehm's measurements of the same structure on an A6000:
// ~70% of cuBLAS).
constexpr int kV4BM = 128, kV4BN = 128, kV4BK = 8, kV4TM = 8, kV4TN = 8;
constexpr int kV4Threads = (kV4BM / kV4TM) * (kV4BN / kV4TN);  // 256

__global__ void sgemm_v4_blocktile_2d(Operand a, Operand b, Output c, int K, int tiles_n) {
  __shared__ __align__(16) float as[kV4BK * kV4BM];  // as[k * BM + i]: the A tile, transposed
  __shared__ __align__(16) float bs[kV4BK * kV4BN];  // bs[k * BN + j]
  const int tile_row = blockIdx.x / tiles_n, tile_col = blockIdx.x % tiles_n;
  const int row0 = tile_row * kV4BM, col0 = tile_col * kV4BN;
  const int t = threadIdx.x;
  const int my_row0 = (t / (kV4BN / kV4TN)) * kV4TM, my_col0 = (t % (kV4BN / kV4TN)) * kV4TN;
  float acc[kV4TM][kV4TN] = {};
  float ra[kV4TM], rb[kV4TN];
  for (int k0 = 0; k0 < K; k0 += kV4BK) {
    load_tile<kV4BM, kV4BK, kV4Threads>(a, false, row0, k0, as);
    load_tile<kV4BN, kV4BK, kV4Threads>(b, true, col0, k0, bs);
    __syncthreads();
    for (int k = 0; k < kV4BK; ++k) {
      UPRES_SGEMM_UNROLL
      for (int q = 0; q < kV4TM; q += 4) {
        const float4 f = *reinterpret_cast<const float4*>(as + k * kV4BM + my_row0 + q);
        ra[q] = f.x, ra[q + 1] = f.y, ra[q + 2] = f.z, ra[q + 3] = f.w;
      }
      UPRES_SGEMM_UNROLL
      for (int q = 0; q < kV4TN; q += 4) {
        const float4 f = *reinterpret_cast<const float4*>(bs + k * kV4BN + my_col0 + q);
        rb[q] = f.x, rb[q + 1] = f.y, rb[q + 2] = f.z, rb[q + 3] = f.w;
      }
      UPRES_SGEMM_UNROLL
      for (int m = 0; m < kV4TM; ++m) {
        UPRES_SGEMM_UNROLL
        for (int n = 0; n < kV4TN; ++n) acc[m][n] += ra[m] * rb[n];
      }
    }
    __syncthreads();
  }
  UPRES_SGEMM_UNROLL
  for (int m = 0; m < kV4TM; ++m)
    UPRES_SGEMM_UNROLL
    for (int n = 0; n < kV4TN; ++n) c.store(row0 + my_row0 + m, col0 + my_col0 + n, acc[m][n]);
}

// ---- v5: warp tiling ------------------------------------------------------------------------
// The hierarchy of the hardware, mirrored in the tiling: a block tile (128 x 128, staged in
// shared memory 16 deep along K) is split into 2 x 2 warp tiles of 64 x 64; a warp covers its
// tile in 2 x 2 steps of 32 x 32 sub-tiles, and in each sub-tile its 32 lanes form a 4 x 8 grid
// of 8 x 4 thread micro-tiles. So each thread owns 2*2*8*4 = 128 results, and at any moment the
// 32 lanes of a warp read a 32-float column strip of the A tile and a 32-float row strip of the
// B tile from shared memory: few distinct addresses (broadcasts), no bank conflicts, and the
// register micro-tiles of a warp sit next to each other (the structure CUTLASS and cuBLAS use).
// 128 threads (4 warps) per block.
// Napkin math: per thread and k, 16 + 8 operand loads (4 + 2 LDS.128) for 128 FMAs: 5.3 FMA per
// loaded float (v4: 4); global: 16 KiB per 128*128*16*2 = 524288 FLOPs = 32 FLOP/byte, and BK =
// 16 halves the barriers per FLOP. 128 accumulators + 24 operands: ptxas (sm_90) uses 157
// registers, no spills; a block of 128 threads takes ~1/3 of an SM's register file, so 3 blocks
// (12 warps) per SM. Expect ~70-85% of peak at
// n = 4096 (within ~10-20% of cuBLAS, as in the kernels this progression follows).
constexpr int kV5BM = 128, kV5BN = 128, kV5BK = 16;
constexpr int kV5WM = 64, kV5WN = 64;             // warp tile
constexpr int kV5WMIter = 2, kV5WNIter = 2;       // sub-tiles per warp tile
constexpr int kV5TM = 8, kV5TN = 4;               // thread micro-tile
constexpr int kV5SubM = kV5WM / kV5WMIter;        // 32 rows of a sub-tile
constexpr int kV5SubN = kV5WN / kV5WNIter;        // 32 columns of a sub-tile
constexpr int kV5LanesN = kV5SubN / kV5TN;        // 8 lanes across a sub-tile
constexpr int kV5Threads = 32 * (kV5BM / kV5WM) * (kV5BN / kV5WN);  // 128
static_assert((kV5SubM / kV5TM) * kV5LanesN == 32, "a sub-tile must be covered by one warp");

__global__ void sgemm_v5_warptile(Operand a, Operand b, Output c, int K, int tiles_n) {
  __shared__ __align__(16) float as[kV5BK * kV5BM];
  __shared__ __align__(16) float bs[kV5BK * kV5BN];
  const int tile_row = blockIdx.x / tiles_n, tile_col = blockIdx.x % tiles_n;
  const int row0 = tile_row * kV5BM, col0 = tile_col * kV5BN;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int warp_row0 = (warp / (kV5BN / kV5WN)) * kV5WM, warp_col0 = (warp % (kV5BN / kV5WN)) * kV5WN;
  const int lane_row0 = (lane / kV5LanesN) * kV5TM, lane_col0 = (lane % kV5LanesN) * kV5TN;
  float acc[kV5WMIter * kV5TM][kV5WNIter * kV5TN] = {};
  float ra[kV5WMIter * kV5TM], rb[kV5WNIter * kV5TN];
  for (int k0 = 0; k0 < K; k0 += kV5BK) {
    load_tile<kV5BM, kV5BK, kV5Threads>(a, false, row0, k0, as);
    load_tile<kV5BN, kV5BK, kV5Threads>(b, true, col0, k0, bs);
    __syncthreads();
    for (int k = 0; k < kV5BK; ++k) {
      UPRES_SGEMM_UNROLL
      for (int wm = 0; wm < kV5WMIter; ++wm) {
        UPRES_SGEMM_UNROLL
        for (int q = 0; q < kV5TM; q += 4) {
          const int r = warp_row0 + wm * kV5SubM + lane_row0 + q;
          const float4 f = *reinterpret_cast<const float4*>(as + k * kV5BM + r);
          const int o = wm * kV5TM + q;
          ra[o] = f.x, ra[o + 1] = f.y, ra[o + 2] = f.z, ra[o + 3] = f.w;
        }
      }
      UPRES_SGEMM_UNROLL
      for (int wn = 0; wn < kV5WNIter; ++wn) {
        const int col = warp_col0 + wn * kV5SubN + lane_col0;
        const float4 f = *reinterpret_cast<const float4*>(bs + k * kV5BN + col);
        const int o = wn * kV5TN;
        rb[o] = f.x, rb[o + 1] = f.y, rb[o + 2] = f.z, rb[o + 3] = f.w;
      }
      UPRES_SGEMM_UNROLL
      for (int m = 0; m < kV5WMIter * kV5TM; ++m) {
        UPRES_SGEMM_UNROLL
        for (int n = 0; n < kV5WNIter * kV5TN; ++n) acc[m][n] += ra[m] * rb[n];
      }
    }
    __syncthreads();
  }
  // Fully unrolled, so that acc[][] is indexed by constants and stays in registers (ptxas -v:
  // 0 bytes of stack; without the unrolling the 128 accumulators went to local memory).
  UPRES_SGEMM_UNROLL
  for (int wm = 0; wm < kV5WMIter; ++wm)
    UPRES_SGEMM_UNROLL
    for (int m = 0; m < kV5TM; ++m)
      UPRES_SGEMM_UNROLL
      for (int wn = 0; wn < kV5WNIter; ++wn)
        UPRES_SGEMM_UNROLL
        for (int n = 0; n < kV5TN; ++n)
          c.store(row0 + warp_row0 + wm * kV5SubM + lane_row0 + m,
                  col0 + warp_col0 + wn * kV5SubN + lane_col0 + n, acc[wm * kV5TM + m][wn * kV5TN + n]);
}

// The 1-D grid of BM x BN tiles covering an M x N matrix C; tiles_n is the tiles per row.
inline dim3 tile_grid(int64_t M, int64_t N, int bm, int bn, int* tiles_n) {
  const int64_t tm = (M + bm - 1) / bm, tn = (N + bn - 1) / bn;
  if (tm * tn > std::numeric_limits<int>::max())
    throw std::invalid_argument("sgemm: " + std::to_string(M) + " x " + std::to_string(N) +
                                " needs more than 2^31-1 blocks of " + std::to_string(bm) + " x " +
                                std::to_string(bn));
  *tiles_n = static_cast<int>(tn);
  return dim3(static_cast<unsigned>(tm * tn));
}

// The cuBLAS handle: ctx.blas when the caller gives one, otherwise one per host thread, made on
// first use (cuBLAS handles are meant to be created once and reused: creation costs ~ms). Under
// simt it is the shim's and is destroyed with its thread; under nvcc it lives until the process
// ends (destroying it in a thread-exit destructor may run after the CUDA driver shut down).
inline cublasHandle_t blas_handle(const kern::Context& ctx) {
  if (ctx.blas) return static_cast<cublasHandle_t>(ctx.blas);
  struct Holder {
    cublasHandle_t h = nullptr;
    Holder() { UPRES_CUBLAS_CHECK(cublasCreate(&h)); }
#if !defined(__CUDACC__)
    ~Holder() { cublasDestroy(h); }
#endif
  };
  static thread_local Holder holder;
  return holder.h;
}

#if defined(__CUDACC__)
using BlasStream = cudaStream_t;
#else
using BlasStream = cublasStream_t;
#endif

// cuBLAS is column-major. A row-major matrix is, byte for byte, its transpose in column-major,
// so the row-major C = op(A) op(B) is the column-major C^T = op(B)^T op(A)^T: B goes first,
// the sizes are (N, M, K), and each operand keeps its own transpose flag.
inline void sgemm_cublas(const kern::Context& ctx, bool ta, bool tb, int M, int N, int K, float alpha,
                         const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
                         float* C, int64_t ldc) {
  cublasHandle_t handle = blas_handle(ctx);
  UPRES_CUBLAS_CHECK(cublasSetStream(handle, static_cast<BlasStream>(ctx.stream)));
  UPRES_CUBLAS_CHECK(cublasSgemm(handle, tb ? CUBLAS_OP_T : CUBLAS_OP_N, ta ? CUBLAS_OP_T : CUBLAS_OP_N,
                                 N, M, K, &alpha, B, static_cast<int>(ldb), A, static_cast<int>(lda),
                                 &beta, C, static_cast<int>(ldc)));
}

inline bool aligned16(const float* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

}  // namespace sgemm_detail

void sgemm(const kern::Context& ctx, int version, bool trans_a, bool trans_b, int64_t M, int64_t N,
           int64_t K, float alpha, const float* A, int64_t lda, const float* B, int64_t ldb,
           float beta, float* C, int64_t ldc) {
  using namespace sgemm_detail;
  if (version < 0 || version > kern::kSgemmLastVersion)
    throw std::invalid_argument("sgemm: version " + std::to_string(version) + " does not exist (0..5)");
  constexpr int64_t kMax = std::numeric_limits<int>::max();
  if (M < 0 || N < 0 || K < 0 || M > kMax || N > kMax || K > kMax || lda > kMax || ldb > kMax ||
      ldc > kMax)
    throw std::invalid_argument("sgemm: sizes M=" + std::to_string(M) + " N=" + std::to_string(N) +
                                " K=" + std::to_string(K) +
                                " (and leading dimensions) must be in [0, 2^31)");
  if (M == 0 || N == 0) return;
  const int m = static_cast<int>(M), n = static_cast<int>(N), k = static_cast<int>(K);
  if (version == kern::kSgemmCublas) {
    sgemm_cublas(ctx, trans_a, trans_b, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  const Operand a{A, lda, trans_a, m, k, aligned16(A) && lda % 4 == 0};
  const Operand b{B, ldb, trans_b, k, n, aligned16(B) && ldb % 4 == 0};
  const Output c{C, ldc, m, n, alpha, beta};
  // The grid first: tile_grid sets tn, which the launch then passes (argument evaluation order
  // is unspecified, so not in one expression).
  int tn = 0;  // tiles per row of C, for the kernels' block numbering
  switch (version) {
    case 1: {
      const dim3 grid = tile_grid(M, N, kV1Y, kV1X, &tn);
      UPRES_LAUNCH(sgemm_v1_naive, grid, dim3(kV1X, kV1Y), 0, ctx.stream, a, b, c, k, tn);
      break;
    }
    case 2: {
      const dim3 grid = tile_grid(M, N, kV2Tile, kV2Tile, &tn);
      UPRES_LAUNCH(sgemm_v2_shared, grid, dim3(kV2Tile, kV2Tile), 0, ctx.stream, a, b, c, k, tn);
      break;
    }
    case 3: {
      const dim3 grid = tile_grid(M, N, kV3BM, kV3BN, &tn);
      UPRES_LAUNCH(sgemm_v3_blocktile_1d, grid, dim3(kV3Threads), 0, ctx.stream, a, b, c, k, tn);
      break;
    }
    case 4: {
      const dim3 grid = tile_grid(M, N, kV4BM, kV4BN, &tn);
      UPRES_LAUNCH(sgemm_v4_blocktile_2d, grid, dim3(kV4Threads), 0, ctx.stream, a, b, c, k, tn);
      break;
    }
    case 5: {
      const dim3 grid = tile_grid(M, N, kV5BM, kV5BN, &tn);
      UPRES_LAUNCH(sgemm_v5_warptile, grid, dim3(kV5Threads), 0, ctx.stream, a, b, c, k, tn);
      break;
    }
  }
}

void gemm(const kern::Context& ctx, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
          float alpha, const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
          float* C, int64_t ldc) {
  sgemm(ctx, kern::sgemm_auto_version(M, N, K), trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb,
        beta, C, ldc);
}

}  // namespace upres::UPRES_KERNEL_NS
