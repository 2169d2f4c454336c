// grid.h - launch geometry for one-dimensional streaming kernels (fill, axpy, activations,
// permutations), the same for nvcc and simt.
//
// Such a kernel walks [0, n) with a grid-stride loop: thread t of the grid handles elements
// t, t + T, t + 2T, ... where T = gridDim.x * blockDim.x. The grid is capped, so a huge n does
// not make millions of blocks: 4096 blocks of 256 threads keep all 132 SMs of an H100 busy
// (~30 resident blocks each would be 3960) and, under simt, bound the number of fiber runs.
#pragma once

#include <cstdint>

namespace upres::kern {

constexpr int kStreamThreads = 256;
constexpr int64_t kStreamMaxBlocks = 4096;

// Blocks for n elements at kStreamThreads per block (at least 1; callers skip n == 0).
inline unsigned stream_blocks(int64_t n) {
  int64_t b = (n + kStreamThreads - 1) / kStreamThreads;
  if (b < 1) b = 1;
  if (b > kStreamMaxBlocks) b = kStreamMaxBlocks;
  return static_cast<unsigned>(b);
}

}  // namespace upres::kern
