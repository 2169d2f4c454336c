// simt.h - CUDA C++ for the host compiler: include this where nvcc would see <cuda_runtime.h>,
// and a kernel written for the GPU compiles with g++ and runs on the simt emulator.
//
// What each CUDA construct becomes:
//   __global__, __device__, __host__, __constant__  nothing: kernels are plain functions and
//                                                 device memory is host memory.
//   __shared__            `static thread_local`: one variable per OS thread. An OS thread runs
//                          one block at a time and all fibers (the block's CUDA threads) of it
//                          run on that OS thread, so the block's threads see ONE array, and two
//                          blocks running at once on two OS threads see two.
//   threadIdx, blockIdx, blockDim, gridDim   the running fiber's / block's values.
//   __syncthreads(), __shfl_*_sync, __ballot_sync, ...   calls into the block scheduler,
//                          tagged with __FILE__/__LINE__ so errors can name the line.
//   atomicAdd & co.        GCC __atomic builtins (blocks may run on several OS threads).
//
// Include order: if the CUDA toolkit's headers are wanted too, include them BEFORE this file;
// they define __shared__ & co. as nothing (or as attributes) for a host compiler, and this file
// redefines them afterwards.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/simt/runtime.h"

// ---- qualifiers ------------------------------------------------------------------------------
#undef __global__
#undef __device__
#undef __host__
#undef __constant__
#undef __shared__
#undef __managed__
#undef __forceinline__
#undef __noinline__
#undef __launch_bounds__
#undef __align__
#define __global__
#define __device__
#define __host__
#define __constant__
#define __managed__
#define __shared__ static thread_local
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))

// ---- built-in variables ----------------------------------------------------------------------
#undef threadIdx
#undef blockIdx
#undef blockDim
#undef gridDim
#undef warpSize
#define threadIdx (::upres::simt::detail::thread_idx())
#define blockIdx (::upres::simt::detail::block_idx())
#define blockDim (::upres::simt::detail::block_dim())
#define gridDim (::upres::simt::detail::grid_dim())
#define warpSize 32

// ---- barriers and warp intrinsics (only the _sync forms exist, as on sm_70 and later) --------
#define UPRES_SIMT_SITE ::upres::simt::detail::Site{__FILE__, __LINE__}
#define __syncthreads() UPRES_SIMT_SITE.syncthreads()
#define __syncthreads_count(p) UPRES_SIMT_SITE.syncthreads_count(p)
#define __syncthreads_and(p) UPRES_SIMT_SITE.syncthreads_and(p)
#define __syncthreads_or(p) UPRES_SIMT_SITE.syncthreads_or(p)
#define __syncwarp(...) UPRES_SIMT_SITE.syncwarp(__VA_ARGS__)
#define __shfl_sync(...) UPRES_SIMT_SITE.shfl(__VA_ARGS__)
#define __shfl_up_sync(...) UPRES_SIMT_SITE.shfl_up(__VA_ARGS__)
#define __shfl_down_sync(...) UPRES_SIMT_SITE.shfl_down(__VA_ARGS__)
#define __shfl_xor_sync(...) UPRES_SIMT_SITE.shfl_xor(__VA_ARGS__)
#define __ballot_sync(mask, pred) UPRES_SIMT_SITE.ballot(mask, pred)
#define __any_sync(mask, pred) UPRES_SIMT_SITE.any(mask, pred)
#define __all_sync(mask, pred) UPRES_SIMT_SITE.all(mask, pred)

// Memory fences: fibers of one block share an OS thread, blocks may not.
inline void __threadfence_block() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void __threadfence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

