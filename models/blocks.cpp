// blocks.cpp - the dilated residual block and the spatial-pyramid-pooling block.
#include "models/blocks.h"

#include <string>

#include "engine/error.h"
#include "engine/ops.h"

namespace upres::models {

constexpr float kBranchSlope = 0.2f;  // SppBlock's branch activation

DilatedResBlock::DilatedResBlock(int64_t num_feat, Rng& rng, std::vector<int64_t> dilations) {
  UPRES_CHECK(num_feat >= 1 && !dilations.empty(), "DilatedResBlock: num_feat ", num_feat, " and ",
              dilations.size(), " dilations; expected num_feat >= 1 and at least one dilation");
  for (size_t i = 0; i < dilations.size(); ++i) {
    UPRES_CHECK(dilations[i] >= 1, "DilatedResBlock: dilation ", dilations[i], " must be >= 1");
    convs.push_back(register_module("conv" + std::to_string(i + 1),
                                    nn::Conv2d::same(num_feat, num_feat, 3, rng, dilations[i])));
  }
}

Tensor DilatedResBlock::forward(const Tensor& x) {
  Tensor h = x;
  for (size_t i = 0; i < convs.size(); ++i) {
    h = convs[i]->forward(h);
    if (i + 1 < convs.size()) h = relu(h);
  }
  return add(x, h);
}

namespace {
// torch.nn.Sequential's numbering without a Sequential forward: a plain holder.
class ModuleList : public Module {
 public:
  template <typename M>
  std::shared_ptr<M> add(std::shared_ptr<M> m) {
    return register_module(std::to_string(n_++), std::move(m));
  }

 private:
  int n_ = 0;
};
}  // namespace

SppBlock::SppBlock(int64_t num_feat, int64_t branch_feat, Rng& rng, std::vector<int64_t> bins_)
    : bins(std::move(bins_)) {
  UPRES_CHECK(num_feat >= 1 && branch_feat >= 1 && !bins.empty(), "SppBlock: num_feat ", num_feat,
              ", branch_feat ", branch_feat, ", ", bins.size(), " bins; expected positive sizes and >= 1 bin");
  auto list = register_module("stages", std::make_shared<ModuleList>());
  for (int64_t b : bins) {
    UPRES_CHECK(b >= 1, "SppBlock: bin ", b, " must be >= 1");
    stages.push_back(list->add(std::make_shared<nn::Conv2d>(num_feat, branch_feat, 1, rng)));
  }
  const int64_t cat = num_feat + static_cast<int64_t>(bins.size()) * branch_feat;
  fuse = register_module("fuse", std::make_shared<nn::Conv2d>(cat, num_feat, 1, rng));
}

Tensor SppBlock::forward(const Tensor& x) {
  UPRES_CHECK(x.defined() && x.dim() == 4, "SppBlock: input ", x.defined() ? x.describe() : "(undefined)",
              ", expected [N, F, H, W]");
  const int64_t h = x.size(2), w = x.size(3);
  std::vector<Tensor> parts = {x};
  for (size_t i = 0; i < bins.size(); ++i) {
    Tensor p = adaptive_avg_pool2d(x, bins[i], bins[i]);
    p = leaky_relu(stages[i]->forward(p), kBranchSlope);
    parts.push_back(upsample(p, h, w, UpsampleMode::bilinear));
  }
  return fuse->forward(concat(parts, 1));
}

}  // namespace upres::models
