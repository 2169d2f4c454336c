// spec.h - the loss spec string and CompositeLoss, the weighted sum it names.
//
//   spec  := term ('+' term)*
//   term  := [WEIGHT '*'] NAME [':' ARG] ['@' NETWORK]
// WEIGHT is a non-negative number (default 1); spaces anywhere between tokens.
//   l1 | mse | l2 (= mse) | charbonnier | smoothl1      pixel losses (losses/pixel.h)
//   content:LAYER | texture:LAYER                       perceptual (losses/perceptual.h);
//        @squeezenet (default) | @vgg16 | @vgg19 picks the network, LAYER one of its
//        layers (fire2..fire9, conv1, pool*; conv5_4, relu2_2, ... for VGG)
//   tv | tv:l1 | tv:l2                                  total variation of SR (default l2)
//   ssim                                                1 - SSIM(SR, HR) (data range 1)
//   gan:vanilla | gan:lsgan | gan:ragan                 adversarial (losses/adversarial.h); at most one
// Example: "1*l1 + 0.1*content:fire9 + 0.05*texture:fire5 + 0.005*gan:ragan".
// A malformed spec throws upres::Error naming the bad token, its 0-based
// position, what was expected, and the spec again with a caret line under the
// token:
//   loss "l1 + 0.1*contnt:fire9": token 'contnt' at position 9: unknown loss; expected ...
//     l1 + 0.1*contnt:fire9
//              ^^^^^^
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/device.h"
#include "engine/tensor.h"
#include "losses/adversarial.h"
#include "models/feature_network.h"

namespace upres::losses {

struct LossTerm {
  double weight = 1.0;
  std::string name;     // canonical: l1, mse, charbonnier, smoothl1, content, texture, tv, ssim, gan
  std::string arg;      // layer (content/texture), l1|l2 (tv), kind (gan); "" otherwise
  std::string network;  // content/texture: squeezenet, vgg16 or vgg19; "" otherwise
  std::string label() const;  // "content:fire9", "texture:relu3_1@vgg19", "tv:l2", "l1"
};

struct LossSpec {
  std::vector<LossTerm> terms;
};

LossSpec parse_loss_spec(const std::string& spec);
const char* default_loss_spec();  // "l1"

// Where the feature networks' weights are. An empty squeezenet path means the
// default: $UPRES_SQUEEZENET if set, else ../shared/data/weights/squeezenet1_0.safetensors
// relative to the working directory (the project root). VGG weights have no default.
struct FeatureWeights {
  std::string squeezenet, vgg16, vgg19;
};
std::string default_squeezenet_path();

// The weighted sum of a spec's terms.
//
//   CompositeLoss loss("1*l1 + 0.1*content:fire9 + 0.005*gan:ragan");
//   Tensor l = loss(sr, hr);                          // every term but gan
//   if (loss.needs_discriminator()) {
//     Tensor real = D(hr).detach(), fake = D(sr);     // trainer's discriminator
//     l = l + loss.generator_adversarial(real, fake); // weight * G-side gan loss
//     ... later, for D's step: loss.discriminator_loss(D(hr), D(sr.detach()))
//   }
//   l.backward();  for (auto& [name, v] : loss.last_terms()) log(name, v);
// Feature networks are loaded (and checked) when the object is built, once per
// network, and run once per call for all of that network's layers; they follow
// SR to its device. last_terms() lists each term's unweighted value of the latest
// calls (operator() replaces the list, generator_adversarial appends its term),
// then "total", the weighted sum of them.
class CompositeLoss {
 public:
  explicit CompositeLoss(const std::string& spec, const FeatureWeights& weights = {});
  CompositeLoss(LossSpec spec, const FeatureWeights& weights);

  Tensor operator()(const Tensor& sr, const Tensor& hr);
  bool needs_discriminator() const { return gan_ >= 0; }
  GanKind gan_kind() const;  // throws if there is no gan term
  Tensor generator_adversarial(const Tensor& real_logits, const Tensor& fake_logits);
  Tensor discriminator_loss(const Tensor& real_logits, const Tensor& fake_logits) const;  // unweighted

  const std::vector<std::pair<std::string, double>>& last_terms() const { return last_; }
  const LossSpec& spec() const { return spec_; }

 private:
  LossSpec spec_;
  int gan_ = -1;  // index of the gan term in spec_.terms
  std::map<std::string, std::shared_ptr<models::FeatureNetwork>> nets_;  // by network name
  std::vector<std::pair<std::string, double>> last_;
  double total_ = 0.0;
};

}  // namespace upres::losses