// ---- atomics ---------------------------------------------------------------------------------
// Integer ones map to one GCC builtin each; float/double add and float max/min are a
// compare-and-swap loop on the bits, which is also how the GPU did float adds before sm_20.
#define UPRES_SIMT_INT_ATOMICS(T)                                                              \
  inline T atomicAdd(T* a, T v) { return __atomic_fetch_add(a, v, __ATOMIC_RELAXED); }        \
  inline T atomicSub(T* a, T v) { return __atomic_fetch_sub(a, v, __ATOMIC_RELAXED); }        \
  inline T atomicExch(T* a, T v) { return __atomic_exchange_n(a, v, __ATOMIC_RELAXED); }      \
  inline T atomicAnd(T* a, T v) { return __atomic_fetch_and(a, v, __ATOMIC_RELAXED); }        \
  inline T atomicOr(T* a, T v) { return __atomic_fetch_or(a, v, __ATOMIC_RELAXED); }          \
  inline T atomicXor(T* a, T v) { return __atomic_fetch_xor(a, v, __ATOMIC_RELAXED); }        \
  inline T atomicCAS(T* a, T expected, T desired) {                                           \
    __atomic_compare_exchange_n(a, &expected, desired, false, __ATOMIC_RELAXED,                \
                                __ATOMIC_RELAXED);                                             \
    return expected;                                                                           \
  }                                                                                            \
  inline T atomicMax(T* a, T v) {                                                              \
    T old = __atomic_load_n(a, __ATOMIC_RELAXED);                                              \
    while (old < v &&                                                                          \
           !__atomic_compare_exchange_n(a, &old, v, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) \
      ;                                                                                        \
    return old;                                                                                \
  }                                                                                            \
  inline T atomicMin(T* a, T v) {                                                              \
    T old = __atomic_load_n(a, __ATOMIC_RELAXED);                                              \
    while (v < old &&                                                                          \
           !__atomic_compare_exchange_n(a, &old, v, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) \
      ;                                                                                        \
    return old;                                                                                \
  }
UPRES_SIMT_INT_ATOMICS(int)
UPRES_SIMT_INT_ATOMICS(unsigned int)
UPRES_SIMT_INT_ATOMICS(unsigned long long)
UPRES_SIMT_INT_ATOMICS(long long)
#undef UPRES_SIMT_INT_ATOMICS

namespace upres::simt::detail {
// old = *a; *a = f(old), atomically, for float and double via their bits.
template <typename F, typename Bits, typename Op>
F atomic_float_update(F* a, Op op) {
  static_assert(sizeof(F) == sizeof(Bits), "bit width");
  Bits* bits = reinterpret_cast<Bits*>(a);
  Bits old = __atomic_load_n(bits, __ATOMIC_RELAXED);
  for (;;) {
    F old_f, new_f;
    std::memcpy(&old_f, &old, sizeof(F));
    new_f = op(old_f);
    Bits desired;
    std::memcpy(&desired, &new_f, sizeof(F));
    if (__atomic_compare_exchange_n(bits, &old, desired, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
      return old_f;
  }
}
}  // namespace upres::simt::detail

inline float atomicAdd(float* a, float v) {
  return ::upres::simt::detail::atomic_float_update<float, uint32_t>(a, [v](float o) { return o + v; });
}
inline double atomicAdd(double* a, double v) {
  return ::upres::simt::detail::atomic_float_update<double, uint64_t>(a, [v](double o) { return o + v; });
}
inline float atomicExch(float* a, float v) {
  return ::upres::simt::detail::atomic_float_update<float, uint32_t>(a, [v](float) { return v; });
}
inline float atomicMax(float* a, float v) {  // sm_90 has this natively; NaN handling as fmaxf
  return ::upres::simt::detail::atomic_float_update<float, uint32_t>(a, [v](float o) { return std::fmax(o, v); });
}
inline float atomicMin(float* a, float v) {
  return ::upres::simt::detail::atomic_float_update<float, uint32_t>(a, [v](float o) { return std::fmin(o, v); });
}

// ---- device math and bit intrinsics used by kernels --------------------------------------------
// (The toolkit's host headers declare none of these for a host compiler.)
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
inline unsigned int min(unsigned int a, unsigned int b) { return a < b ? a : b; }
inline unsigned int max(unsigned int a, unsigned int b) { return a > b ? a : b; }
inline long long min(long long a, long long b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a > b ? a : b; }
inline float min(float a, float b) { return std::fmin(a, b); }
inline float max(float a, float b) { return std::fmax(a, b); }
inline double min(double a, double b) { return std::fmin(a, b); }
inline double max(double a, double b) { return std::fmax(a, b); }
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline float __expf(float x) { return std::exp(x); }
inline float __logf(float x) { return std::log(x); }
inline float __powf(float x, float y) { return std::pow(x, y); }
inline float __fdividef(float x, float y) { return x / y; }
inline float __saturatef(float x) { return x < 0.f ? 0.f : (x > 1.f ? 1.f : x); }
inline int __float_as_int(float x) { int i; std::memcpy(&i, &x, 4); return i; }
inline float __int_as_float(int i) { float x; std::memcpy(&x, &i, 4); return x; }
inline unsigned int __float_as_uint(float x) { unsigned int i; std::memcpy(&i, &x, 4); return i; }
inline float __uint_as_float(unsigned int i) { float x; std::memcpy(&x, &i, 4); return x; }
inline int __popc(unsigned int x) { return __builtin_popcount(x); }
inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz(static_cast<unsigned>(x)); }
inline int __ffs(int x) { return __builtin_ffs(x); }
template <typename T>
inline T __ldg(const T* p) { return *p; }
