#include "kernels/cpu/activation.h"

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

void relu_forward(const kern::Context& ctx, int64_t n, const float* x, float* y) {
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
  });
}

void relu_backward(const kern::Context& ctx, int64_t n, const float* x, const float* dy, float* dx) {
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
  });
}

}  // namespace upres::cpu
