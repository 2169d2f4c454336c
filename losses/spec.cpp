// spec.cpp - parse a loss spec (grammar in spec.h) and evaluate the weighted sum.
//
// Like the degradation-pipeline parser (data/degrade_parse.cpp), every token keeps
// its character offset into the spec, so an error points at the exact place.
#include "losses/spec.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "engine/autograd.h"
#include "engine/error.h"
#include "engine/ops.h"
#include "losses/perceptual.h"
#include "losses/pixel.h"
#include "losses/structural.h"
#include "models/squeezenet.h"
#include "models/vgg.h"

namespace upres::losses {

namespace {

struct Token {
  std::string text;
  size_t pos = 0;  // offset of text[0] in the spec
};

[[noreturn]] void fail(const std::string& spec, const Token& t, const std::string& what) {
  const size_t width = std::max<size_t>(1, t.text.size());
  UPRES_FAIL("loss \"", spec, "\": token '", t.text, "' at position ", t.pos, ": ", what, "\n  ", spec, "\n  ",
             std::string(t.pos, ' '), std::string(width, '^'));
}

Token trimmed(const std::string& spec, size_t begin, size_t end) {
  while (begin < end && std::isspace(static_cast<unsigned char>(spec[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(spec[end - 1]))) --end;
  return Token{spec.substr(begin, end - begin), begin};
}

// The part of `t` before the first `sep` and the part after it (pos kept); `found`
// tells whether there was one.
std::pair<Token, Token> cut(const std::string& spec, const Token& t, char sep, bool& found) {
  const size_t i = t.text.find(sep);
  found = i != std::string::npos;
  if (!found) return {t, Token{"", t.pos + t.text.size()}};
  return {trimmed(spec, t.pos, t.pos + i), trimmed(spec, t.pos + i + 1, t.pos + t.text.size())};
}

const char* const kNames = "l1, mse, l2, charbonnier, smoothl1, content:LAYER, texture:LAYER, tv, ssim or gan:KIND";

LossTerm parse_term(const std::string& spec, const Token& t) {
  if (t.text.empty()) fail(spec, t, std::string("empty term; expected [WEIGHT*]NAME, NAME one of ") + kNames);
  LossTerm term;
  bool has;
  auto [w, rest] = cut(spec, t, '*', has);
  Token body = t;
  if (has) {
    if (w.text.empty()) fail(spec, w, "missing weight before '*'; expected a number such as 0.1");
    errno = 0;
    char* endp = nullptr;
    const double v = std::strtod(w.text.c_str(), &endp);
    if (endp != w.text.c_str() + w.text.size() || errno == ERANGE || !std::isfinite(v))
      fail(spec, w, "not a number; expected a weight such as 0.1 or 5e-3");
    if (v < 0) fail(spec, w, "negative weight; expected a number >= 0");
    term.weight = v;
    body = rest;
  }
  auto [lhs, net] = cut(spec, body, '@', has);
  const bool has_net = has;
  auto [name, arg] = cut(spec, lhs, ':', has);
  const bool has_arg = has;
  if (name.text.empty()) fail(spec, name, std::string("missing loss name; expected ") + kNames);
  const std::string& n = name.text;
  if (n == "l2") term.name = "mse";
  else if (n == "l1" || n == "mse" || n == "charbonnier" || n == "smoothl1" || n == "content" || n == "texture" ||
           n == "tv" || n == "ssim" || n == "gan")
    term.name = n;
  else
    fail(spec, name, std::string("unknown loss; expected ") + kNames);

  const bool perceptual = term.name == "content" || term.name == "texture";
  if (has_net && !perceptual) fail(spec, net, "only content and texture take '@NETWORK'");
  if (has_arg && arg.text.empty()) fail(spec, arg, "empty argument after ':'");
  if (perceptual) {
    if (!has_arg) fail(spec, name, term.name + " needs a layer: " + term.name + ":LAYER, e.g. " + term.name + ":fire5");
    term.network = has_net ? net.text : "squeezenet";
    std::vector<std::string> layers;
    if (term.network == "squeezenet") layers = models::SqueezeNet::layers();
    else if (term.network == "vgg16") layers = models::VGG::layers(16);
    else if (term.network == "vgg19") layers = models::VGG::layers(19);
    else fail(spec, net, "unknown network; expected squeezenet, vgg16 or vgg19");
    if (std::find(layers.begin(), layers.end(), arg.text) == layers.end()) {
      std::string all;
      for (const std::string& l : layers) all += (all.empty() ? "" : " ") + l;
      fail(spec, arg, "no such layer in " + term.network + "; expected one of " + all);
    }
    term.arg = arg.text;
  } else if (term.name == "tv") {
    term.arg = has_arg ? arg.text : "l2";
    if (term.arg != "l1" && term.arg != "l2") fail(spec, arg, "unknown tv norm; expected l1 or l2");
  } else if (term.name == "gan") {
    if (!has_arg) fail(spec, name, "gan needs a kind: gan:vanilla, gan:lsgan or gan:ragan");
    if (arg.text != "vanilla" && arg.text != "lsgan" && arg.text != "ragan")
      fail(spec, arg, "unknown gan kind; expected vanilla, lsgan or ragan");
    term.arg = arg.text;
  } else if (has_arg) {
    fail(spec, arg, term.name + " takes no argument");
  }
  return term;
}

}  // namespace

std::string LossTerm::label() const {
  std::string s = name;
  if (!arg.empty()) s += ":" + arg;
  if (!network.empty() && network != "squeezenet") s += "@" + network;
  return s;
}

const char* default_loss_spec() { return "l1"; }

LossSpec parse_loss_spec(const std::string& spec) {
  LossSpec out;
  Token gan;
  size_t start = 0;
  for (size_t i = 0; i <= spec.size(); ++i) {
    if (i < spec.size() && spec[i] != '+') continue;
    // A '+' right after an exponent marker belongs to the number: 1e+3*l1.
    if (i < spec.size() && i > start && (spec[i - 1] == 'e' || spec[i - 1] == 'E') && i >= 2 &&
        std::isdigit(static_cast<unsigned char>(spec[i - 2])))
      continue;
    Token t = trimmed(spec, start, i);
    LossTerm term = parse_term(spec, t);
    if (term.name == "gan") {
      if (!gan.text.empty()) fail(spec, t, "a second gan term; at most one is allowed (first: '" + gan.text + "')");
      gan = t;
    }
    out.terms.push_back(term);
    start = i + 1;
  }
  return out;
}

std::string default_squeezenet_path() {
  if (const char* env = std::getenv("UPRES_SQUEEZENET"); env && *env) return env;
  return "../shared/data/weights/squeezenet1_0.safetensors";
}

CompositeLoss::CompositeLoss(const std::string& spec, const FeatureWeights& weights)
    : CompositeLoss(parse_loss_spec(spec), weights) {}

CompositeLoss::CompositeLoss(LossSpec spec, const FeatureWeights& weights) : spec_(std::move(spec)) {
  UPRES_CHECK(!spec_.terms.empty(), "CompositeLoss: the spec has no terms");
  for (size_t i = 0; i < spec_.terms.size(); ++i) {
    const LossTerm& t = spec_.terms[i];
    if (t.name == "gan") gan_ = static_cast<int>(i);
    if (t.network.empty() || nets_.count(t.network)) continue;
    if (t.network == "squeezenet") {
      const std::string path = weights.squeezenet.empty() ? default_squeezenet_path() : weights.squeezenet;
      UPRES_CHECK(std::ifstream(path).good(), "loss term '", t.label(), "' needs the SqueezeNet v1.0 weights, but '",
                  path, "' cannot be read; give the path (FeatureWeights::squeezenet) or set UPRES_SQUEEZENET");
      nets_[t.network] = models::SqueezeNet::from_file(path);
    } else {
      const int depth = t.network == "vgg16" ? 16 : 19;
      const std::string& path = depth == 16 ? weights.vgg16 : weights.vgg19;
      UPRES_CHECK(!path.empty(), "loss term '", t.label(), "' needs ", t.network,
                  " weights: convert torchvision's state_dict to safetensors and give its path");
      nets_[t.network] = models::VGG::from_file(depth, path);
    }
    nets_[t.network]->eval();
  }
}

GanKind CompositeLoss::gan_kind() const {
  UPRES_CHECK(gan_ >= 0, "CompositeLoss: the spec has no gan term");
  return parse_gan_kind(spec_.terms[static_cast<size_t>(gan_)].arg);
}

Tensor CompositeLoss::operator()(const Tensor& sr, const Tensor& hr) {
  UPRES_CHECK(sr.defined() && hr.defined() && sr.shape() == hr.shape() && sr.dim() == 4, "CompositeLoss: SR ",
              sr.defined() ? upres::to_string(sr.shape()) : "(undefined)", " and HR ",
              hr.defined() ? upres::to_string(hr.shape()) : "(undefined)", " must be equal [N, C, H, W] shapes");
  // Features once per network, for all its layers: SR with graph, HR without.
  std::map<std::string, std::map<std::string, std::pair<Tensor, Tensor>>> feats;
  for (auto& [name, net] : nets_) {
    std::vector<std::string> layers;
    for (const LossTerm& t : spec_.terms)
      if (t.network == name && std::find(layers.begin(), layers.end(), t.arg) == layers.end()) layers.push_back(t.arg);
    net->to(sr.device());  // a no-op when already there
    std::vector<Tensor> fs = net->features(sr, layers), fh;
    {
      NoGradGuard ng;
      fh = net->features(hr, layers);
    }
    const float s = net->feature_scale();
    for (size_t i = 0; i < layers.size(); ++i) feats[name][layers[i]] = {fs[i] * s, fh[i] * s};
  }
  last_.clear();
  total_ = 0.0;
  Tensor total;
  for (const LossTerm& t : spec_.terms) {
    Tensor v;
    if (t.name == "gan") continue;
    if (t.name == "l1") v = losses::l1_loss(sr, hr);
    else if (t.name == "mse") v = losses::mse_loss(sr, hr);
    else if (t.name == "charbonnier") v = charbonnier_loss(sr, hr);
    else if (t.name == "smoothl1") v = smooth_l1_loss(sr, hr);
    else if (t.name == "tv") v = tv_loss(sr, t.arg == "l1" ? TvNorm::l1 : TvNorm::l2);
    else if (t.name == "ssim") v = ssim_loss(sr, hr);
    else {
      const auto& [a, b] = feats.at(t.network).at(t.arg);
      v = t.name == "content" ? feature_content_loss(a, b) : feature_texture_loss(a, b);
    }
    const double value = v.item();
    last_.emplace_back(t.label(), value);
    total_ += t.weight * value;
    Tensor weighted = v * static_cast<float>(t.weight);
    total = total.defined() ? total + weighted : weighted;
  }
  if (!total.defined()) total = Tensor::zeros({}, sr.device());  // a gan-only spec
  last_.emplace_back("total", total_);
  return total;
}

Tensor CompositeLoss::generator_adversarial(const Tensor& real_logits, const Tensor& fake_logits) {
  UPRES_CHECK(gan_ >= 0, "CompositeLoss::generator_adversarial: the spec has no gan term");
  const LossTerm& g = spec_.terms[static_cast<size_t>(gan_)];
  Tensor v = generator_loss(gan_kind(), real_logits, fake_logits);
  const double value = v.item();
  if (!last_.empty() && last_.back().first == "total") last_.pop_back();
  last_.emplace_back(g.label(), value);
  total_ += g.weight * value;
  last_.emplace_back("total", total_);
  return v * static_cast<float>(g.weight);
}

Tensor CompositeLoss::discriminator_loss(const Tensor& real_logits, const Tensor& fake_logits) const {
  return losses::discriminator_loss(gan_kind(), real_logits, fake_logits);
}

}  // namespace upres::losses
