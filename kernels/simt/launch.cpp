// launch.cpp - a kernel launch: check sm_90's limits, then run the grid's blocks, in the chosen
// order, on the caller's OS thread or spread over a small pool of OS threads.
#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <numeric>
#include <sstream>
#include <thread>
#include <vector>

#include "kernels/simt/block.h"

namespace upres::simt {

namespace {

Options options_from_environment() {
  Options o;
  if (const char* s = std::getenv("UPRES_SIMT_ORDER")) {
    if (std::strncmp(s, "reverse", 7) == 0) o.order = Order::reverse;
    if (std::strncmp(s, "random", 6) == 0) {
      o.order = Order::random;
      if (s[6] == ':') o.seed = std::strtoull(s + 7, nullptr, 10);
    }
  }
  if (const char* s = std::getenv("UPRES_SIMT_THREADS")) o.threads = std::max(1, std::atoi(s));
  return o;
}

std::mutex g_options_mutex;
Options& options_storage() {
  static Options o = options_from_environment();
  return o;
}
std::atomic<uint64_t> g_launches{0}, g_blocks{0};

}  // namespace

Options options() {
  std::lock_guard<std::mutex> lock(g_options_mutex);
  return options_storage();
}
void set_options(const Options& o) {
  std::lock_guard<std::mutex> lock(g_options_mutex);
  options_storage() = o;
}
std::string to_string(Order order) {
  switch (order) {
    case Order::forward: return "forward";
    case Order::reverse: return "reverse";
    case Order::random: return "random";
  }
  return "?";
}
Stats stats() {
  Stats s;
  s.launches = g_launches.load();
  s.blocks = g_blocks.load();
  s.fibers_created = detail::g_fibers_created.load();
  return s;
}

namespace detail {
namespace {

// The k-th block to run: forward k, reverse total-1-k, or random (a*k + b) mod total with a
// coprime to total, which visits every block once in a seeded, scattered order.
struct BlockOrder {
  Order order;
  uint64_t total, a = 1, b = 0;
  BlockOrder(Order o, uint64_t seed, uint64_t n) : order(o), total(n) {
    if (order != Order::random || total < 2) return;
    uint64_t s = mix64(seed ^ 0x5bd1e995ull);
    a = (s % total) | 1;
    while (std::gcd(a, total) != 1) a += 2;
    b = mix64(s) % total;
  }
  uint64_t operator()(uint64_t k) const {
    if (order == Order::reverse) return total - 1 - k;
    if (order == Order::random)
      return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * k + b) % total);
    return k;
  }
};

// A launch being executed: OS threads take blocks from `next` until none are left or one fails.
struct Job {
  Job(const LaunchSpec& s, const Options& o, uint64_t n)
      : spec(s), opt(o), order(o.order, o.seed, n), total(n) {}
  const LaunchSpec& spec;
  Options opt;
  BlockOrder order;
  uint64_t total;
  std::atomic<uint64_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::exception_ptr error;

