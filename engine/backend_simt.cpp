// backend_simt.cpp - the simt device: host memory that the emulated kernels read and write.
//
// Blocks are 64-byte aligned like the cpu ones, and every new block is filled with NaN
// (bytes 0xff): on a GPU fresh memory holds whatever was there before, and a kernel or op that
// reads an element it never wrote should show up as NaN in a parity test, not pass by luck
// because the host allocator handed out zeros. Copies are plain memcpy (host_accessible).
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>

#include "engine/allocator.h"
#include "engine/backends.h"
#include "engine/error.h"

namespace upres {

namespace {

class SimtAllocator final : public Allocator {
 public:
  void* allocate(std::size_t bytes) override {
    const std::size_t rounded = round(bytes);
    void* p = std::aligned_alloc(64, rounded);
    UPRES_CHECK(p != nullptr, "simt allocator: out of memory allocating ", bytes, " bytes");
    std::memset(p, 0xff, rounded);  // NaN poison, see above
    const std::size_t now = in_use_.fetch_add(rounded) + rounded;
    std::size_t peak = peak_.load();
    while (now > peak && !peak_.compare_exchange_weak(peak, now)) {}
    return p;
  }
  void deallocate(void* ptr, std::size_t bytes) override {
    if (!ptr) return;
    in_use_.fetch_sub(round(bytes));
    std::free(ptr);
  }
  std::size_t bytes_in_use() const override { return in_use_.load(); }
  std::size_t peak_bytes() const override { return peak_.load(); }
  void reset_peak() override { peak_.store(in_use_.load()); }

 private:
  static std::size_t round(std::size_t bytes) { return (std::max<std::size_t>(bytes, 1) + 63) / 64 * 64; }
  std::atomic<std::size_t> in_use_{0}, peak_{0};
};

void copy_host(void* dst, Device, const void* src, Device, std::size_t bytes) {
  std::memcpy(dst, src, bytes);
}

}  // namespace

void detail::install_simt_backend() {
  // Never destroyed: tensors in static objects may outlive any destructor order we could pick.
  static SimtAllocator* alloc = new SimtAllocator();
  register_device(Device::simt, alloc, copy_host);
}

}  // namespace upres
