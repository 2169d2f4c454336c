// allocator.h - raw memory per device, and copies between devices.
//
// Storage asks the allocator of its device for bytes and gives them back when
// the last tensor sharing it dies. The cpu allocator hands out 64-byte aligned
// blocks (one cache line, room for AVX-512 loads). Both the cpu and the cuda
// allocator (CUDA backend) cache freed blocks by size (engine/caching_allocator.h),
// as PyTorch's CUDA allocator does, so that a training step or a stack of layers
// does not pay for fresh memory for every temporary; the cpu cache holds at most
// 1 GiB, and release_cached() empties it.
#pragma once

#include <cstddef>

#include "engine/device.h"

namespace upres {

class Allocator {
 public:
  virtual ~Allocator() = default;
  virtual void* allocate(std::size_t bytes) = 0;
  virtual void deallocate(void* ptr, std::size_t bytes) = 0;
  // Bytes currently handed out and the high-water mark since the last reset.
  virtual std::size_t bytes_in_use() const = 0;
  virtual std::size_t peak_bytes() const = 0;
  virtual void reset_peak() = 0;
  // Gives memory kept for reuse back to the system (the caching allocators); returns the
  // bytes released. Allocators that cache nothing release nothing.
  virtual std::size_t release_cached() { return 0; }
};

// The allocator of a device; throws upres::Error if the device is not built in
// or not present at run time. The simt and cuda backends install themselves here on
// first use (engine/backends.h explains why lazily and not by static initialisers).
Allocator& allocator_for(Device d);

// Lets another translation unit (the CUDA backend) install the allocator of a
// device, and the copy routine between it and the host.
using CopyFn = void (*)(void* dst, Device dst_dev, const void* src, Device src_dev,
                        std::size_t bytes);
void register_device(Device d, Allocator* alloc, CopyFn copy);

// memcpy across devices (host<->host, host<->device, device<->device).
void copy_bytes(void* dst, Device dst_dev, const void* src, Device src_dev, std::size_t bytes);

// Largest single tensor the engine will allocate (bytes); guards against absurd
// shapes read from files. Default 16 GiB; settable for tests and embedders.
std::size_t max_allocation_bytes();
void set_max_allocation_bytes(std::size_t bytes);

}  // namespace upres