  void work() {
    // Dynamic shared memory: exactly the requested size, so AddressSanitizer reports an access
    // past its end; refilled with NaN (0x7fffffff, as int 2147483647) before every block.
    const std::size_t bytes = spec.shared_bytes;
    std::unique_ptr<unsigned char[]> shared(bytes ? new unsigned char[bytes] : nullptr);
    const dim3 g = spec.grid;
    for (;;) {
      if (failed.load(std::memory_order_relaxed)) return;
      const uint64_t k = next.fetch_add(1, std::memory_order_relaxed);
      if (k >= total) return;
      const uint64_t b = order(k);
      const uint3 idx{static_cast<unsigned>(b % g.x), static_cast<unsigned>(b / g.x % g.y),
                      static_cast<unsigned>(b / (uint64_t{g.x} * g.y))};
      const uint32_t nan_bits = 0x7fffffffu;
      for (std::size_t i = 0; i + 4 <= bytes; i += 4) std::memcpy(shared.get() + i, &nan_bits, 4);
      for (std::size_t i = bytes / 4 * 4; i < bytes; ++i) shared[i] = 0xff;
      try {
        run_block(spec, idx, shared.get(), opt.order, opt.seed, opt.stack_bytes);
        g_blocks.fetch_add(1, std::memory_order_relaxed);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  }
};

// OS threads that help the caller run the blocks of a launch. Created on first use and kept,
// so their fibers are kept too; one multi-threaded launch at a time.
class Pool {
 public:
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }

  void run(Job& job, int threads) {
    std::lock_guard<std::mutex> serial(launch_mutex_);
    const std::size_t helpers = static_cast<std::size_t>(threads - 1);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      while (workers_.size() < helpers)
        workers_.emplace_back([this, i = workers_.size()] { loop(i); });
      job_ = &job;
      helpers_ = helpers;
      pending_ = helpers;
      ++generation_;
    }
    wake_.notify_all();
    job.work();
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return pending_ == 0; });
    job_ = nullptr;
  }

 private:
  void loop(std::size_t index) {
    uint64_t seen = 0;
    for (;;) {
      Job* job = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        if (index >= helpers_) continue;
        job = job_;
      }
      job->work();
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_.notify_all();
    }
  }

  std::mutex launch_mutex_, mutex_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  Job* job_ = nullptr;
  std::size_t helpers_ = 0, pending_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

Pool& pool() {
  static Pool p;
  return p;
}

void check_limits(const LaunchSpec& s) {
  std::ostringstream os;
  const dim3 b = s.block, g = s.grid;
  const uint64_t threads = uint64_t{b.x} * b.y * b.z;
  if (b.x == 0 || b.y == 0 || b.z == 0 || g.x == 0 || g.y == 0 || g.z == 0)
    os << "every grid and block dimension must be at least 1";
  else if (b.x > Limits::max_block_x || b.y > Limits::max_block_y || b.z > Limits::max_block_z)
    os << "blockDim exceeds sm_90's limits (" << Limits::max_block_x << ", " << Limits::max_block_y
       << ", " << Limits::max_block_z << ")";
  else if (threads > Limits::max_threads_per_block)
    os << "the block has " << threads << " threads; sm_90 allows at most "
       << Limits::max_threads_per_block;
  else if (g.x > Limits::max_grid_x || g.y > Limits::max_grid_y || g.z > Limits::max_grid_z)
    os << "gridDim exceeds sm_90's limits (" << Limits::max_grid_x << ", " << Limits::max_grid_y
       << ", " << Limits::max_grid_z << ")";
  else if (s.shared_bytes > Limits::max_dynamic_shared)
    os << "dynamic shared memory of " << s.shared_bytes << " bytes exceeds sm_90's "
       << Limits::max_dynamic_shared << " (227 KiB) per block";
  else if (inside_block())
    os << "launching from inside a kernel (dynamic parallelism) is not supported";
  const std::string why = os.str();
  if (why.empty()) return;
  std::ostringstream msg;
  msg << "simt: launch of kernel '" << s.kernel << "' at " << s.file << ":" << s.line << " with grid ("
      << g.x << "," << g.y << "," << g.z << "), block (" << b.x << "," << b.y << "," << b.z << "), "
      << s.shared_bytes << " bytes of dynamic shared memory: " << why;
  throw Error(msg.str());
}

}  // namespace

void launch(const LaunchSpec& spec) {
  check_limits(spec);
  const Options opt = options();
  const uint64_t total = uint64_t{spec.grid.x} * spec.grid.y * spec.grid.z;
  Job job(spec, opt, total);
  const int threads = static_cast<int>(std::min<uint64_t>(std::clamp(opt.threads, 1, 64), total));
  g_launches.fetch_add(1, std::memory_order_relaxed);
  if (threads <= 1)
    job.work();
  else
    pool().run(job, threads);
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace detail
}  // namespace upres::simt
