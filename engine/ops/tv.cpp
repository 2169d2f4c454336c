// tv.cpp - total variation: one fused reduction forward, one gather kernel backward.
#include "engine/ops/tv.h"

#include <memory>

#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "kernels/cpu/tv.h"
#include "kernels/cuda/tv.h"

namespace upres {

Tensor total_variation(const Tensor& x, TvKind kind) {
  Device dev = common_device("total_variation", {&x});
  UPRES_CHECK(x.dim() == 4 && x.numel() > 0, "total_variation: input ", to_string(x.shape()),
              ", expected a non-empty [N, C, H, W] tensor");
  kern::TvShape s;
  s.planes = x.size(0) * x.size(1);
  s.height = x.size(2);
  s.width = x.size(3);
  s.power = kind == TvKind::l1 ? 1 : 2;
  Tensor y = Tensor::empty({}, dev);
  Storage work(kern::kTvWorkspaceDoubles * sizeof(double), dev);  // the partial sums
  UPRES_DISPATCH_ALL(dev, tv_forward, s, x.data(), static_cast<double*>(work.ptr), y.data());
  Tensor xs = x.detach();
  return record(y, "total_variation", {x}, [xs, s](const Tensor& gy) {
    Tensor gx = Tensor::empty(xs.shape(), xs.device());
    UPRES_DISPATCH_ALL(xs.device(), tv_backward, s, gy.data(), xs.data(), gx.data());
    return std::vector<Tensor>{gx};
  });
}

}  // namespace upres
