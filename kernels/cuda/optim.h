// optim.h - the fused optimizer updates and the gradient-norm reductions on the GPU backends
// (cuda, simt). Same signatures and formulas as kernels/cpu/optim.h (read it for the maths and
// PyTorch's order of float operations); `out` of a reduction is one float in device memory.
// Napkin math (optim.cuh): an Adam/AdamW step moves 28 bytes per fp32 parameter (param, grad,
// m, v read; param, m, v written), SGD 12 (20 with momentum): memory-bound, ~13 us for 1.5 M
// parameters on an H100.
#pragma once

#include <cstdint>

#include "kernels/context.h"
#include "kernels/cuda/declare.h"

UPRES_DECLARE_GPU_KERNELS(
void sgd_step(const kern::Context& ctx, int64_t n, float* param, const float* grad, float* momentum_buf,
              double lr, double momentum, double dampening, double weight_decay, bool nesterov,
              bool first_step);
void adam_step(const kern::Context& ctx, int64_t n, float* param, const float* grad, float* exp_avg,
               float* exp_avg_sq, double lr, double beta1, double beta2, double eps,
               double weight_decay, bool decoupled, int64_t step);
void sum_squares(const kern::Context& ctx, int64_t n, const float* x, float* out);
void sum_abs_pow(const kern::Context& ctx, int64_t n, const float* x, double p, float* out);
void max_abs(const kern::Context& ctx, int64_t n, const float* x, float* out);
void scale_in_place(const kern::Context& ctx, int64_t n, float alpha, float* x);
)
