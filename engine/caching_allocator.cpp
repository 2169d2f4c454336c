#include "engine/caching_allocator.h"

#include <algorithm>

#include "engine/error.h"

namespace upres {

std::size_t CachingAllocator::size_class(std::size_t bytes) {
  constexpr std::size_t kSmall = 512, kLarge = std::size_t(2) << 20, kSmallLimit = std::size_t(1) << 20;
  if (bytes == 0) bytes = 1;
  const std::size_t unit = bytes <= kSmallLimit ? kSmall : kLarge;
  return (bytes + unit - 1) / unit * unit;
}

CachingAllocator::~CachingAllocator() {
  std::lock_guard<std::mutex> lock(mu_);
  release_locked();
}

void* CachingAllocator::allocate(std::size_t bytes) {
  const std::size_t cls = size_class(bytes);
  std::lock_guard<std::mutex> lock(mu_);
  void* p = nullptr;
  auto it = free_.find(cls);
  if (it != free_.end() && !it->second.empty()) {  // a cache hit
    p = it->second.back();
    it->second.pop_back();
    cached_ -= cls;
  } else {
    ++backing_calls_;
    p = backing_.allocate(cls);
    if (!p && cached_ > 0) {  // out of memory: give the cache back and try once more
      release_locked();
      p = backing_.allocate(cls);
    }
    UPRES_CHECK(p != nullptr, backing_.device, " allocator: out of memory allocating ", bytes,
                " bytes (", in_use_, " bytes in use)");
  }
  live_[p] = cls;
  in_use_ += cls;
  peak_ = std::max(peak_, in_use_);
  return p;
}

void CachingAllocator::deallocate(void* ptr, std::size_t /*bytes: the class is known*/) {
  if (!ptr) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_.find(ptr);
  if (it == live_.end()) return;  // not ours (or freed twice): never throw from a destructor path
  const std::size_t cls = it->second;
  live_.erase(it);
  in_use_ -= cls;
  if (cached_ + cls > max_cached_) {  // the cache is full: give this one back
    backing_.release(ptr);
    return;
  }
  free_[cls].push_back(ptr);
  cached_ += cls;
}

std::size_t CachingAllocator::release_locked() {
  std::size_t freed = 0;
  for (auto& [cls, blocks] : free_) {
    for (void* p : blocks) backing_.release(p);
    freed += cls * blocks.size();
  }
  free_.clear();
  cached_ = 0;
  return freed;
}

std::size_t CachingAllocator::release_cached() {
  std::lock_guard<std::mutex> lock(mu_);
  return release_locked();
}

std::size_t CachingAllocator::bytes_in_use() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_use_;
}
std::size_t CachingAllocator::peak_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return peak_;
}
void CachingAllocator::reset_peak() {
  std::lock_guard<std::mutex> lock(mu_);
  peak_ = in_use_;
}
std::size_t CachingAllocator::cached_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cached_;
}
std::size_t CachingAllocator::backing_allocations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return backing_calls_;
}

}  // namespace upres
