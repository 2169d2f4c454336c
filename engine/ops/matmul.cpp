// matmul.cpp - batched matrix products and Gram matrices, on the GEMM kernel.
//
// bmm's backward is two more bmm's. For C = op(A) op(B) and upstream G = dL/dC:
//   dL/dop(A) = G op(B)^T,   dL/dop(B) = op(A)^T G,
// and a transposed operand gets the transpose of that: e.g. with A transposed,
// dL/dA = (G op(B)^T)^T = op(B) G^T. Each case below is one bmm with the right flags.
// On cuda and simt, gemm is kernels/cuda/sgemm.h's: the hand-written SGEMM for small products,
// cuBLAS for large ones.
#include "engine/ops/matmul.h"

#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cuda/sgemm.h"

namespace upres {

Tensor bmm(const Tensor& a, const Tensor& b, bool ta, bool tb) {
  Device dev = common_device("bmm", {&a, &b});
  UPRES_CHECK((a.dim() == 2 || a.dim() == 3) && a.dim() == b.dim(), "bmm: operands ",
              to_string(a.shape()), " and ", to_string(b.shape()),
              " must both be 2-D [rows, cols] or both 3-D [batch, rows, cols]");
  const bool batched = a.dim() == 3;
  const int64_t batch = batched ? a.size(0) : 1;
  UPRES_CHECK(!batched || b.size(0) == batch, "bmm: batch sizes differ: ", to_string(a.shape()),
              " and ", to_string(b.shape()));
  const int64_t ar = a.size(-2), ac = a.size(-1), br = b.size(-2), bc = b.size(-1);
  const int64_t M = ta ? ac : ar, K = ta ? ar : ac, Kb = tb ? bc : br, N = tb ? br : bc;
  UPRES_CHECK(K == Kb, "bmm: ", ta ? "A^T" : "A", " of ", to_string(a.shape()), " times ",
              tb ? "B^T" : "B", " of ", to_string(b.shape()), ": inner sizes ", K, " and ", Kb,
              " differ");
  Tensor c = Tensor::empty(batched ? Shape{batch, M, N} : Shape{M, N}, dev);
  for (int64_t i = 0; i < batch; ++i)
    UPRES_DISPATCH_ALL(dev, gemm, ta, tb, M, N, K, 1.0f, a.data() + i * ar * ac, ac,
                       b.data() + i * br * bc, bc, 0.0f, c.data() + i * M * N, N);

  const bool need_a = a.requires_grad(), need_b = b.requires_grad();
  Tensor as = a.detach(), bs = b.detach();
  return record(c, "bmm", {a, b}, [=](const Tensor& g) {
    std::vector<Tensor> grads(2);
    if (need_a) grads[0] = ta ? bmm(bs, g, tb, true) : bmm(g, bs, false, !tb);
    if (need_b) grads[1] = tb ? bmm(g, as, true, ta) : bmm(as, g, !ta, false);
    return grads;
  });
}

// G[n] = F F^T / (C*H*W) with F = x[n] as a [C, H*W] matrix. G is symmetric, and
// dL/dF = (dL/dG + dL/dG^T) F / (C*H*W): two GEMMs per image, the second adding on.
// Napkin math: 2*C*C*HW FLOPs per image forward, twice that backward.
Tensor gram(const Tensor& x) {
  Device dev = common_device("gram", {&x});
  check_rank("gram", "features", x, 4);
  const int64_t N = x.size(0), C = x.size(1), HW = x.size(2) * x.size(3);
  UPRES_CHECK(C * HW > 0, "gram: features ", to_string(x.shape()), " are empty");
  const float alpha = 1.0f / static_cast<float>(C * HW);
  Tensor g = Tensor::empty({N, C, C}, dev);
  for (int64_t n = 0; n < N; ++n) {
    const float* f = x.data() + n * C * HW;
    UPRES_DISPATCH_ALL(dev, gemm, false, true, C, C, HW, alpha, f, HW, f, HW, 0.0f,
                       g.data() + n * C * C, C);
  }
  Tensor xs = x.detach();
  return record(g, "gram", {x}, [=](const Tensor& gg) {
    Tensor gx = Tensor::empty(xs.shape(), dev);
    for (int64_t n = 0; n < N; ++n) {
      const float* f = xs.data() + n * C * HW;
      const float* d = gg.data() + n * C * C;
      float* out = gx.data() + n * C * HW;
      UPRES_DISPATCH_ALL(dev, gemm, false, false, C, HW, C, alpha, d, C, f, HW, 0.0f, out, HW);
      UPRES_DISPATCH_ALL(dev, gemm, true, false, C, HW, C, alpha, d, C, f, HW, 1.0f, out, HW);
    }
    return std::vector<Tensor>{gx};
  });
}

}  // namespace upres
