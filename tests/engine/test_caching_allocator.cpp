// The caching allocator of the cuda device (engine/caching_allocator.h), tested on host memory:
// size classes, reuse of freed blocks, statistics, release on demand, and the retry after an
// out-of-memory that releases the cache first.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "engine/caching_allocator.h"
#include "engine/error.h"

namespace {

using upres::CachingAllocator;

// A host backing with a byte budget, so tests can run it out of memory.
std::size_t g_budget = 0, g_used = 0;
std::map<void*, std::size_t>* g_live = nullptr;  // block -> bytes
void* budget_alloc(std::size_t bytes) {
  if (g_used + bytes > g_budget) return nullptr;
  g_used += bytes;
  void* p = std::malloc(bytes);
  (*g_live)[p] = bytes;
  return p;
}
void budget_release(void* p) {
  g_used -= g_live->at(p);
  g_live->erase(p);
  std::free(p);
}
// Sets the budget; `live` lists the blocks the backing has handed out and not got back.
struct Budget {
  explicit Budget(std::size_t bytes) {
    g_budget = bytes;
    g_used = 0;
    g_live = &live;
  }
  std::map<void*, std::size_t> live;
};

TEST(CachingAllocator, SizeClasses) {
  EXPECT_EQ(CachingAllocator::size_class(0), 512u);
  EXPECT_EQ(CachingAllocator::size_class(1), 512u);
  EXPECT_EQ(CachingAllocator::size_class(512), 512u);
  EXPECT_EQ(CachingAllocator::size_class(513), 1024u);
  EXPECT_EQ(CachingAllocator::size_class(1 << 20), std::size_t(1) << 20);
  EXPECT_EQ(CachingAllocator::size_class((1 << 20) + 1), std::size_t(2) << 20);
  EXPECT_EQ(CachingAllocator::size_class((5 << 20) + 7), std::size_t(6) << 20);
}

TEST(CachingAllocator, FreedBlockIsReusedForTheSameClassOnly) {
  Budget budget(std::size_t(1) << 30);
  CachingAllocator a({"test", budget_alloc, budget_release});
  void* p = a.allocate(1000);
  a.deallocate(p, 1000);
  EXPECT_EQ(a.cached_bytes(), 1024u);
  EXPECT_EQ(a.allocate(700), p);  // same 1024-byte class: a hit
  EXPECT_EQ(a.backing_allocations(), 1u);
  void* q = a.allocate(2000);  // another class: a miss
  EXPECT_NE(q, p);
  EXPECT_EQ(a.backing_allocations(), 2u);
  a.deallocate(p, 700);
  a.deallocate(q, 2000);
}

TEST(CachingAllocator, StatsTrackInUsePeakAndCached) {
  Budget budget(std::size_t(1) << 30);
  CachingAllocator a({"test", budget_alloc, budget_release});
  void* p = a.allocate(100);               // 512
  void* q = a.allocate(3 << 20);           // 4 MiB
  EXPECT_EQ(a.bytes_in_use(), 512u + (4u << 20));
  a.deallocate(q, 3 << 20);
  EXPECT_EQ(a.bytes_in_use(), 512u);
  EXPECT_EQ(a.peak_bytes(), 512u + (4u << 20));
  EXPECT_EQ(a.cached_bytes(), 4u << 20);
  a.reset_peak();
  EXPECT_EQ(a.peak_bytes(), 512u);
  EXPECT_EQ(a.release_cached(), 4u << 20);
  EXPECT_EQ(a.cached_bytes(), 0u);
  EXPECT_EQ(budget.live.size(), 1u);  // only p is still held from the backing
  a.deallocate(p, 100);
  a.deallocate(p, 100);  // a second free of the same block is ignored, not double-cached
  EXPECT_EQ(a.cached_bytes(), 512u);
}

TEST(CachingAllocator, OutOfMemoryReleasesTheCacheAndRetries) {
  Budget budget(8u << 20);  // room for two 4 MiB blocks
  {
    CachingAllocator a({"test", budget_alloc, budget_release});
    void* p = a.allocate(4u << 20);
    void* q = a.allocate(4u << 20);
    a.deallocate(p, 4u << 20);
    a.deallocate(q, 4u << 20);  // 8 MiB cached in the 4 MiB class
    void* r = a.allocate(6u << 20);  // another class: needs the cache given back
    EXPECT_NE(r, nullptr);
    EXPECT_EQ(a.cached_bytes(), 0u);
    try {
      a.allocate(4u << 20);
      FAIL() << "allocation over the budget did not throw";
    } catch (const upres::Error& e) {
      EXPECT_NE(std::string(e.what()).find("test allocator: out of memory allocating 4194304 bytes"),
                std::string::npos)
          << e.what();
    }
    a.deallocate(r, 6u << 20);
  }
  EXPECT_TRUE(budget.live.empty()) << "the destructor returned the cache to the backing";
}

}  // namespace

// With a cap, freed blocks that would take the cache past it go straight back.
TEST(CachingAllocator, CapSendsFreedBlocksBeyondItBack) {
  Budget budget(std::size_t(1) << 30);
  CachingAllocator a({"test", budget_alloc, budget_release}, 5u << 20);
  void* p = a.allocate(4u << 20);
  void* q = a.allocate(4u << 20);
  a.deallocate(p, 4u << 20);
  EXPECT_EQ(a.cached_bytes(), 4u << 20);
  a.deallocate(q, 4u << 20);  // 8 MiB would pass the 5 MiB cap
  EXPECT_EQ(a.cached_bytes(), 4u << 20);
  EXPECT_EQ(budget.live.size(), 1u);  // q went back to the backing, p is cached
  EXPECT_EQ(a.allocate(4u << 20), p);  // and the cached one is reused
  a.deallocate(p, 4u << 20);
}

// The cpu device's allocator caches too: a freed tensor's block is handed out again.
TEST(CachingAllocator, CpuDeviceReusesFreedBlocks) {
  upres::Allocator& cpu = upres::allocator_for(upres::Device::cpu);
  void* p = cpu.allocate(3u << 20);
  cpu.deallocate(p, 3u << 20);
  void* q = cpu.allocate(3u << 20);
  EXPECT_EQ(q, p);
  cpu.deallocate(q, 3u << 20);
}
