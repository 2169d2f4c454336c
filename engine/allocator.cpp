#include "engine/allocator.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>

#include "engine/backends.h"
#include "engine/caching_allocator.h"
#include "engine/error.h"

namespace upres {

const char* to_string(Device d) {
  switch (d) {
    case Device::cpu: return "cpu";
    case Device::cuda: return "cuda";
    case Device::simt: return "simt";
  }
  return "?";
}

Device parse_device(const std::string& name) {
  if (name == "cpu") return Device::cpu;
  if (name == "cuda") return Device::cuda;
  if (name == "simt") return Device::simt;
  UPRES_FAIL("unknown device '", name, "': expected cpu, cuda or simt");
}

namespace {

// The cpu device: 64-byte aligned blocks (a cache line, room for AVX-512 loads)
// through a CachingAllocator that keeps up to kCpuCache bytes of freed blocks for
// reuse (engine/caching_allocator.h says why). Beyond that, blocks go back to malloc.
constexpr std::size_t kCpuCache = std::size_t(1) << 30;
void* cpu_allocate(std::size_t bytes) { return std::aligned_alloc(64, bytes); }  // bytes: a size class
void cpu_release(void* p) { std::free(p); }

struct Registry {
  Allocator* alloc[3] = {nullptr, nullptr, nullptr};
  CopyFn copy[3] = {nullptr, nullptr, nullptr};
};

Registry& registry() {
  // Never destroyed: tensors in other statics may be freed after it would be.
  static CachingAllocator* cpu = new CachingAllocator({"cpu", cpu_allocate, cpu_release}, kCpuCache);
  static Registry r = [] {
    Registry x;
    x.alloc[0] = cpu;
    return x;
  }();
  return r;
}

std::atomic<std::size_t> g_max_alloc{std::size_t(16) << 30};

}  // namespace

Allocator& allocator_for(Device d) {
  ensure_backend(d);
  Allocator* a = registry().alloc[static_cast<int>(d)];
  UPRES_CHECK(a != nullptr, "device '", to_string(d),
              "' is not available: this build has no backend for it or no such device is present");
  return *a;
}

void register_device(Device d, Allocator* alloc, CopyFn copy) {
  registry().alloc[static_cast<int>(d)] = alloc;
  registry().copy[static_cast<int>(d)] = copy;
}

void copy_bytes(void* dst, Device dst_dev, const void* src, Device src_dev, std::size_t bytes) {
  if (bytes == 0) return;
  if (host_accessible(dst_dev) && host_accessible(src_dev)) {
    std::memcpy(dst, src, bytes);
    return;
  }
  Device other = dst_dev == Device::cuda ? dst_dev : src_dev;
  ensure_backend(other);
  CopyFn fn = registry().copy[static_cast<int>(other)];
  UPRES_CHECK(fn != nullptr, "copy between ", to_string(src_dev), " and ", to_string(dst_dev),
              ": device not available");
  fn(dst, dst_dev, src, src_dev, bytes);
}

std::size_t max_allocation_bytes() { return g_max_alloc.load(); }
void set_max_allocation_bytes(std::size_t bytes) { g_max_alloc.store(bytes); }

}  // namespace upres
