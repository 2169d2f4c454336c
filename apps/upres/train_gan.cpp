// train_gan.cpp - the discriminator of GAN training (train.h: Adversary).
//
// A loss spec with a gan term ("l1 + 0.1*content:fire9 + 0.005*gan:ragan")
// trains two networks in turn, as SRGAN and ESRGAN do. Each step:
//
//   (a) generator:  L_G = spec(SR, HR) + w * gan_G(D(HR).detach(), D(SR))
//       backward, then only G's Adam steps. D's parameters are frozen
//       (requires_grad off) while G's graph is built and walked, so G's backward
//       gives them no gradient (and costs no weight-gradient convolutions).
//   (b) discriminator:  L_D = gan_D(D(HR), D(SR.detach()))
//       D's gradients zeroed, backward, only D's Adam steps (SR is detached, so
//       G receives nothing).
//
// gan_G/gan_D are losses/adversarial.h's (vanilla BCE, LSGAN, relativistic
// average RaGAN). The two discriminators of models/discriminator.h:
//
//   pixel          SRGAN's VggDiscriminator on the image itself. Its dense
//                  head is sized for the HR patch (input_size = scale * patch):
//                  8nf * ceil(S/16)^2 inputs to linear1, so a 96x96 HR patch
//                  (SRGAN's) gives 512*36*100 = 1.8 M weights there.
//   feature:LAYER  SRFeat's FeatureDiscriminator on the content network's
//                  features at LAYER (SqueezeNet fire9 by default, or the
//                  spec's content layer and network), times the network's
//                  feature_scale(); global pooling, so any map size works. The
//                  content network is frozen: G's gradient passes through it to SR.
//
// Both run in training mode (BatchNorm on batch statistics; the running
// statistics are buffers that the checkpoint keeps, so a resume is exact).
#include <algorithm>

#include "apps/upres/cli.h"
#include "apps/upres/train.h"
#include "engine/autograd.h"
#include "engine/error.h"
#include "models/discriminator.h"
#include "models/squeezenet.h"
#include "models/vgg.h"

namespace upres::cli {

namespace {

void set_trainable(Module& m, bool on) {
  for (Tensor p : m.parameters()) p.set_requires_grad(on);
}

std::shared_ptr<models::FeatureNetwork> load_features(const std::string& network,
                                                      const losses::FeatureWeights& w) {
  if (network == "squeezenet")
    return models::SqueezeNet::from_file(w.squeezenet.empty() ? losses::default_squeezenet_path() : w.squeezenet);
  const int depth = network == "vgg16" ? 16 : 19;
  const std::string& path = depth == 16 ? w.vgg16 : w.vgg19;
  if (path.empty()) throw UsageError("--disc feature on " + network + " needs --" + network + " PATH (its weights)");
  return models::VGG::from_file(depth, path);
}

}  // namespace

Adversary::Adversary(const std::string& which, int64_t num_feat, const losses::LossSpec& spec,
                     const losses::FeatureWeights& weights, int64_t channels, int64_t hr_patch, double lr,
                     uint64_t seed, Device device) {
  // D's initial weights: a stream of its own, so G's initialisation does not change.
  Rng rng(seed, 0x5eed0d15c0ffeeULL);
  const std::string kind = which.substr(0, which.find(':'));
  const bool has_layer = which.find(':') != std::string::npos;
  if (kind == "pixel" && !has_layer) {
    models::DiscriminatorConfig cfg;
    cfg.in_channels = channels;
    cfg.num_feat = num_feat;
    cfg.input_size = hr_patch;
    disc_ = std::make_shared<models::VggDiscriminator>(cfg, rng);
    setting_ = "pixel";
    description_ = "pixel discriminator (SRGAN's VGG-style, " + std::to_string(hr_patch) + "x" +
                   std::to_string(hr_patch) + " input";
  } else if (kind == "feature") {
    if (channels != 3)
      throw UsageError("--disc feature runs the content network on RGB; train with --channels 3");
    // The content network: the spec's first content term's, else SqueezeNet.
    std::string network = "squeezenet", layer = "fire9";
    for (const losses::LossTerm& t : spec.terms)
      if (t.name == "content") {
        network = t.network, layer = t.arg;
        break;
      }
    if (has_layer) layer = which.substr(which.find(':') + 1);
    features_ = load_features(network, weights);
    const std::vector<std::string> names = features_->layer_names();
    if (std::find(names.begin(), names.end(), layer) == names.end()) {
      std::string all;
      for (const auto& n : names) all += " " + n;
      throw UsageError("--disc '" + which + "': " + network + " has no layer '" + layer + "'; its layers:" + all);
    }
    features_->eval();
    features_->to(device);
    layer_ = layer;
    int64_t f = 0;
    try {  // the feature map of one HR patch tells F (and that the patch is large enough)
      NoGradGuard ng;
      f = features_->features(Tensor::zeros({1, 3, hr_patch, hr_patch}, device), {layer})[0].size(1);
    } catch (const Error& e) {
      throw UsageError("--disc '" + which + "': a " + std::to_string(hr_patch) + "x" + std::to_string(hr_patch) +
                       " HR patch is too small for " + network + " up to " + layer + " (" + e.what() + ")");
    }
    models::DiscriminatorConfig cfg = models::FeatureDiscriminator::defaults(f);
    cfg.num_feat = num_feat;
    disc_ = std::make_shared<models::FeatureDiscriminator>(cfg, rng);
    setting_ = "feature:" + layer + (network == "squeezenet" ? "" : "@" + network);
    description_ = "feature discriminator (SRFeat's, on " + network + " " + layer + ", " + std::to_string(f) +
                   " channels";
  } else {
    throw UsageError("--disc '" + which + "': expected pixel or feature[:LAYER]");
  }
  description_ += ", " + std::to_string(disc_->num_parameters()) + " parameters)";
  disc_->to(device);
  disc_->train();
  opt_ = std::make_unique<Adam>(disc_->parameters(), AdamOptions{lr});
}

Tensor Adversary::logits(const Tensor& img) {
  if (!features_) return disc_->forward(img);
  const float s = features_->feature_scale();
  return disc_->forward(features_->features(img, {layer_})[0] * s);
}

Tensor Adversary::generator_term(losses::CompositeLoss& loss, const Tensor& sr, const Tensor& hr) {
  set_trainable(*disc_, false);  // stays frozen through G's backward; step() thaws it
  Tensor real;
  {
    NoGradGuard ng;  // D(HR).detach()
    real = logits(hr);
  }
  return loss.generator_adversarial(real, logits(sr));
}

double Adversary::step(const losses::CompositeLoss& loss, const Tensor& sr, const Tensor& hr, double lr) {
  set_trainable(*disc_, true);
  opt_->set_lr(lr);
  opt_->zero_grad();
  Tensor l = loss.discriminator_loss(logits(hr), logits(sr.detach()));
  const double value = l.item();
  l.backward();
  opt_->step();
  return value;
}

}  // namespace upres::cli
