// reduce.cuh - sample CUDA kernels for the simt tests: the sum of an array, three ways.
//
// Written exactly as for nvcc (this header compiles in a .cu file too); under the host compiler
// kernels/cuda/launch.h brings in the simt emulator. Each block sums blockDim.x elements:
//   block_sum_shared: tree reduction in a __shared__ array, a __syncthreads() per level;
//   block_sum_racy:   the same with the barrier inside the loop forgotten (a classic bug);
//   block_sum_warp:   warp shuffles inside each warp, warp totals through dynamic shared memory.
// Napkin math: n loads + n adds per kernel; the tree does log2(blockDim) barriers per block.
#pragma once

#include "kernels/cuda/launch.h"

namespace upres::UPRES_KERNEL_NS::samples {

constexpr int kReduceThreads = 256;

__global__ void block_sum_shared(const float* x, float* partial, int n) {
  __shared__ float tile[kReduceThreads];
  const int t = threadIdx.x;
  const int i = blockIdx.x * blockDim.x + t;
  tile[t] = i < n ? x[i] : 0.0f;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s /= 2) {
    if (t < s) tile[t] += tile[t + s];
    __syncthreads();
  }
  if (t == 0) partial[blockIdx.x] = tile[0];
}

__global__ void block_sum_racy(const float* x, float* partial, int n) {
  __shared__ float tile[kReduceThreads];
  const int t = threadIdx.x;
  const int i = blockIdx.x * blockDim.x + t;
  tile[t] = i < n ? x[i] : 0.0f;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s /= 2) {
    if (t < s) tile[t] += tile[t + s];  // BUG: no barrier, the next level may read stale values
  }
  if (t == 0) partial[blockIdx.x] = tile[0];
}

__device__ __forceinline__ float warp_sum(float v) {
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
  return v;
}

// blockDim.x must be a multiple of 32; needs blockDim.x / 32 floats of dynamic shared memory.
__global__ void block_sum_warp(const float* x, float* partial, int n) {
  float* warp_totals = dynamic_shared<float>();
  const int t = threadIdx.x, lane = t % 32, warp = t / 32;
  const int i = blockIdx.x * blockDim.x + t;
  float v = warp_sum(i < n ? x[i] : 0.0f);
  if (lane == 0) warp_totals[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < static_cast<int>(blockDim.x / 32) ? warp_totals[lane] : 0.0f;
    v = warp_sum(v);
    if (lane == 0) partial[blockIdx.x] = v;
  }
}

// Whole-array sum with one atomicAdd per block into *total (which the caller zeroes).
__global__ void sum_atomic(const float* x, float* total, int n) {
  __shared__ float tile[kReduceThreads];
  const int t = threadIdx.x;
  const int i = blockIdx.x * blockDim.x + t;
  tile[t] = i < n ? x[i] : 0.0f;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s /= 2) {
    if (t < s) tile[t] += tile[t + s];
    __syncthreads();
  }
  if (t == 0) atomicAdd(total, tile[0]);
}

}  // namespace upres::UPRES_KERNEL_NS::samples
