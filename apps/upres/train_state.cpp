// train_state.cpp - the training checkpoint (train.h): one safetensors file
// with the weights, the averaged weights and the optimizer's moments, and the
// step, seed and settings in its metadata. Batches are a pure function of
// (seed, step) (data/patches.h), so these are all a resumed run needs to
// continue exactly where the interrupted one stopped. GAN training adds the
// discriminator and its optimizer under their own prefixes.
#include <cstdlib>
#include <map>

#include "apps/upres/train.h"
#include "engine/error.h"
#include "engine/safetensors.h"

namespace upres::cli {

namespace {

const std::string kModel = "model.", kEma = "ema.", kOptim = "optim.", kDisc = "disc.", kDiscOptim = "disc_optim.";

std::string format_double(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

}  // namespace

void save_checkpoint(const std::string& path, const models::SRNetwork& net, const WeightAverage* ema,
                     const Optimizer& opt, const TrainState& st, const Module* disc, const Optimizer* disc_opt) {
  NamedTensors tensors;
  for (const auto& [name, t] : net.state_dict()) tensors.emplace_back(kModel + name, t);
  if (ema)
    for (const auto& [name, t] : ema->shadow()) tensors.emplace_back(kEma + name, t);
  OptimizerState os = opt.state_dict();
  for (const auto& [name, t] : os.tensors) tensors.emplace_back(kOptim + name, t);
  OptimizerState ds;
  if (disc) {
    for (const auto& [name, t] : disc->state_dict()) tensors.emplace_back(kDisc + name, t);
    UPRES_CHECK(disc_opt, "save_checkpoint: a discriminator needs its optimizer");
    ds = disc_opt->state_dict();
    for (const auto& [name, t] : ds.tensors) tensors.emplace_back(kDiscOptim + name, t);
  }

  Metadata meta = net.metadata();
  meta["format"] = "upres training checkpoint";
  meta["train.step"] = std::to_string(st.step);
  meta["train.seed"] = std::to_string(st.seed);
  meta["train.best_psnr"] = format_double(st.best_psnr);
  meta["train.best_step"] = std::to_string(st.best_step);
  meta["train.optim.type"] = os.type;
  meta["train.ema"] = ema ? format_double(ema->decay()) : "0";
  if (!st.init.empty()) meta["train.init"] = st.init;
  for (const auto& [k, v] : os.scalars) meta["train.optim.scalar." + k] = format_double(v);
  if (disc) {
    meta["train.disc_optim.type"] = ds.type;
    for (const auto& [k, v] : ds.scalars) meta["train.disc_optim.scalar." + k] = format_double(v);
  }
  for (const auto& [k, v] : st.settings) meta["train.setting." + k] = v;
  write_safetensors(path, tensors, meta);
}

Metadata checkpoint_metadata(const std::string& path) {
  SafetensorsData file = read_safetensors(path);
  auto f = file.metadata.find("format");
  UPRES_CHECK(f != file.metadata.end() && f->second == "upres training checkpoint", "'", path,
              "' is not an upres training checkpoint (no format=\"upres training checkpoint\" in its metadata); "
              "--resume takes the .ckpt.safetensors file that `upres train` writes beside its output");
  return file.metadata;
}

TrainState load_checkpoint(const std::string& path, models::SRNetwork& net, WeightAverage* ema, Optimizer& opt,
                           const Metadata& expected_settings, Module* disc, Optimizer* disc_opt) {
  SafetensorsData file = read_safetensors(path);
  const Metadata& meta = file.metadata;
  auto f = meta.find("format");
  UPRES_CHECK(f != meta.end() && f->second == "upres training checkpoint", "'", path,
              "' is not an upres training checkpoint");
  // Same network: architecture and every hyperparameter.
  for (const auto& [k, v] : net.metadata()) {
    auto it = meta.find(k);
    UPRES_CHECK(it != meta.end() && it->second == v, "checkpoint '", path, "' was made with ", k, "=",
                it == meta.end() ? std::string("(none)") : it->second, ", this run has ", k, "=", v);
  }
  std::map<std::string, Tensor> model, shadow, dmodel;
  OptimizerState os, ds;
  for (const auto& [name, t] : file.tensors) {
    if (starts_with(name, kModel)) model.emplace(name.substr(kModel.size()), t);
    else if (starts_with(name, kDisc)) dmodel.emplace(name.substr(kDisc.size()), t);
    else if (starts_with(name, kDiscOptim)) ds.tensors.emplace(name.substr(kDiscOptim.size()), t);
    else if (starts_with(name, kEma)) shadow.emplace(name.substr(kEma.size()), t);
    else if (starts_with(name, kOptim)) os.tensors.emplace(name.substr(kOptim.size()), t);
    else UPRES_FAIL("checkpoint '", path, "' holds an unexpected tensor '", name, "'");
  }
  os.type = meta.count("train.optim.type") ? meta.at("train.optim.type") : "";
  const std::string sp = "train.optim.scalar.";
  for (const auto& [k, v] : meta)
    if (starts_with(k, sp)) os.scalars[k.substr(sp.size())] = std::strtod(v.c_str(), nullptr);
  // GAN training: the discriminator must be there exactly when the run has one.
  UPRES_CHECK(disc || dmodel.empty(), "checkpoint '", path,
              "' holds a discriminator (disc. tensors) but this run trains none; resume with the same --loss");
  if (disc) {
    UPRES_CHECK(!dmodel.empty() && meta.count("train.disc_optim.type"), "checkpoint '", path,
                "' has no discriminator (disc. and disc_optim. tensors are missing): it was not written by a "
                "GAN run, so it cannot resume one");
    ds.type = meta.at("train.disc_optim.type");
    const std::string dp = "train.disc_optim.scalar.";
    for (const auto& [k, v] : meta)
      if (starts_with(k, dp)) ds.scalars[k.substr(dp.size())] = std::strtod(v.c_str(), nullptr);
  }
  for (const auto& [k, v] : expected_settings) {
    auto it = meta.find("train.setting." + k);
    UPRES_CHECK(it != meta.end() && it->second == v, "checkpoint '", path, "' was trained with --", k, " ",
                it == meta.end() ? std::string("(none)") : it->second, "; this run asks for ", v,
                " (a resumed run must keep it)");
  }
  // Settings recorded only when not the default (--sample image, --hr-scales, ...) must be asked for again.
  const std::string setting_prefix = "train.setting.";
  for (const auto& [k, v] : meta)
    UPRES_CHECK(!starts_with(k, setting_prefix) || expected_settings.count(k.substr(setting_prefix.size())),
                "checkpoint '", path, "' was trained with --", k.substr(setting_prefix.size()), " ", v,
                "; this run leaves it at its default (a resumed run must keep it)");
  try {
    load_state_dict(net, model, /*strict=*/true);
    opt.load_state_dict(os);
    if (ema) {
      UPRES_CHECK(!shadow.empty(), "it has no averaged (ema.) weights; resume with the same --ema");
      std::vector<std::pair<std::string, Tensor>> named(shadow.begin(), shadow.end());
      ema->load(named);
    }
    if (disc) {
      load_state_dict(*disc, dmodel, /*strict=*/true);
      UPRES_CHECK(disc_opt, "load_checkpoint: a discriminator needs its optimizer");
      disc_opt->load_state_dict(ds);
    }
  } catch (const Error& e) {
    UPRES_FAIL("checkpoint '", path, "': ", e.what());
  }
  TrainState st;
  st.step = std::strtoll(meta.at("train.step").c_str(), nullptr, 10);
  st.seed = std::strtoull(meta.at("train.seed").c_str(), nullptr, 10);
  st.best_psnr = meta.count("train.best_psnr") ? std::strtod(meta.at("train.best_psnr").c_str(), nullptr) : -1;
  st.best_step = meta.count("train.best_step") ? std::strtoll(meta.at("train.best_step").c_str(), nullptr, 10) : -1;
  st.settings = expected_settings;
  if (meta.count("train.init")) st.init = meta.at("train.init");
  return st;
}

}  // namespace upres::cli
