// backend_cuda.cpp - the cuda device: a caching allocator over cudaMalloc, and copies.
//
// Installed (engine/backends.h) only when the build has UPRES_CUDA=ON and a GPU is present at
// run time; without either, allocator_for(Device::cuda) throws "device 'cuda' is not
// available". Copies use the synchronous cudaMemcpy, so they are ordered after every kernel
// launched on the default stream (the engine's kernels use ctx.stream = null, the legacy
// default stream) and the host may read the result at once.
#include "engine/backends.h"

#if defined(UPRES_WITH_CUDA)

#include <cuda_runtime.h>

#include "engine/allocator.h"
#include "engine/caching_allocator.h"
#include "kernels/cuda/check.h"
#include "kernels/cuda/runtime.h"

namespace upres {

namespace {

void* cuda_allocate(std::size_t bytes) {
  void* p = nullptr;
  if (cudaMalloc(&p, bytes) != cudaSuccess) {
    cudaGetLastError();  // out of memory is not sticky; clear it so later calls succeed
    return nullptr;
  }
  return p;
}

void cuda_release(void* p) { cudaFree(p); }  // errors ignored: called from destructors

void cuda_copy(void* dst, Device dst_dev, const void* src, Device src_dev, std::size_t bytes) {
  cudaMemcpyKind kind = dst_dev == Device::cuda
                            ? (src_dev == Device::cuda ? cudaMemcpyDeviceToDevice : cudaMemcpyHostToDevice)
                            : cudaMemcpyDeviceToHost;
  UPRES_CUDA_CHECK(cudaMemcpy(dst, src, bytes, kind));
}

}  // namespace

void detail::install_cuda_backend() {
  if (cuda::device_count() == 0) return;  // built with CUDA, but no GPU here
  // Never destroyed: at exit the CUDA runtime may already be gone.
  static CachingAllocator* alloc = new CachingAllocator({"cuda", cuda_allocate, cuda_release});
  register_device(Device::cuda, alloc, cuda_copy);
}

}  // namespace upres

#else

namespace upres {
void detail::install_cuda_backend() {}  // built without CUDA: the device stays unavailable
}  // namespace upres

#endif
