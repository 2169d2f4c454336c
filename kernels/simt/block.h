// block.h - running one block: the emulator's scheduler, seen from the launch code.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "kernels/simt/runtime.h"

namespace upres::simt::detail {

// Runs all threads of block `idx` to the end on the calling OS thread, as fibers of this OS
// thread's pool. `shared` is the block's dynamic shared memory (already poisoned). Throws Error
// (divergent barrier, bad warp mask, deadlock) or whatever the kernel threw; in both cases every
// fiber has been unwound and the pool is ready for the next block.
void run_block(const LaunchSpec& spec, uint3 idx, unsigned char* shared, Order order,
               uint64_t seed, std::size_t stack_bytes);

// True while the calling OS thread is running a block (used to refuse launches from kernels).
bool inside_block();

// Fibers created so far, all OS threads together.
extern std::atomic<uint64_t> g_fibers_created;

// A well-mixed 64-bit hash step (splitmix64), for the random orders.
inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace upres::simt::detail
