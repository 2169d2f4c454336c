// norm_parity.h - parity checks for batch norm (kernels/cuda/norm) against the cpu kernels,
// shared by tests/parity (simt, every scheduling order) and tests/gpu (cuda), and the engine's
// batch_norm op through autograd in training and evaluation mode.
//
// Tolerances: the statistics and the dweight/dbias sums are doubles added in another order
// (equal after rounding to float but for 1 ulp): rtol 1e-6, atol 1e-7. The forward, dx and the
// running averages are float formulas with a multiply-add that either compiler may fuse into an
// FMA, fed by those statistics: rtol 1e-5, atol 1e-6 (inputs in [-2, 2]).
#pragma once

#include <string>
#include <vector>

#include "kernels/cpu/norm.h"
#include "parity/engine_ops.h"
#include "parity/parity.h"

namespace upres::testing::parity {

struct NormKernels {
  decltype(&cpu::batch_norm_stats) stats;
  decltype(&cpu::batch_norm_update_running) update_running;
  decltype(&cpu::batch_norm_forward) forward;
  decltype(&cpu::batch_norm_backward) backward;
};

#define UPRES_NORM_KERNELS(ns)                                                                      \
  ::upres::testing::parity::NormKernels {                                                           \
    &ns::batch_norm_stats, &ns::batch_norm_update_running, &ns::batch_norm_forward, &ns::batch_norm_backward \
  }

inline void check_batch_norm(const Backend& b, const NormKernels& k) {
  // {n, c, hw}: 13 channels of 7x9 in a batch of 2, one channel, 1x1 planes, a channel longer
  // than a block (the strided loops).
  const std::vector<kern::BatchNormShape> shapes = {{2, 13, 63}, {2, 1, 15}, {5, 13, 1}, {1, 3, 700}};
  for (const auto& s : shapes)
    for (bool affine : {true, false})
      for (bool training : {true, false}) {
        const int64_t n = s.n * s.c * s.hw;
        auto x = random_values(n, 71);
        for (float& v : x) v = 1.5f * v + 0.7f;  // a mean and scale to remove
        const auto dy = random_values(n, 72);
        auto w = random_values(s.c, 73), bias = random_values(s.c, 74);
        std::vector<float> mean(s.c), var(s.c);
        cpu::batch_norm_stats(cpu_ctx(), s, x.data(), mean.data(), var.data());
        auto rm = random_values(s.c, 75), rv = random_values(s.c, 76);
        for (float& v : rv) v = std::fabs(v) + 0.5f;
        std::vector<float> rm_want = rm, rv_want = rv;
        cpu::batch_norm_update_running(cpu_ctx(), s, mean.data(), var.data(), 0.1f, rm_want.data(), rv_want.data());
        // Evaluation normalises with the running statistics.
        const std::vector<float>& m_used = training ? mean : rm;
        const std::vector<float>& v_used = training ? var : rv;
        const float* pw = affine ? w.data() : nullptr;
        const float* pb = affine ? bias.data() : nullptr;
        std::vector<float> y(n), dx(n), dw(s.c), db(s.c);
        cpu::batch_norm_forward(cpu_ctx(), s, x.data(), m_used.data(), v_used.data(), 1e-5f, pw, pb, y.data());
        cpu::batch_norm_backward(cpu_ctx(), s, x.data(), dy.data(), m_used.data(), v_used.data(), 1e-5f, pw,
                                 training, dx.data(), dw.data(), db.data());
        const std::string what = "batch_norm [" + std::to_string(s.n) + ", " + std::to_string(s.c) + ", " +
                                 std::to_string(s.hw) + "]" + (affine ? " affine" : "") +
                                 (training ? " training" : " eval");
        for_each_order(b, [&](const std::string& order) {
          Tensor tx = on(b, x), tdy = on(b, dy), tw = on(b, w), tb = on(b, bias);
          Tensor tm = empty_on(b, s.c), tv = empty_on(b, s.c), trm = on(b, rm), trv = on(b, rv);
          k.stats(ctx(b), s, tx.data(), tm.data(), tv.data());
          expect_match(tm.to_vector(), mean, 1e-6, 1e-7, what + " mean " + order);
          expect_match(tv.to_vector(), var, 1e-6, 1e-7, what + " var " + order);
          k.update_running(ctx(b), s, tm.data(), tv.data(), 0.1f, trm.data(), trv.data());
          expect_match(trm.to_vector(), rm_want, 1e-5, 1e-6, what + " running mean " + order);
          expect_match(trv.to_vector(), rv_want, 1e-5, 1e-6, what + " running var " + order);
          // From here on the cpu's statistics, so each kernel is checked on its own.
          Tensor mu = on(b, m_used), vu = on(b, v_used), ty = empty_on(b, n);
          const float* dw_ = affine ? tw.data() : nullptr;
          const float* db_ = affine ? tb.data() : nullptr;
          k.forward(ctx(b), s, tx.data(), mu.data(), vu.data(), 1e-5f, dw_, db_, ty.data());
          expect_match(ty.to_vector(), y, 1e-5, 1e-6, what + " forward " + order);
          Tensor tdx = empty_on(b, n), tdw = empty_on(b, s.c), tdb = empty_on(b, s.c);
          k.backward(ctx(b), s, tx.data(), tdy.data(), mu.data(), vu.data(), 1e-5f, dw_, training, tdx.data(),
                     tdw.data(), tdb.data());
          expect_match(tdx.to_vector(), dx, 1e-5, 1e-6, what + " dx " + order);
          expect_match(tdw.to_vector(), dw, 1e-6, 1e-7, what + " dweight " + order);
          expect_match(tdb.to_vector(), db, 1e-6, 1e-7, what + " dbias " + order);
          Tensor only_dx = empty_on(b, n);  // dweight and dbias not asked for
          k.backward(ctx(b), s, tx.data(), tdy.data(), mu.data(), vu.data(), 1e-5f, dw_, training, only_dx.data(),
                     nullptr, nullptr);
          expect_match(only_dx.to_vector(), dx, 1e-5, 1e-6, what + " dx alone " + order);
        });
      }
}

inline void check_norm_ops(Device dev) {
  for (bool training : {true, false}) {
    Tensor rm = image({13}, 81).to(dev), rv = add(upres::abs(image({13}, 82)), 0.5f).to(dev);
    check_op_on_device(dev, std::string("batch_norm ") + (training ? "training" : "eval"),
                       {image({2, 13, 7, 9}, 83), image({13}, 84), image({13}, 85)},
                       [&](auto& in) {
                         Tensor m = rm.clone(), v = rv.clone();  // each call starts from the same running stats
                         if (in[0].device() == Device::cpu) {
                           m = m.to(Device::cpu);
                           v = v.to(Device::cpu);
                         }
                         return batch_norm(in[0], in[1], in[2], m, v, training);
                       },
                       1e-5, 1e-5);
  }
}

}  // namespace upres::testing::parity
