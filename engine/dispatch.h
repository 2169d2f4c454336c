// dispatch.h - call the kernel of a tensor's device.
//
// Kernels have the same name and signature in every backend namespace
// (upres::cpu, upres::cuda, upres::simt): a Context, then plain pointers and a
// small shape struct. UPRES_DISPATCH(device, fn, args...) calls
// <backend>::fn(context, args...). The CUDA backend adds its cases here.
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
