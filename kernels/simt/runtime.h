// runtime.h - the simt emulator's run-time interface: launching a kernel, choosing the
// scheduling order, the errors it throws and the counters it keeps.
//
// A launch runs every block of the grid to completion before it returns (a stream is accepted
// and ignored: simt is synchronous). Inside a block, each CUDA thread is a fiber: a small stack
// of its own that runs until it reaches a barrier, a warp intrinsic or the end of the kernel,
// and then hands control back to the block's scheduler (kernels/simt/block.cpp). Fibers are
// created once per OS thread and reused by every later block and launch.
//
// Blocks may be spread over several OS threads (Options::threads); a block never migrates
// between them, so everything a block shares (its __shared__ variables, which are
// thread_local storage, and its dynamic shared memory) belongs to exactly one running block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "kernels/simt/types.h"

namespace upres::simt {

// What the emulator throws: a misuse it detected (divergent barrier, bad warp mask, deadlock,
// launch limits). The message names the kernel, the block and the source line.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The order in which the scheduler runs the threads of a block (and the blocks of a grid)
// between two synchronisation points. A missing barrier usually gives the right answer in one
// order and a wrong one in another, so tests run kernels under all three.
enum class Order { forward, reverse, random };

struct Options {
  Order order = Order::forward;
  uint64_t seed = 1;                       // for Order::random
  int threads = 1;                         // OS threads that run blocks (1 = the caller's only)
  std::size_t stack_bytes = 256 * 1024;    // per fiber; applies to fibers created later
};

// Process-wide options. The initial value comes from the environment:
// UPRES_SIMT_ORDER=forward|reverse|random[:seed], UPRES_SIMT_THREADS=n.
// Change them only while no launch is running.
Options options();
void set_options(const Options& o);
// "forward", "reverse", "random:42": for test names and error messages.
std::string to_string(Order order);

// Sets options for a scope and restores the previous ones.
class ScopedOptions {
 public:
  explicit ScopedOptions(const Options& o) : saved_(options()) { set_options(o); }
  ~ScopedOptions() { set_options(saved_); }
  ScopedOptions(const ScopedOptions&) = delete;
  ScopedOptions& operator=(const ScopedOptions&) = delete;

 private:
  Options saved_;
};

// Counters since the start of the process (all OS threads together).
struct Stats {
  uint64_t launches = 0;
  uint64_t blocks = 0;
  uint64_t fibers_created = 0;
};
Stats stats();

// sm_90's limits, enforced at launch.
struct Limits {
  static constexpr unsigned max_threads_per_block = 1024;
  static constexpr unsigned max_block_x = 1024, max_block_y = 1024, max_block_z = 64;
  static constexpr unsigned max_grid_x = 2147483647u, max_grid_y = 65535, max_grid_z = 65535;
  static constexpr std::size_t max_static_shared = 48 * 1024;
  static constexpr std::size_t max_dynamic_shared = 227 * 1024;
  static constexpr int warp_size = 32;
};

namespace detail {

// One launch, type-erased: `invoke(closure)` runs the kernel body for the current thread.
struct LaunchSpec {
  const char* kernel;  // name as written at the launch site
  const char* file;    // launch site
  int line;
  dim3 grid, block;
  std::size_t shared_bytes;
  const void* closure;
  void (*invoke)(const void* closure);
};
void launch(const LaunchSpec& spec);

// The built-in variables of the running CUDA thread; throw Error outside a kernel.
const uint3& thread_idx();
const uint3& block_idx();
const dim3& block_dim();
const dim3& grid_dim();
void* dynamic_shared_memory();

enum class WarpOp : uint8_t { shfl_idx, shfl_up, shfl_down, shfl_xor, ballot, any, all, syncwarp };
const char* to_string(WarpOp op);

// The synchronising calls. They record where they were called (file, line) so errors can say.
int barrier(const char* file, int line, int kind, int predicate);  // kind: 0 plain, 1 count, 2 and, 3 or
uint64_t warp_op(const char* file, int line, WarpOp op, unsigned mask, uint64_t value, int arg,
                 int width);

template <typename T>
uint64_t to_bits(T v) {
  static_assert(sizeof(T) <= 8 && std::is_trivially_copyable<T>::value,
                "warp shuffles move values of at most 8 bytes");
  uint64_t bits = 0;
  __builtin_memcpy(&bits, &v, sizeof(T));
  return bits;
}
template <typename T>
T from_bits(uint64_t bits) {
  T v;
  __builtin_memcpy(&v, &bits, sizeof(T));
  return v;
}

// A call site: the CUDA intrinsics are macros that expand to Site{__FILE__, __LINE__}.fn(...).
struct Site {
  const char* file;
  int line;

