// caching_allocator.h - keep freed device blocks and hand them out again.
//
// cudaMalloc and cudaFree are slow (tens of microseconds to milliseconds, and cudaFree
// synchronises the device), while a training step allocates and frees hundreds of temporaries of
// the same few sizes. So, like PyTorch's CUDA allocator, a freed block is not returned to the
// driver but kept in a free list of its size class and handed to the next request of that class.
//
// Size classes: requests up to 1 MiB round up to a multiple of 512 bytes, larger ones to a
// multiple of 2 MiB. A block serves only requests of its own class (no splitting, unlike
// PyTorch), which wastes at most the rounding and keeps the code short. When the backing
// allocation fails, the cache is released and the request retried once.
//
// The backing memory is a pair of plain functions, so the same class serves the cuda device
// (cudaMalloc/cudaFree, engine/backend_cuda.cpp) and the cpu device (aligned_alloc/free,
// engine/allocator.cpp), and is tested on the host without a GPU. On the cpu the cost it
// avoids is the kernel's: glibc maps blocks above 32 MiB afresh and unmaps them on free,
// so every large tensor was faulted in and zeroed page by page (a quarter of VDSR's
// inference time at 512x512).
// Thread-safe (one mutex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "engine/allocator.h"

namespace upres {

class CachingAllocator final : public Allocator {
 public:
  struct Backing {
    const char* device;                  // for messages: "cuda"
    void* (*allocate)(std::size_t bytes);  // null when out of memory (must not throw)
    void (*release)(void* ptr);          // must not throw
  };

  // max_cached: freed blocks beyond this many cached bytes go back to the backing
  // at once (the cpu device caps its cache; cuda keeps everything, as PyTorch's).
  explicit CachingAllocator(Backing backing, std::size_t max_cached = SIZE_MAX)
      : backing_(backing), max_cached_(max_cached) {}
  ~CachingAllocator() override;  // returns every cached block to the backing

  void* allocate(std::size_t bytes) override;
  void deallocate(void* ptr, std::size_t bytes) override;  // keeps the block for reuse
  std::size_t bytes_in_use() const override;               // rounded sizes of live blocks
  std::size_t peak_bytes() const override;
  void reset_peak() override;
  std::size_t release_cached() override;  // frees the free lists; returns the bytes freed

  std::size_t cached_bytes() const;       // bytes sitting in the free lists
  std::size_t backing_allocations() const;  // calls to backing.allocate so far (cache misses)

  // The class a request of `bytes` is served from (see above).
  static std::size_t size_class(std::size_t bytes);

 private:
  std::size_t release_locked();

  Backing backing_;
  std::size_t max_cached_;
  mutable std::mutex mu_;
  std::map<std::size_t, std::vector<void*>> free_;  // size class -> cached blocks
  std::unordered_map<void*, std::size_t> live_;     // handed-out block -> its size class
  std::size_t in_use_ = 0, peak_ = 0, cached_ = 0, backing_calls_ = 0;
};

}  // namespace upres
