// matmul.h - batched matrix products, the core of Gram matrices (texture loss).
#pragma once

#include "engine/tensor.h"

namespace upres {

// C[b] = op(A[b]) * op(B[b]), op = transpose when the flag is set. A and B are
// [B, rows, cols] (or 2-D, treated as a batch of one, giving a 2-D result).
Tensor bmm(const Tensor& a, const Tensor& b, bool transpose_a = false, bool transpose_b = false);
// Gram matrices of features x [N, C, H, W]: G[n] = F F^T / (C*H*W), F = x[n] as [C, H*W].
Tensor gram(const Tensor& x);

}  // namespace upres
