// matmul_ops.h - bmm and gram through autograd with tensors on a GPU device (simt or cuda)
// against cpu: forward values and gradients (parity/engine_ops.h's check_op_on_device). Shared by
// tests/parity (simt) and tests/gpu (cuda).
#pragma once

#include <string>

#include "engine/ops/matmul.h"
#include "parity/engine_ops.h"

namespace upres::testing::parity {

// Float sums of up to ~100 terms of randn products in different orders (Eigen on cpu, the
// hand-written SGEMM or cuBLAS on the device): agreement to a few ulp of the terms' size.
constexpr double kMatmulRtol = 1e-5, kMatmulAtol = 1e-5;

inline void check_matmul_ops(Device dev) {
  // Batched, every transpose: op(A) [2, 7, 13] times op(B) [2, 13, 9].
  for (int t = 0; t < 4; ++t) {
    const bool ta = t & 1, tb = t & 2;
    const Shape sa = ta ? Shape{2, 13, 7} : Shape{2, 7, 13};
    const Shape sb = tb ? Shape{2, 9, 13} : Shape{2, 13, 9};
    check_op_on_device(dev, std::string("bmm ") + (ta ? "T" : "N") + (tb ? "T" : "N"),
                       {image(sa, 20 + t), image(sb, 30 + t)},
                       [ta, tb](auto& in) { return bmm(in[0], in[1], ta, tb); }, kMatmulRtol, kMatmulAtol);
  }
  // 2-D, a single column and a single row (1-wide edges of every tile).
  check_op_on_device(dev, "bmm 2-D 5x1 * 1x3", {image({5, 1}, 40), image({1, 3}, 41)},
                     [](auto& in) { return bmm(in[0], in[1]); }, kMatmulRtol, kMatmulAtol);
  check_op_on_device(dev, "bmm 2-D 1x70 * 70x1", {image({1, 70}, 42), image({70, 1}, 43)},
                     [](auto& in) { return bmm(in[0], in[1]); }, kMatmulRtol, kMatmulAtol);
  // Gram matrices: 13 channels of 7x9, batch 2; and one channel.
  check_op_on_device(dev, "gram [2, 13, 7, 9]", {image({2, 13, 7, 9}, 44)},
                     [](auto& in) { return gram(in[0]); }, kMatmulRtol, kMatmulAtol);
  check_op_on_device(dev, "gram [1, 1, 5, 3]", {image({1, 1, 5, 3}, 45)},
                     [](auto& in) { return gram(in[0]); }, kMatmulRtol, kMatmulAtol);
}

}  // namespace upres::testing::parity
