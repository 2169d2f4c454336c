// block.cpp - the scheduler of one block: CUDA threads as fibers, __syncthreads and warp ops.
//
// The loop is a sequence of rounds. In a round the scheduler resumes, in the chosen order
// (forward, reverse or seeded random), every thread that can run; each runs until it reaches
// __syncthreads, a warp intrinsic or the end of the kernel. When no thread can run:
//   1. a warp operation whose every lane (every lane named in the mask) is waiting in the same
//      intrinsic with the same mask is carried out: values are exchanged, the lanes can run;
//   2. otherwise, if every live thread waits at the same __syncthreads and none has exited,
//      the barrier opens;
//   3. otherwise nothing can ever move again, and the scheduler says why: a warp op naming an
//      exited lane (bad mask), lanes in different warp ops, a warp op waiting for a lane that sits
//      in __syncthreads (deadlock), or threads at different barriers / some exited (divergence).
// Because only the scheduler decides who runs next, a given order is fully reproducible, and a
// data race on shared memory shows up as a wrong result under some order.
//
// Cost: one context switch per thread per synchronisation point (~5 ns on x86-64), plus
// O(threads) bookkeeping per round.
#include "kernels/simt/block.h"

#include <exception>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/simt/fiber.h"

namespace upres::simt::detail {

std::atomic<uint64_t> g_fibers_created{0};

const char* to_string(WarpOp op) {
  switch (op) {
    case WarpOp::shfl_idx: return "__shfl_sync";
    case WarpOp::shfl_up: return "__shfl_up_sync";
    case WarpOp::shfl_down: return "__shfl_down_sync";
    case WarpOp::shfl_xor: return "__shfl_xor_sync";
    case WarpOp::ballot: return "__ballot_sync";
    case WarpOp::any: return "__any_sync";
    case WarpOp::all: return "__all_sync";
    case WarpOp::syncwarp: return "__syncwarp";
  }
  return "?";
}

namespace {

constexpr int kWarp = Limits::warp_size;
const char* const kBarrierName[] = {"__syncthreads", "__syncthreads_count", "__syncthreads_and",
                                    "__syncthreads_or"};

enum class State : uint8_t { ready, runnable, at_barrier, at_warp, exited };

struct Thread {
  uint3 tid{};
  int linear = 0;
  State state = State::ready;
  bool started = false;
  bool abort = false;
  const char* file = nullptr;  // where it waits
  int line = 0;
  int bar_kind = 0, bar_pred = 0, bar_result = 0;
  WarpOp op = WarpOp::syncwarp;
  unsigned mask = 0;
  int arg = 0, width = kWarp;
  uint64_t value = 0, result = 0;
};

struct AbortBlock {};  // thrown at a suspended fiber's sync point to unwind it after a failure

class Runner;
thread_local Runner* t_runner = nullptr;  // the block running on this OS thread
thread_local Thread* t_thread = nullptr;  // the fiber running now

struct Slot {
  Runner* runner;
  int index;
};

void fiber_main(void* arg);

class Runner {
 public:
  // The running block.
  const LaunchSpec* spec = nullptr;
  uint3 idx{};
  dim3 dim, grid;
  unsigned char* shared = nullptr;
  int n = 0;
  std::vector<Thread> threads;
  std::vector<unsigned> exited;  // per warp: lanes that have finished the kernel
  std::vector<std::unique_ptr<Fiber>> fibers;  // the pool: grows, never shrinks
  std::vector<std::unique_ptr<Slot>> slots;
  std::exception_ptr error;

  void run(const LaunchSpec& s, uint3 block, unsigned char* smem, Order order, uint64_t seed,
           std::size_t stack_bytes);

  // Called on a fiber: hand control back to the scheduler until it resumes this thread.
  void yield(Thread& t) {
    fibers[t.linear]->suspend();
    if (t.abort) throw AbortBlock{};
  }

  std::string where() const {
    std::ostringstream os;
    os << "simt: kernel '" << spec->kernel << "' (launched at " << spec->file << ":" << spec->line
       << "), block (" << idx.x << "," << idx.y << "," << idx.z << "): ";
    return os.str();
  }
  std::string who(const Thread& t) const {
    std::ostringstream os;
    os << "thread (" << t.tid.x << "," << t.tid.y << "," << t.tid.z << ") [warp " << t.linear / kWarp
       << ", lane " << t.linear % kWarp << "]";
    return os.str();
  }
  unsigned existing_lanes(int warp) const {
    int count = n - warp * kWarp;
    return count >= kWarp ? 0xffffffffu : (1u << count) - 1u;
  }