  void syncthreads() const { barrier(file, line, 0, 0); }
  int syncthreads_count(int p) const { return barrier(file, line, 1, p != 0); }
  int syncthreads_and(int p) const { return barrier(file, line, 2, p != 0); }
  int syncthreads_or(int p) const { return barrier(file, line, 3, p != 0); }
  void syncwarp(unsigned mask = 0xffffffffu) const {
    warp_op(file, line, WarpOp::syncwarp, mask, 0, 0, 32);
  }
  template <typename T>
  T shfl(unsigned mask, T var, int src_lane, int width = 32) const {
    return from_bits<T>(warp_op(file, line, WarpOp::shfl_idx, mask, to_bits(var), src_lane, width));
  }
  template <typename T>
  T shfl_up(unsigned mask, T var, unsigned delta, int width = 32) const {
    return from_bits<T>(
        warp_op(file, line, WarpOp::shfl_up, mask, to_bits(var), static_cast<int>(delta), width));
  }
  template <typename T>
  T shfl_down(unsigned mask, T var, unsigned delta, int width = 32) const {
    return from_bits<T>(
        warp_op(file, line, WarpOp::shfl_down, mask, to_bits(var), static_cast<int>(delta), width));
  }
  template <typename T>
  T shfl_xor(unsigned mask, T var, int lane_mask, int width = 32) const {
    return from_bits<T>(warp_op(file, line, WarpOp::shfl_xor, mask, to_bits(var), lane_mask, width));
  }
  unsigned ballot(unsigned mask, int pred) const {
    return static_cast<unsigned>(warp_op(file, line, WarpOp::ballot, mask, pred != 0, 0, 32));
  }
  int any(unsigned mask, int pred) const {
    return static_cast<int>(warp_op(file, line, WarpOp::any, mask, pred != 0, 0, 32));
  }
  int all(unsigned mask, int pred) const {
    return static_cast<int>(warp_op(file, line, WarpOp::all, mask, pred != 0, 0, 32));
  }
};

}  // namespace detail

// Launch `kernel` over grid x block threads: the simt side of upres::cuda::launch
// (kernels/cuda/launch.h). Arguments are converted to the kernel's parameter types once and
// copied into every thread's call, as CUDA copies them into each thread's parameter space.
template <typename... P, typename... A>
void launch_kernel(const char* name, const char* file, int line, void (*kernel)(P...), dim3 grid,
                   dim3 block, std::size_t shared_bytes, void* /*stream*/, A&&... args) {
  static_assert(sizeof...(P) == sizeof...(A), "launch: wrong number of kernel arguments");
  struct Closure {
    void (*kernel)(P...);
    std::tuple<std::decay_t<P>...> args;
  };
  const Closure closure{kernel, std::tuple<std::decay_t<P>...>(std::forward<A>(args)...)};
  detail::LaunchSpec spec{name, file, line, grid, block, shared_bytes, &closure,
                          [](const void* c) {
                            const auto* cl = static_cast<const Closure*>(c);
                            std::apply(cl->kernel, cl->args);
                          }};
  detail::launch(spec);
}

}  // namespace upres::simt
