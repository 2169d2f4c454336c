// dispatch.h - call the kernel of a tensor's device.
//
// Kernels have the same name and signature in every backend namespace
// (upres::cpu, upres::cuda, upres::simt): a Context, then plain pointers and a
// small shape struct. UPRES_DISPATCH(device, fn, args...) calls
// <backend>::fn(context, args...).
//
// Two macros, so that the GPU backends can be ported one kernel family at a time:
//   UPRES_DISPATCH      cpu only. An op whose GPU kernels do not exist yet uses it; on a simt or
//                       cuda tensor it throws "relu_forward: no kernel for device 'simt'" at run
//                       time (never a compile or link error).
//   UPRES_DISPATCH_ALL  cpu, simt and (in a UPRES_CUDA=ON build) cuda. A ported op uses it and
//                       includes the family's declarations for both GPU namespaces,
//                       kernels/cuda/<family>.h, next to kernels/cpu/<family>.h.
// Porting a family: write kernels/cuda/<family>.{h,cuh,cu,cpp} (kernels/cuda/README.md), add
// its parity test (tests/parity), switch the op's calls to UPRES_DISPATCH_ALL. When every
// family is ported, UPRES_DISPATCH becomes UPRES_DISPATCH_ALL.
#pragma once

#include "engine/device.h"
#include "engine/error.h"
#include "kernels/context.h"

namespace upres {

// This thread's kernel context for a device (threads, stream, BLAS handle).
kern::Context& kernel_context(Device d);
// Number of OpenMP threads cpu kernels use on this thread (0 = OpenMP default).
void set_cpu_threads(int threads);

}  // namespace upres

#define UPRES_DISPATCH(device, fn, ...)                                                   \
  do {                                                                                    \
    const ::upres::Device upres_dev_ = (device);                                          \
    switch (upres_dev_) {                                                                 \
      case ::upres::Device::cpu:                                                          \
        ::upres::cpu::fn(::upres::kernel_context(upres_dev_), __VA_ARGS__);               \
        break;                                                                            \
      default:                                                                            \
        UPRES_FAIL(#fn, ": no kernel for device '", ::upres::to_string(upres_dev_), "'"); \
    }                                                                                     \
  } while (0)

#if defined(UPRES_WITH_CUDA)
#define UPRES_DISPATCH_CUDA_CASE_(fn, ...)                                 \
  case ::upres::Device::cuda:                                              \
    ::upres::cuda::fn(::upres::kernel_context(upres_dev_), __VA_ARGS__);   \
    break;
#else
#define UPRES_DISPATCH_CUDA_CASE_(fn, ...)  // no cuda kernels in this build
#endif

#define UPRES_DISPATCH_ALL(device, fn, ...)                                               \
  do {                                                                                    \
    const ::upres::Device upres_dev_ = (device);                                          \
    switch (upres_dev_) {                                                                 \
      case ::upres::Device::cpu:                                                          \
        ::upres::cpu::fn(::upres::kernel_context(upres_dev_), __VA_ARGS__);               \
        break;                                                                            \
      case ::upres::Device::simt:                                                         \
        ::upres::simt::fn(::upres::kernel_context(upres_dev_), __VA_ARGS__);              \
        break;                                                                            \
        UPRES_DISPATCH_CUDA_CASE_(fn, __VA_ARGS__)                                        \
      default:                                                                            \
        UPRES_FAIL(#fn, ": no kernel for device '", ::upres::to_string(upres_dev_), "'"); \
    }                                                                                     \
  } while (0)
