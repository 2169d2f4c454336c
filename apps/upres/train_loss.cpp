// train_loss.cpp - the generator's loss of one training step (train.h).
//
// The user's loss spec (losses/spec.h: "l1", "l1 + 0.1*content:fire9", ...) is
// one losses::CompositeLoss. Most networks are judged on their output alone:
//
//   loss = spec(net(x), hr)
//
// LapSRN (models/lapsrn.h) emits an image at every x2 level, and Lai et al.
// supervise each level with its own Charbonnier loss against the HR image
// downscaled to that level's size. Here the user's spec takes Charbonnier's
// place, applied at every level k = 1..L, and the levels are summed:
//
//   loss = sum_k spec(level_k, bicubic(hr, size of level_k))      (level_L: hr itself)
//
// The downscaling is MATLAB bicubic (data::imresize, antialiased), the same
// resize that makes LR patches from HR in the data pipeline. The adversarial
// term (GAN training, train_gan.cpp) is added by the caller, on the final output.
#include <algorithm>

#include "apps/upres/train.h"
#include "data/image.h"
#include "data/resize.h"
#include "engine/error.h"
#include "engine/ops.h"
#include "models/lapsrn.h"

namespace upres::cli {

Tensor resize_batch(const Tensor& x, int64_t out_h, int64_t out_w) {
  UPRES_CHECK(x.defined() && x.dim() == 4, "resize_batch: expected [N, C, H, W], got ",
              x.defined() ? x.describe() : std::string("(undefined)"));
  const Tensor host = x.device() == Device::cpu ? x : x.to(Device::cpu);
  const int64_t n = host.size(0), c = host.size(1), h = host.size(2), w = host.size(3);
  const std::vector<float> all = host.to_vector();
  std::vector<float> out;
  out.reserve(static_cast<size_t>(n * c * out_h * out_w));
  const int64_t plane = c * h * w;
  for (int64_t i = 0; i < n; ++i) {
    data::Image img(static_cast<int>(w), static_cast<int>(h), static_cast<int>(c));
    img.pixels.assign(all.begin() + i * plane, all.begin() + (i + 1) * plane);
    data::Image r = data::imresize(img, static_cast<int>(out_h), static_cast<int>(out_w));
    out.insert(out.end(), r.pixels.begin(), r.pixels.end());
  }
  Tensor y = Tensor::from_vector({n, c, out_h, out_w}, out);
  return x.device() == Device::cpu ? y : y.to(x.device());
}

GeneratorLoss::GeneratorLoss(losses::CompositeLoss& loss, models::SRNetwork& net) : loss_(loss), net_(net) {
  for (const losses::LossTerm& t : loss.spec().terms)
    if (t.name != "gan") labels_.push_back(t.label());
  if (auto* lap = dynamic_cast<models::Lapsrn*>(&net)) levels_ = static_cast<int>(lap->levels.size());
}

Tensor GeneratorLoss::operator()(const Tensor& x, const Tensor& hr, Tensor& sr) {
  std::vector<Tensor> outs;
  if (levels_ > 1) outs = static_cast<models::Lapsrn&>(net_).forward_levels(x);
  else outs.push_back(net_.forward(x));
  values_.assign(labels_.size(), 0.0);
  Tensor total;
  for (size_t k = 0; k < outs.size(); ++k) {
    const Tensor& out = outs[k];
    const Tensor target = k + 1 == outs.size() ? hr : resize_batch(hr, out.size(2), out.size(3));
    Tensor l = loss_(out, target);
    // last_terms(): the spec's non-gan terms in order, then "total".
    const auto& terms = loss_.last_terms();
    for (size_t i = 0; i < labels_.size() && i < terms.size(); ++i) values_[i] += terms[i].second;
    total = total.defined() ? total + l : l;
  }
  sr = outs.back();
  return total;
}

}  // namespace upres::cli
