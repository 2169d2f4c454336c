// declare.h - one list of kernel declarations for both GPU backends.
//
// A kernel family ported to CUDA is defined once, in kernels/cuda/<name>.cuh, and compiled twice:
// by nvcc into namespace upres::cuda (<name>.cu) and by the host compiler into namespace
// upres::simt (<name>.cpp, run by the emulator). The engine, compiled by the host compiler only,
// must see both sets of declarations, with exactly the signatures of upres::cpu::<fn>. So each
// family header writes its declarations once, inside
//
//   UPRES_DECLARE_GPU_KERNELS(
//     void relu_forward(const kern::Context& ctx, int64_t n, const float* x, float* y);
//   )
//
// which repeats them in both namespaces. The upres::cuda ones are defined only when the build
// has UPRES_CUDA=ON; engine code calls them only under UPRES_WITH_CUDA (engine/dispatch.h).
// A definition whose signature drifts from its declaration is a link error, not a silent
// overload, as soon as a caller uses the declared one.
#pragma once

#define UPRES_DECLARE_GPU_KERNELS(...) \
  namespace upres::cuda {              \
  __VA_ARGS__                          \
  }                                    \
  namespace upres::simt {              \
  __VA_ARGS__                          \
  }