 private:
  std::vector<int> order_;
  void make_order(Order order, uint64_t seed, int round);
  bool release_warp_ops();
  bool release_barrier();
  std::string diagnose() const;
  void abort_all();
};

void fiber_main(void* arg) {
  auto* slot = static_cast<Slot*>(arg);
  for (;;) {
    Runner& r = *slot->runner;
    try {
      r.spec->invoke(r.spec->closure);
    } catch (const AbortBlock&) {
    } catch (...) {
      if (!r.error) r.error = std::current_exception();
    }
    r.threads[slot->index].state = State::exited;
    r.exited[slot->index / kWarp] |= 1u << (slot->index % kWarp);
    r.fibers[slot->index]->suspend();
  }
}

void Runner::make_order(Order order, uint64_t seed, int round) {
  order_.resize(n);
  for (int i = 0; i < n; ++i) order_[i] = order == Order::reverse ? n - 1 - i : i;
  if (order != Order::random) return;
  const uint64_t block = (uint64_t{idx.z} * grid.y + idx.y) * grid.x + idx.x;
  uint64_t state = mix64(seed ^ mix64(block * 0x100000001b3ull + static_cast<uint64_t>(round)));
  for (int i = n - 1; i > 0; --i) {  // Fisher-Yates
    state = mix64(state);
    int j = static_cast<int>(state % static_cast<uint64_t>(i + 1));
    std::swap(order_[i], order_[j]);
  }
}

// Carry out every warp operation whose lanes have all arrived. Returns whether any did.
bool Runner::release_warp_ops() {
  bool any = false;
  for (int i = 0; i < n; ++i) {
    const Thread& t = threads[i];
    if (t.state != State::at_warp) continue;
    const int base = i / kWarp * kWarp;
    const unsigned mask = t.mask;
    const WarpOp op = t.op;
    bool complete = true;
    for (int l = 0; l < kWarp && complete; ++l) {
      if (!(mask >> l & 1u)) continue;
      const Thread& m = threads[base + l];
      complete = m.state == State::at_warp && m.mask == mask && m.op == op;
    }
    if (!complete) continue;

    uint64_t vals[kWarp] = {};
    unsigned votes = 0;
    for (int l = 0; l < kWarp; ++l) {
      if (!(mask >> l & 1u)) continue;
      vals[l] = threads[base + l].value;
      if (vals[l]) votes |= 1u << l;
    }
    for (int l = 0; l < kWarp; ++l) {
      if (!(mask >> l & 1u)) continue;
      Thread& m = threads[base + l];
      // PTX shfl.sync semantics: the lane offset / xor mask is a 5-bit field (a delta of 33
      // acts as 1, as an H100 does); a source outside the lane's width-segment gives the lane
      // its own value, except that a butterfly may reach into an earlier segment.
      const int w = m.width, seg = l & ~(w - 1), b = m.arg & (kWarp - 1);
      int src = l;  // "own value" unless the op names another lane
      switch (op) {
        case WarpOp::shfl_idx: src = seg | (m.arg & (w - 1)); break;
        case WarpOp::shfl_up: src = l - b >= seg ? l - b : l; break;
        case WarpOp::shfl_down: src = l + b < seg + w ? l + b : l; break;
        case WarpOp::shfl_xor: src = (l ^ b) < seg + w ? (l ^ b) : l; break;
        default: break;
      }
      switch (op) {
        case WarpOp::ballot: m.result = votes; break;
        case WarpOp::any: m.result = votes != 0; break;
        case WarpOp::all: m.result = votes == mask; break;
        case WarpOp::syncwarp: m.result = 0; break;
        default:
          // Reading a lane outside the mask is undefined in CUDA: give all-ones bits (a NaN
          // for floats) so that a result built on it is visibly wrong.
          m.result = (mask >> src & 1u) ? vals[src] : ~uint64_t{0};
      }
      m.state = State::runnable;
    }
    any = true;
  }
  return any;
}

// Open the barrier if every thread waits at the same one. Returns whether it opened.
bool Runner::release_barrier() {
  const Thread* first = nullptr;
  int count = 0;
  for (int i = 0; i < n; ++i) {
    const Thread& t = threads[i];
    if (t.state != State::at_barrier) return false;  // exited or in a warp op: not a clean barrier
    if (!first) first = &t;
    if (t.line != first->line || t.file != first->file || t.bar_kind != first->bar_kind) return false;
    count += t.bar_pred;
  }
  const int kind = first->bar_kind;
  for (int i = 0; i < n; ++i) {
    Thread& t = threads[i];
    t.bar_result = kind == 1 ? count : kind == 2 ? (count == n) : kind == 3 ? (count > 0) : 0;
    t.state = State::runnable;
  }
  return true;
}

// "0-31, 40, 63" for the threads (by linear index) that satisfy pred.
template <typename Pred>
std::string list_threads(const std::vector<Thread>& threads, int n, Pred pred) {
  std::ostringstream os;
  int shown = 0;
  for (int i = 0; i < n;) {
    if (!pred(threads[i])) {
      ++i;
      continue;
    }
    int j = i;
    while (j + 1 < n && pred(threads[j + 1])) ++j;
    if (shown++) os << ", ";
    if (shown > 8) {
      os << "...";
      break;
    }
    os << i;
    if (j > i) os << "-" << j;
    i = j + 1;
  }
  return os.str();
}

std::string Runner::diagnose() const {
  std::ostringstream os;
  // A warp op that can never complete.
  for (int i = 0; i < n; ++i) {
    const Thread& t = threads[i];
    if (t.state != State::at_warp) continue;
    const int base = i / kWarp * kWarp;
    for (int l = 0; l < kWarp; ++l) {
      if (!(t.mask >> l & 1u)) continue;
      const Thread& m = threads[base + l];
      std::ostringstream op;
      op << to_string(t.op) << "(mask 0x" << std::hex << t.mask << std::dec << ") at " << t.file << ":"
         << t.line;
      if (m.state == State::exited) {
        os << "bad mask: " << who(t) << " waits in " << op.str() << ", but the mask names lane " << l
           << ", which has exited";
        return os.str();
      }
      if (m.state == State::at_warp && (m.mask != t.mask || m.op != t.op)) {
        os << "mismatched warp operations: " << who(t) << " waits in " << op.str() << " while lane "
           << l << " waits in " << to_string(m.op) << "(mask 0x" << std::hex << m.mask << std::dec
           << ") at " << m.file << ":" << m.line;
        return os.str();
      }
      if (m.state == State::at_barrier) {
        os << "deadlock: " << who(t) << " waits in " << op.str() << " for lane " << l
           << ", which waits in " << kBarrierName[m.bar_kind] << "() at " << m.file << ":" << m.line;
        return os.str();
      }
    }
  }
  // Every live thread is at a barrier, but not all at the same one, or some have exited.
  const Thread* first = nullptr;
  for (int i = 0; i < n && !first; ++i)
    if (threads[i].state == State::at_barrier) first = &threads[i];
  if (first) {
    auto same = [first](const Thread& t) {
      return t.state == State::at_barrier && t.line == first->line && t.file == first->file;
    };
    auto exited = [](const Thread& t) { return t.state == State::exited; };
    auto other = [&](const Thread& t) { return t.state == State::at_barrier && !same(t); };
    os << "divergent " << kBarrierName[first->bar_kind] << "(): threads " << list_threads(threads, n, same)
       << " wait at " << first->file << ":" << first->line;
    for (int i = 0; i < n; ++i) {
      if (other(threads[i])) {
        os << ", but threads " << list_threads(threads, n, [&](const Thread& t) {
          return t.state == State::at_barrier && t.line == threads[i].line && t.file == threads[i].file;
        }) << " wait at " << threads[i].file << ":" << threads[i].line;
        break;
      }
    }
    if (std::string ex = list_threads(threads, n, exited); !ex.empty())
      os << ", but threads " << ex << " have exited (a barrier must be reached by all threads of the block)";
    return os.str();
  }
  os << "deadlock: no thread can make progress";
  return os.str();
}

// Unwind every fiber that stopped inside the kernel, so the pool can be reused.
void Runner::abort_all() {
  for (int i = 0; i < n; ++i) {
    Thread& t = threads[i];
    if (!t.started || t.state == State::exited) continue;
    t.abort = true;
    t_thread = &t;
    fibers[i]->resume();
    t_thread = nullptr;
  }
}

void Runner::run(const LaunchSpec& s, uint3 block, unsigned char* smem, Order order, uint64_t seed,
                 std::size_t stack_bytes) {
  spec = &s;
  idx = block;
  dim = s.block;
  grid = s.grid;
  shared = smem;
  n = static_cast<int>(dim.x * dim.y * dim.z);
  error = nullptr;
  while (static_cast<int>(fibers.size()) < n) {
    slots.push_back(std::make_unique<Slot>(Slot{this, static_cast<int>(fibers.size())}));
    fibers.push_back(std::make_unique<Fiber>(&fiber_main, slots.back().get(), stack_bytes));
    g_fibers_created.fetch_add(1, std::memory_order_relaxed);
  }
  if (static_cast<int>(threads.size()) < n) threads.resize(n);
  exited.assign((n + kWarp - 1) / kWarp, 0u);
  for (int i = 0; i < n; ++i) {
    Thread& t = threads[i];
    t = Thread{};
    t.linear = i;
    t.tid = uint3{static_cast<unsigned>(i) % dim.x, static_cast<unsigned>(i) / dim.x % dim.y,
                  static_cast<unsigned>(i) / (dim.x * dim.y)};
  }

  t_runner = this;
  std::string failure;
  for (int round = 0;; ++round) {
    make_order(order, seed, round);
    for (int k = 0; k < n && !error; ++k) {
      Thread& t = threads[order_[k]];
      if (t.state != State::ready && t.state != State::runnable) continue;
      t.state = State::runnable;
      t.started = true;
      t_thread = &t;
      fibers[t.linear]->resume();
      t_thread = nullptr;
    }
    if (error) break;
    bool done = true;
    for (int i = 0; i < n && done; ++i) done = threads[i].state == State::exited;
    if (done) break;
    if (release_warp_ops() || release_barrier()) continue;
    failure = where() + diagnose();
    break;
  }
  if (error || !failure.empty()) abort_all();
  t_runner = nullptr;
  if (error) std::rethrow_exception(std::exchange(error, nullptr));
  if (!failure.empty()) throw Error(failure);
}

Runner& this_runner() {
  static thread_local Runner runner;
  return runner;
}

Thread& current(const char* what) {
  if (!t_thread || !t_runner) throw Error(std::string("simt: ") + what + " called outside a kernel");
  return *t_thread;
}

}  // namespace

void run_block(const LaunchSpec& spec, uint3 idx, unsigned char* shared, Order order, uint64_t seed,
               std::size_t stack_bytes) {
  this_runner().run(spec, idx, shared, order, seed, stack_bytes);
}

bool inside_block() { return t_runner != nullptr; }

const uint3& thread_idx() { return current("threadIdx").tid; }
const uint3& block_idx() {
  current("blockIdx");
  return t_runner->idx;
}
const dim3& block_dim() {
  current("blockDim");
  return t_runner->dim;
}
const dim3& grid_dim() {
  current("gridDim");
  return t_runner->grid;
}
void* dynamic_shared_memory() {
  current("dynamic_shared");
  return t_runner->shared;
}

int barrier(const char* file, int line, int kind, int predicate) {
  Thread& t = current(kBarrierName[kind]);
  t.state = State::at_barrier;
  t.file = file;
  t.line = line;
  t.bar_kind = kind;
  t.bar_pred = predicate;
  t_runner->yield(t);
  return t.bar_result;
}

uint64_t warp_op(const char* file, int line, WarpOp op, unsigned mask, uint64_t value, int arg,
                 int width) {
  Thread& t = current(to_string(op));
  Runner& r = *t_runner;
  const int warp = t.linear / kWarp, lane = t.linear % kWarp;
  auto fail = [&](const std::string& why) {
    std::ostringstream os;
    os << r.where() << "bad mask: " << r.who(t) << " calls " << to_string(op) << "(mask 0x" << std::hex
       << mask << std::dec << ") at " << file << ":" << line << ": " << why;
    throw Error(os.str());
  };
  if (!(mask >> lane & 1u)) fail("the mask does not include the calling lane");
  const unsigned exist = r.existing_lanes(warp);
  if (mask & ~exist) {
    std::ostringstream os;
    os << "the mask names lanes that do not exist (warp " << warp << " has "
       << __builtin_popcount(exist) << " threads, valid lanes 0x" << std::hex << exist << ")";
    fail(os.str());
  }
  if (const unsigned gone = mask & r.exited[warp])
    fail("the mask names lane " + std::to_string(__builtin_ctz(gone)) + ", which has exited");
  if (width < 1 || width > kWarp || (width & (width - 1)))
    fail("width " + std::to_string(width) + " is not a power of two in 1..32");
  t.state = State::at_warp;
  t.file = file;
  t.line = line;
  t.op = op;
  t.mask = mask;
  t.value = value;
  t.arg = arg;
  t.width = width;
  r.yield(t);
  return t.result;
}

}  // namespace upres::simt::detail
