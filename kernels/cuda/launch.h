// launch.h - how kernel files launch kernels and reach dynamic shared memory, one source for
// both builds:
//   nvcc (a .cu file):               the real <<<grid, block, shmem, stream>>> launch, checked;
//   host compiler (simt, a .cpp):    the simt emulator (kernels/simt), run on the CPU.
//
// Kernel bodies live in kernels/cuda/<name>.cuh, included by <name>.cu for nvcc and by a .cpp
// for simt. Such a header includes only this file, writes `namespace upres::UPRES_KERNEL_NS`
// (upres::cuda under nvcc, upres::simt under the emulator) so the same host-side kernel
// functions exist in both backends, and launches with
//     UPRES_LAUNCH(kernel, grid, block, shmem_bytes, ctx.stream, args...);
// never with <<<>>>. Dynamic shared memory is `upres::UPRES_KERNEL_NS::dynamic_shared<float>()`.
// Rules that keep the two builds equal: warp intrinsics only in their _sync forms, warp size
// 32, no inline PTX in generic kernels.
#pragma once

#include <cstddef>

#if defined(__CUDACC__)
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>
#define UPRES_KERNEL_NS cuda
#else
#include "kernels/simt/simt.h"
#define UPRES_KERNEL_NS simt
#endif

namespace upres::UPRES_KERNEL_NS {

#if defined(__CUDACC__)

// The block's dynamic shared memory (the `shmem_bytes` of the launch), 16-byte aligned.
template <typename T>
__device__ __forceinline__ T* dynamic_shared() {
  extern __shared__ __align__(16) unsigned char upres_dynamic_shared[];
  return reinterpret_cast<T*>(upres_dynamic_shared);
}

// Launch and check, naming the kernel and the launch site on failure. More than 48 KiB of
// dynamic shared memory needs an opt-in per kernel on the GPU; it is given here, so a launch
// that works under simt (which allows up to 227 KiB) works on the GPU too.
template <typename... P, typename... A>
void launch_kernel(const char* name, const char* file, int line, void (*kernel)(P...), dim3 grid,
                   dim3 block, std::size_t shared_bytes, void* stream, A&&... args) {
  static_assert(sizeof...(P) == sizeof...(A), "launch: wrong number of kernel arguments");
  auto fail = [&](const char* call, cudaError_t e) {
    throw std::runtime_error(std::string(call) + " failed for kernel '" + name + "' at " + file + ":" +
                             std::to_string(line) + ": " + cudaGetErrorString(e));
  };
  if (shared_bytes > 48 * 1024) {
    cudaError_t e = cudaFuncSetAttribute(reinterpret_cast<const void*>(kernel),
                                         cudaFuncAttributeMaxDynamicSharedMemorySize,
                                         static_cast<int>(shared_bytes));
    if (e != cudaSuccess) fail("cudaFuncSetAttribute", e);
  }
  kernel<<<grid, block, shared_bytes, static_cast<cudaStream_t>(stream)>>>(static_cast<P>(args)...);
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) fail("kernel launch", e);
}

#else

template <typename T>
inline T* dynamic_shared() {
  return static_cast<T*>(::upres::simt::detail::dynamic_shared_memory());
}
// launch_kernel: declared by the emulator in this very namespace (kernels/simt/runtime.h).

#endif

}  // namespace upres::UPRES_KERNEL_NS

// UPRES_LAUNCH(kernel, grid, block, shmem_bytes, stream, args...): launch through the backend
// of this build. A template kernel with commas goes in parentheses: UPRES_LAUNCH((k<64, 4>), ...).
#define UPRES_LAUNCH(kernel, grid, block, shmem_bytes, stream, ...)                          \
  ::upres::UPRES_KERNEL_NS::launch_kernel(#kernel, __FILE__, __LINE__, kernel, grid, block, \
                                          shmem_bytes, stream, __VA_ARGS__)
