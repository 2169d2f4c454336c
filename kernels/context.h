// context.h - what every kernel call receives besides its pointers and shape.
//
// Kernels take no global state: the caller passes a Context. On cpu it says how
// many OpenMP threads to use; on cuda and simt it carries the stream and the
// cuBLAS handle (CUDA backend). The engine keeps one Context per device and
// thread (engine/dispatch.h), so one model can be used from several threads.
#pragma once

namespace upres::kern {

struct Context {
  int threads = 0;         // cpu: OpenMP threads; 0 = OpenMP's default
  void* stream = nullptr;  // cuda/simt: cudaStream_t
  void* blas = nullptr;    // cuda: cublasHandle_t; simt: the CPU shim's handle
};

}  // namespace upres::kern
