// optim.h - fused optimizer updates and the reductions behind gradient clipping, on the CPU.
//
// An optimizer step touches every parameter once per iteration, so it is purely
// memory-bound: the whole update of one element (weight decay, moment updates,
// bias correction, the step itself) runs in registers, reading and writing each
// array exactly once. The formulas, including the order of the float operations,
// follow PyTorch's single-tensor (CPU default) implementations of
// torch.optim.SGD, Adam and AdamW, so a run reproduces PyTorch's numbers: SGD bit
// for bit (on a CPU with FMA), Adam to an ulp (PyTorch's vectorised float sqrt is
// not correctly rounded, ours is). Hyperparameters are doubles, as Python floats are in PyTorch: the
// derived scalars (1 - beta, lr / bias_correction, ...) are formed in double and
// rounded to float once, as PyTorch does when it hands a Python number to a kernel.
//
// The CUDA backend mirrors these signatures in namespace upres::cuda. `out`
// arguments of the reductions point to one float in the memory of `x`'s device.
#pragma once

#include <cstdint>

#include "kernels/context.h"

namespace upres::cpu {

// torch.optim.SGD, one parameter tensor of n elements:
//   g = grad + weight_decay * param                         (L2 penalty, if weight_decay != 0)
//   if momentum != 0:
//     buf = g                              on the first step (no dampening then!)
//     buf = momentum * buf + (1 - dampening) * g            afterwards
//     g = nesterov ? g + momentum * buf : buf
//   param -= lr * g
// momentum_buf may be null when momentum == 0.
// Napkin math: ~6 flops and 12-16 bytes read + 8 written per element.
void sgd_step(const kern::Context& ctx, int64_t n, float* param, const float* grad, float* momentum_buf,
              double lr, double momentum, double dampening, double weight_decay, bool nesterov,
              bool first_step);

// torch.optim.Adam (decoupled = false) and torch.optim.AdamW (decoupled = true).
// `step` is the 1-based count of updates of this parameter, including this one.
//   Adam:  g = grad + weight_decay * param         AdamW: param *= 1 - lr * weight_decay
//   m = lerp(m, g, 1 - beta1)                      (= beta1 m + (1 - beta1) g)
//   v = beta2 v + (1 - beta2) g^2
//   param -= lr / (1 - beta1^step) * m / (sqrt(v) / sqrt(1 - beta2^step) + eps)
// Napkin math: ~15 flops and one sqrt + one divide, 16 bytes read + 12 written per element.
void adam_step(const kern::Context& ctx, int64_t n, float* param, const float* grad, float* exp_avg,
               float* exp_avg_sq, double lr, double beta1, double beta2, double eps,
               double weight_decay, bool decoupled, int64_t step);

// Reductions for gradient norms, accumulated in double in fixed blocks of the
// array (so the result does not depend on the thread count), written as float.
//   sum_squares: sum x^2          (the 2-norm squared)
//   sum_abs_pow: sum |x|^p        (the p-norm to the p)
//   max_abs:     max |x|          (the infinity norm; NaN if any element is NaN; 0 if n == 0)
// Napkin math: 4 bytes and 2 flops per element: bandwidth-bound.
void sum_squares(const kern::Context& ctx, int64_t n, const float* x, float* out);
void sum_abs_pow(const kern::Context& ctx, int64_t n, const float* x, double p, float* out);
void max_abs(const kern::Context& ctx, int64_t n, const float* x, float* out);

// x *= alpha, in place (clipping rescales the gradients with it).
void scale_in_place(const kern::Context& ctx, int64_t n, float alpha, float* x);

}  // namespace upres::cpu
