// parallel.h - split a loop over OpenMP threads, in contiguous chunks.
//
// parallel_for(ctx, n, body) calls body(lo, hi) on disjoint ranges covering
// [0, n). Small loops run on the calling thread: starting a parallel region
// costs about a microsecond, which is ~10k simple float operations.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/context.h"

namespace upres::cpu {

inline int num_threads(const kern::Context& ctx) {
#ifdef _OPENMP
  return ctx.threads > 0 ? ctx.threads : omp_get_max_threads();
#else
  (void)ctx;
  return 1;
#endif
}

template <typename Body>
void parallel_for(const kern::Context& ctx, int64_t n, Body&& body, int64_t grain = 32768) {
  int threads = num_threads(ctx);
  if (threads <= 1 || n <= grain) {
    if (n > 0) body(int64_t{0}, n);
    return;
  }
  int64_t chunks = std::min<int64_t>(threads, (n + grain - 1) / grain);
#ifdef _OPENMP
#pragma omp parallel for num_threads(static_cast<int>(chunks)) schedule(static)
#endif
  for (int64_t c = 0; c < chunks; ++c) {
    int64_t lo = n * c / chunks, hi = n * (c + 1) / chunks;
    if (lo < hi) body(lo, hi);
  }
}

// Runs task(t, inner_ctx, scratch) for t in [0, tasks). Parallel over tasks when
// there are enough of them (each thread gets its own scratch of `scratch_floats`),
// else sequential with the caller's ctx so the task's inner loops are threaded.
template <typename Task>
void run_tasks(const kern::Context& ctx, int64_t tasks, int64_t scratch_floats, Task&& task) {
  const int threads = num_threads(ctx);
  if (threads <= 1 || tasks < threads) {
    std::vector<float> scratch(static_cast<size_t>(scratch_floats));
    for (int64_t t = 0; t < tasks; ++t) task(t, ctx, scratch.data());
    return;
  }
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
  {
    kern::Context inner = ctx;
    inner.threads = 1;
    std::vector<float> scratch(static_cast<size_t>(scratch_floats));
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (int64_t t = 0; t < tasks; ++t) task(t, inner, scratch.data());
  }
}


// run_tasks for tasks that all add into one accumulator of `acc_floats` (a weight
// gradient): task(t, inner_ctx, scratch, acc). In the parallel case each thread
// sums its tasks into a private zeroed copy (static schedule: the sum depends on
// the thread count, not on timing); else one copy and the caller's ctx, so the
// task's inner loops are threaded. Returns the copies, one after another (their
// number is size / acc_floats); the caller adds them up.
template <typename Task>
std::vector<float> run_tasks_summed(const kern::Context& ctx, int64_t tasks, int64_t scratch_floats,
                                    int64_t acc_floats, Task&& task) {
  const int threads = num_threads(ctx);
  if (threads <= 1 || tasks < threads) {
    std::vector<float> acc(static_cast<size_t>(acc_floats), 0.0f), scratch(static_cast<size_t>(scratch_floats));
    for (int64_t t = 0; t < tasks; ++t) task(t, ctx, scratch.data(), acc.data());
    return acc;
  }
  std::vector<float> acc(static_cast<size_t>(threads * acc_floats), 0.0f);
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
  {
    kern::Context inner = ctx;
    inner.threads = 1;
    int me = 0;
#ifdef _OPENMP
    me = omp_get_thread_num();
#endif
    std::vector<float> scratch(static_cast<size_t>(scratch_floats));
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (int64_t t = 0; t < tasks; ++t) task(t, inner, scratch.data(), acc.data() + me * acc_floats);
  }
  return acc;
}

}  // namespace upres::cpu
