// perceptual.cpp - content and texture losses (definitions in perceptual.h).
#include "losses/perceptual.h"

#include "engine/error.h"
#include "engine/ops.h"

namespace upres::losses {

namespace {
void check_features(const char* loss, const Tensor& a, const Tensor& b) {
  UPRES_CHECK(a.defined() && b.defined() && a.dim() == 4 && a.shape() == b.shape(), loss,
              ": SR features ", a.defined() ? to_string(a.shape()) : "(undefined)", " and HR features ",
              b.defined() ? to_string(b.shape()) : "(undefined)", " must be equal [N, C, H, W] shapes");
}

// Features of SR (differentiable) and HR (target, no graph), scaled.
std::pair<Tensor, Tensor> both(models::FeatureNetwork& net, const Tensor& sr, const Tensor& hr,
                               const std::string& layer, const char* loss) {
  UPRES_CHECK(sr.defined() && hr.defined() && sr.shape() == hr.shape(), loss, ": SR ",
              sr.defined() ? to_string(sr.shape()) : "(undefined)", " and HR ",
              hr.defined() ? to_string(hr.shape()) : "(undefined)", " must have the same shape");
  const float s = net.feature_scale();
  Tensor f_sr = net.features(sr, {layer})[0] * s;
  Tensor f_hr;
  {
    NoGradGuard ng;
    f_hr = net.features(hr, {layer})[0] * s;
  }
  return {f_sr, f_hr};
}
}  // namespace

Tensor feature_content_loss(const Tensor& f_sr, const Tensor& f_hr) {
  check_features("content_loss", f_sr, f_hr);
  return l1_loss(f_sr, f_hr);
}

Tensor feature_texture_loss(const Tensor& f_sr, const Tensor& f_hr) {
  check_features("texture_loss", f_sr, f_hr);
  return mse_loss(gram(f_sr), gram(f_hr));
}

Tensor content_loss(models::FeatureNetwork& net, const Tensor& sr, const Tensor& hr, const std::string& layer) {
  auto [a, b] = both(net, sr, hr, layer, "content_loss");
  return feature_content_loss(a, b);
}

Tensor texture_loss(models::FeatureNetwork& net, const Tensor& sr, const Tensor& hr, const std::string& layer) {
  auto [a, b] = both(net, sr, hr, layer, "texture_loss");
  return feature_texture_loss(a, b);
}

}  // namespace upres::losses
