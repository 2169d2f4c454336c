#include "kernels/cpu/basic.h"

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

void fill(const kern::Context& ctx, int64_t n, float value, float* y) {
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) y[i] = value;
  });
}

void axpy(const kern::Context& ctx, int64_t n, float alpha, const float* x, float* y) {
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) y[i] += alpha * x[i];
  });
}

}  // namespace upres::cpu
