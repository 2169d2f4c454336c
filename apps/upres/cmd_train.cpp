// cmd_train.cpp - `upres train`: train any network of the registry.
//
//   upres train --arch fsrcnn -s 3 --train T91 --val Set5 --steps 200000 -o fsrcnn_x3.safetensors
//   upres train --arch msrresnet -s 4 --train T91 --gan-warmup 20000 --steps 100000
//               --loss "l1 + 0.1*content:fire9 + 0.005*gan:ragan" -o srgan_x4.safetensors
//
// Each step takes a batch of random LR/HR patch pairs (data/patches.h: the 8
// flips/rotations, LR made by the degradation pipeline, prepared on a background
// thread), one Adam step on the loss, a cosine learning-rate decay, and folds
// the weights into an exponential moving average (engine/ema.h). Every
// --val-every steps the averaged weights are scored on --val (PSNR/SSIM on Y,
// the standard protocol; train_validate.cpp).
//
// The loss is the --loss spec (losses/spec.h), a weighted sum of pixel,
// perceptual, TV, SSIM and adversarial terms; train_loss.cpp applies it. LapSRN
// is supervised at every pyramid level: the spec on each level's image against
// HR downscaled by MATLAB bicubic to that level's size, summed over the levels
// (the paper's per-level Charbonnier loss, with the user's spec in its place).
//
// With a gan term the step has two halves (train_gan.cpp): G's step on
// spec + w * adversarial with D frozen, then D's step on the discriminator loss
// with SR detached; D has its own Adam (--disc-lr, the same cosine decay).
// --gan-warmup N trains G on the other terms alone for the first N steps (a
// PSNR-oriented start, as ESRGAN) and leaves D untouched until then.
//
// Files, next to OUT (X.safetensors):
//   X.safetensors        the model (averaged weights), loadable by upscale/eval
//   X.best.safetensors   the model at the best validation PSNR so far
//   X.ckpt.safetensors   the training checkpoint: weights, averaged weights,
//                        Adam's moments, step, seed, and with a gan term the
//                        discriminator and its Adam (train_state.cpp)
//   X.log.csv            one row per logged step and per validation, with a
//                        column per loss term (and d_loss with a gan term)
// All written atomically (temporary file + rename): an interrupted write never
// leaves a broken file, and the previous checkpoint survives a crash.
// `--resume X.ckpt.safetensors` continues exactly: batches are a pure function of
// (seed, step), and the checkpoint carries everything else.
// `--init MODEL` starts from another model's weights where names and shapes fit
// (fine-tuning an x3 model into x2 or x4: only the upsampling layer starts fresh).
// Ctrl-C (or SIGTERM) saves the checkpoint and exits (status 130); a NaN or infinite loss stops
// at once with status 1 and leaves the last good checkpoint in place.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "apps/upres/cli.h"
#include "apps/upres/interrupt.h"
#include "apps/upres/train.h"
#include "data/patches.h"
#include "engine/checkpoint.h"
#include "engine/dispatch.h"
#include "engine/ops.h"
#include "engine/schedule.h"
#include "losses/spec.h"
#include "models/registry.h"

namespace upres::cli {

namespace {

const std::vector<OptionSpec> kSpecs = {
    {"arch", "a", true, "network (see `upres train --list`; default espcn)"},
    {"scale", "s", true, "upscaling factor (default 2)"},
    {"train", "", true, "folder(s) of HR training images (DIR or DIR1,DIR2)"},
    {"val", "", true, "folder of HR validation images (optional)"},
    {"val-every", "", true, "validate every N steps (default 1000)"},
    {"val-images", "", true, "validate on at most N images of --val (default all)"},
    {"loss", "", true,
     "loss spec (default l1), e.g. \"l1 + 0.1*content:fire9 + 0.005*gan:ragan\"; terms: l1, mse, charbonnier, "
     "smoothl1, content:LAYER[@NET], texture:LAYER[@NET], tv[:l1|l2], ssim, gan:vanilla|lsgan|ragan (see "
     "losses/spec.h). LapSRN: applied at every level against HR bicubic-downscaled to it, summed"},
    {"squeezenet", "", true, "SqueezeNet v1.0 weights for content/texture terms (default $UPRES_SQUEEZENET or "
     "../shared/data/weights/squeezenet1_0.safetensors)"},
    {"vgg16", "", true, "VGG16 weights (safetensors) for terms with @vgg16"},
    {"vgg19", "", true, "VGG19 weights (safetensors) for terms with @vgg19"},
    {"disc", "", true, "gan term only: pixel (default; SRGAN's image discriminator) or feature[:LAYER] (SRFeat's, "
     "on the content network's LAYER; default the spec's content layer or fire9)"},
    {"disc-feat", "", true, "gan term only: the discriminator's base width nf (default 64)"},
    {"disc-lr", "", true, "gan term only: the discriminator's Adam learning rate (default --lr; same cosine decay)"},
    {"gan-warmup", "", true, "gan term only: the first N steps train G without the adversarial term (default 0)"},
    {"steps", "n", true, "optimizer steps in all (default 2000)"},
    {"batch", "b", true, "patches per step (default 16)"},
    {"patch", "p", true, "LR patch size (default 24)"},
    {"sample", "", true,
     "how patches pick their image: area (default; by its area, every pixel equally likely) or image (every "
     "image equally likely, as BasicSR)"},
    {"hr-scales", "", true,
     "use each training image at these sizes, a comma list of factors in (0, 1] (default 1; FSRCNN's "
     "augmentation: 1,0.9,0.8,0.7,0.6): every shrunk copy (MATLAB bicubic, kept in 8 bits) is one more image"},
    {"lr", "", true, "Adam learning rate at the start (default 1e-3); cosine decay to 0"},
    {"ema", "", true, "decay of the weight average (default 0.999; 0: off)"},
    {"pipeline", "", true, "degradation making LR from HR (default resize:bicubic; see upres degrade)"},
    {"hp", "", true, "hyperparameters, KEY=VALUE[,KEY=VALUE...] (e.g. num_block=8,num_feat=32)"},
    {"channels", "c", true, "1: train on Y; 3: on RGB (default: the network's)"},
    {"seed", "", true, "random seed (default 1)"},
    {"log-every", "", true, "log the loss every N steps (default 100)"},
    {"save-every", "", true, "write the checkpoint every N steps (default 1000)"},
    {"time-limit", "", true, "stop (saving a checkpoint) after this many seconds"},
    {"stop-at", "", true, "stop (saving a checkpoint) once step N is done; --resume continues"},
    {"threads", "t", true, "CPU threads (default: all)"},
    {"device", "", true, "where training runs: cpu (default), cuda (needs a GPU) or simt (slow)"},
    {"output", "o", true, "model file to write (X.safetensors)"},
    {"resume", "", true, "continue from a training checkpoint (X.ckpt.safetensors)"},
    {"init", "", true,
     "start from a model file's weights (fine-tuning): tensors of the same name and shape are copied, the "
     "rest keep their fresh initialisation (e.g. an x3 model's feature layers for an x2 network)"},
    {"list", "", false, "list the architectures and exit"},
    {"help", "h", false, "show this help"},
};

models::Hyper parse_hp(const std::string& s) {
  models::Hyper h;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw UsageError("--hp '" + s + "': '" + item + "' is not KEY=VALUE");
    h[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return h;
}

std::string stem_of(const std::string& out) {
  const std::string ext = ".safetensors";
  if (out.size() > ext.size() && out.compare(out.size() - ext.size(), ext.size(), ext) == 0)
    return out.substr(0, out.size() - ext.size());
  return out;
}

// One spec string per meaning: "1*l1" and "l1 " are both "l1" (a resume compares it).
std::string canonical(const losses::LossSpec& spec) {
  std::string s;
  for (const losses::LossTerm& t : spec.terms) {
    char w[32];
    std::snprintf(w, sizeof w, "%.9g*", t.weight);
    s += (s.empty() ? "" : " + ") + (t.weight == 1.0 ? std::string() : std::string(w)) + t.label();
  }
  return s;
}

// "T91,BSD200" for --train ../data/T91,../data/BSD200: the folders' own names.
std::string folder_names(const data::PatchSet& set) {
  std::string names;
  for (std::filesystem::path p : set.folders()) {
    if (p.filename().empty()) p = p.parent_path();  // "T91/"
    names += (names.empty() ? "" : ",") + p.filename().string();
  }
  return names;
}

// --init: copy into `net` every tensor of `path` whose name and shape fit - the
// way FSRCNN's authors made their x2 and x4 models from the x3 one, changing only
// the last layer. Fitting nothing at all is an error (a different architecture).
void init_from(const std::string& path, models::SRNetwork& net) {
  const ModuleLoadResult r = load_module(path, net, /*strict=*/false);
  const size_t total = net.state_dict().size(), fresh = r.report.missing.size() + r.report.mismatched.size();
  if (fresh == total)
    throw UsageError("--init " + path + ": none of its tensors fits " + net.arch() + " (" + std::to_string(total) +
                     " tensors: a different architecture or width?)");
  std::cout << "initialised " << total - fresh << " of " << total << " tensors from " << path;
  if (fresh > 0) {
    std::cout << "; freshly initialised:";
    for (const auto& k : r.report.missing) std::cout << " " << k;
    for (const auto& k : r.report.mismatched) std::cout << " " << k.substr(0, k.find(':'));
  }
  std::cout << "\n";
}

void list_architectures() {
  for (const auto& a : models::architectures()) {
    std::cout << "  " << a.name << std::string(a.name.size() < 15 ? 15 - a.name.size() : 1, ' ') << a.family
              << (a.summary.empty() ? "" : ": " + a.summary) << "\n      hyperparameters:";
    for (const auto& [k, v] : a.defaults) std::cout << " " << k << "=" << v;
    std::cout << "\n";
  }
}

}  // namespace

int cmd_train(int argc, char** argv) {
  Args a(kSpecs, argc, argv, 1);
  if (a.has("help")) {
    std::cout << "usage: upres train --arch NAME -s SCALE --train DIR [--val DIR] -o OUT.safetensors [options]\n\n"
              << describe_options(kSpecs)
              << "\nThe loss: the --loss spec's weighted sum on the output against the HR patch. LapSRN is\n"
                 "supervised at every pyramid level: the spec on each level's image against the HR patch\n"
                 "downscaled by MATLAB bicubic to that level's size (the last level: HR), summed over the levels.\n"
                 "Content/texture terms need RGB (--channels 3).\n"
                 "\nGAN training (a gan term): each step trains G on the other terms + w * adversarial with D\n"
                 "frozen, then D on the discriminator loss of D(HR) and D(SR detached). The checkpoint keeps\n"
                 "D and its Adam, so --resume stays exact. The CSV log has a column per term and d_loss.\n";
    return 0;
  }
  if (a.has("list")) {
    list_architectures();
    return 0;
  }
  const std::string arch = a.get("arch", "espcn");
  try {
    models::find_arch(arch);  // an unknown name is a usage error listing the known ones
  } catch (const Error& e) {
    throw UsageError(std::string("--arch: ") + e.what());
  }
  models::Hyper hp = a.has("hp") ? parse_hp(a.get("hp")) : models::Hyper{};
  const int64_t scale = a.get_int("scale", 2, 1, 16);
  hp["scale"] = std::to_string(scale);
  if (a.has("channels")) {
    const long long c = a.get_int("channels", 1, 1, 3);
    if (c == 2) throw UsageError("--channels must be 1 (Y) or 3 (RGB)");
    hp["channels"] = std::to_string(c);
  }
  const int64_t steps = a.get_int("steps", 2000, 1, 1000000000);
  const int batch = static_cast<int>(a.get_int("batch", 16, 1, 4096));
  const int patch = static_cast<int>(a.get_int("patch", 24, 2, 1024));
  const double lr = a.get_double("lr", 1e-3, 0.0, 10.0);
  const std::string sample = a.get("sample", "area");
  if (sample != "area" && sample != "image")
    throw UsageError("--sample '" + sample + "' is unknown; expected area or image");
  const std::string hr_scales = a.get("hr-scales", "1");
  std::vector<double> hr_scale_list;
  try {
    hr_scale_list = data::parse_hr_scales(hr_scales);
  } catch (const Error& e) {
    throw UsageError(std::string("--hr-scales: ") + e.what());
  }
  const bool shrunk_copies = hr_scale_list != std::vector<double>{1.0};  // "1" and "1.0" alike: the default
  const double ema_decay = a.get_double("ema", 0.999, 0.0, 0.999999);
  const uint64_t seed = static_cast<uint64_t>(a.get_int("seed", 1, 0, 1LL << 62));
  const int64_t log_every = a.get_int("log-every", 100, 1, 1000000000);
  const int64_t save_every = a.get_int("save-every", 1000, 1, 1000000000);
  const int64_t val_every = a.get_int("val-every", 1000, 1, 1000000000);
  const int val_images = static_cast<int>(a.get_int("val-images", 0, 0, 100000));
  const double time_limit = a.get_double("time-limit", 1e30, 0.0, 1e30);
  const int64_t stop_at = a.get_int("stop-at", 0, 0, 1000000000);
  losses::LossSpec loss_spec;
  try {
    loss_spec = losses::parse_loss_spec(a.get("loss", losses::default_loss_spec()));
  } catch (const Error& e) {
    throw UsageError(std::string("--loss: ") + e.what());
  }
  const std::string loss_name = canonical(loss_spec);
  bool gan = false;
  for (const auto& t : loss_spec.terms) gan = gan || t.name == "gan";
  for (const char* o : {"disc", "disc-feat", "disc-lr", "gan-warmup"})
    if (a.has(o) && !gan) throw UsageError(std::string("--") + o + " needs a gan term in --loss");
  const double disc_lr = a.get_double("disc-lr", lr, 0.0, 10.0);
  const int64_t disc_feat = a.get_int("disc-feat", 64, 1, 4096);
  const int64_t gan_warmup = a.get_int("gan-warmup", 0, 0, 1000000000);
  losses::FeatureWeights fw{a.get("squeezenet"), a.get("vgg16"), a.get("vgg19")};
  const std::string pipeline = a.get("pipeline", data::default_degrade_pipeline());
  const std::string out = a.require("output"), dir = a.require("train");
  set_cpu_threads(static_cast<int>(a.get_int("threads", 0, 0, 1024)));
  const Device device = device_option(a);  // before any data is read or file written
  const std::string stem = stem_of(out);
  const std::string ckpt_path = stem + ".ckpt.safetensors", best_path = stem + ".best.safetensors";

  Rng init(seed);
  std::shared_ptr<models::SRNetwork> net;
  try {
    net = models::build_network(arch, hp, init);
  } catch (const Error& e) {
    throw UsageError(e.what());
  }
  if (a.has("init") && a.has("resume"))
    throw UsageError("--init and --resume: choose one (a checkpoint carries its own weights)");
  if (a.has("init")) init_from(a.get("init"), *net);
  const int64_t C = net->channels();
  for (const auto& t : loss_spec.terms)
    if (!t.network.empty() && C != 3)
      throw UsageError("--loss term '" + t.label() + "' runs " + t.network + " on RGB, but " + arch +
                       " trains on " + std::to_string(C) + " channel(s); add --channels 3");
  // The loss (it loads the feature networks it names) and D, before any data is read.
  losses::CompositeLoss loss_fn(loss_spec, fw);
  GeneratorLoss gen_loss(loss_fn, *net);
  std::unique_ptr<Adversary> adv;
  if (gan)
    adv = std::make_unique<Adversary>(a.get("disc", "pixel"), disc_feat, loss_spec, fw, C, scale * patch, disc_lr,
                                      seed, device);
  data::PatchOptions po;
  po.scale = static_cast<int>(scale);
  po.channels = static_cast<int>(C);
  po.patch = patch;
  po.pipeline = pipeline;
  po.by_area = sample == "area";
  po.hr_scales = hr_scale_list;
  data::PatchSet set(dir, po);
  std::unique_ptr<Validator> val;
  if (a.has("val")) val = std::make_unique<Validator>(a.get("val"), scale, val_images);

  net->to(device);
  net->train();
  Adam opt(net->parameters(), AdamOptions{lr});
  CosineAnnealingLR sched(lr, steps), disc_sched(disc_lr, steps);
  std::unique_ptr<WeightAverage> ema;
  if (ema_decay > 0) ema = std::make_unique<WeightAverage>(*net, ema_decay);
  // A second instance holds the averaged weights for validation and saving.
  Rng init2(seed);
  std::shared_ptr<models::SRNetwork> avg = models::build_network(arch, hp, init2);
  avg->to(device);

  TrainState st;
  st.seed = seed;
  st.settings = {{"scale", std::to_string(scale)}, {"batch", std::to_string(batch)},
                 {"patch", std::to_string(patch)}, {"pipeline", pipeline},
                 {"loss", loss_name},               {"steps", std::to_string(steps)},
                 {"lr", std::to_string(lr)},        {"ema", std::to_string(ema_decay)},
                 {"seed", std::to_string(seed)}};
  if (adv) st.settings["disc"] = adv->setting(), st.settings["disc-feat"] = std::to_string(disc_feat);
  if (sample != "area") st.settings["sample"] = sample;  // absent = area: older checkpoints still resume
  if (shrunk_copies) st.settings["hr-scales"] = hr_scales;  // likewise
  if (a.has("init")) st.init = std::filesystem::path(a.get("init")).filename().string();
  if (a.has("resume")) {
    const std::string from = a.get("resume");
    TrainState loaded = load_checkpoint(from, *net, ema.get(), opt, st.settings, adv ? &adv->disc() : nullptr,
                                        adv ? &adv->optimizer() : nullptr);
    st.step = loaded.step;
    st.best_psnr = loaded.best_psnr;
    st.best_step = loaded.best_step;
    st.init = loaded.init;
    std::cout << "resuming from " << from << " at step " << st.step << "\n";
  }

  const bool terminal = isatty(STDERR_FILENO) != 0;
  std::cout << "training " << arch << " x" << scale << " (" << net->num_parameters() << " parameters, " << C
            << " channel(s)) on " << set.size() << " images of " << dir
            << " (" << (shrunk_copies ? "each file at HR scales " + hr_scales + "; " : "") << set.skipped()
            << " too small), batch " << batch << " of " << patch << "x" << patch << " LR patches, loss " << loss_name
            << ", " << steps << " steps\n";
  if (gen_loss.levels() > 1)
    std::cout << "the loss is applied at each of the " << gen_loss.levels() << " pyramid levels and summed\n";
  if (adv)
    std::cout << "GAN training: " << adv->description() << ", lr " << disc_lr
              << (gan_warmup > 0 ? ", adversarial term from step " + std::to_string(gan_warmup + 1) : "") << "\n";
  // CSV columns: each term's unweighted value (LapSRN: summed over the levels), then D's loss.
  std::vector<std::string> columns = gen_loss.labels();
  for (const auto& t : loss_spec.terms)
    if (t.name == "gan") columns.push_back(t.label());
  if (adv) columns.push_back("d_loss");
  CsvLog log(stem + ".log.csv", columns, st.step);
  Progress progress(steps, st.step, log_every, terminal);

  auto averaged = [&]() -> models::SRNetwork& {
    if (ema) ema->copy_to(*avg);
    else load_state_dict(*avg, [&] {
      std::map<std::string, Tensor> m;
      for (auto& [k, t] : net->state_dict()) m.emplace(k, t);
      return m;
    }());
    return *avg;
  };
  auto save_model = [&](const std::string& path, models::SRNetwork& m, int64_t step) {
    Metadata meta = m.metadata();
    meta["trained_by"] = "upres train";
    meta["train_data"] = folder_names(set);
    meta["train_steps"] = std::to_string(step);
    meta["degradation"] = pipeline;
    meta["patch_sampling"] = sample;
    if (shrunk_copies) meta["hr_scales"] = hr_scales;
    meta["loss"] = loss_name;
    if (!st.init.empty()) meta["init"] = st.init;
    meta["colour"] = C == 1 ? "Y (BT.601, studio swing, /255)" : "RGB";
    if (st.best_psnr > 0) meta["val_psnr_y"] = std::to_string(st.best_psnr);
    save_module(path, m, meta);
  };
  auto checkpoint = [&]() {
    save_checkpoint(ckpt_path, *net, ema.get(), opt, st, adv ? &adv->disc() : nullptr,
                    adv ? &adv->optimizer() : nullptr);
    save_model(out, averaged(), st.step);
  };
  auto validate = [&]() {
    if (!val) return;
    ValScores v = val->run(averaged(), device);
    bool best = v.psnr_y > st.best_psnr;
    if (best) {
      st.best_psnr = v.psnr_y;
      st.best_step = st.step;
      save_model(best_path, *avg, st.step);
    }
    std::ostringstream s;
    s.precision(4);
    s << std::fixed << "step " << st.step << "  validation " << v.psnr_y << " dB  SSIM " << v.ssim_y << " on "
      << v.images << " images" << (best ? "  (best)" : "");
    progress.line(s.str());
    log.row(st.step, -1, opt.lr(), 0, {}, v.psnr_y, v.ssim_y);
  };

  InterruptScope interrupts;  // Ctrl-C or SIGTERM: save the checkpoint, exit 130
  data::BatchLoader loader(set, seed, batch, st.step);
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t first = st.step;
  while (st.step < steps) {
    data::Batch b = loader.next();
    Tensor x = b.lr, y = b.hr;
    if (net->pre_upsampling())  // the LR enlarged by MATLAB bicubic, as at inference
      x = resize_batch(x, y.size(2), y.size(3));
    if (device != Device::cpu) x = x.to(device), y = y.to(device);
    opt.set_lr(sched.lr_at(st.step));
    opt.zero_grad();
    // (a) G's step: the spec's terms (every level for LapSRN), + the adversarial term after the warm-up.
    Tensor sr;
    Tensor loss = gen_loss(x, y, sr);
    std::vector<double> terms = gen_loss.values();
    const bool adversarial = adv && st.step >= gan_warmup;
    if (adversarial) {
      Tensor g = adv->generator_term(loss_fn, sr, y);
      loss = loss + g;
      terms.push_back(loss_fn.last_terms()[loss_fn.last_terms().size() - 2].second);  // the gan term, unweighted
    } else if (adv) {
      terms.push_back(std::nan(""));  // no adversarial term yet: an empty cell
    }
    const double value = loss.item();
    if (!std::isfinite(value)) {
      progress.finish();
      std::cerr << "upres train: the loss is " << value << " at step " << st.step + 1
                << "; stopping without saving. The last good checkpoint is " << ckpt_path
                << " (lower --lr, or check the data)\n";
      return 1;
    }
    loss.backward();
    opt.step();
    // (b) D's step, on the same batch with SR detached.
    if (adversarial) {
      const double d_value = adv->step(loss_fn, sr, y, disc_sched.lr_at(st.step));
      if (!std::isfinite(d_value)) {
        progress.finish();
        std::cerr << "upres train: the discriminator's loss is " << d_value << " at step " << st.step + 1
                  << "; stopping without saving. The last good checkpoint is " << ckpt_path << " (lower --disc-lr)\n";
        return 1;
      }
      terms.push_back(d_value);
    } else if (adv) {
      terms.push_back(std::nan(""));
    }
    if (ema) ema->update(*net);
    ++st.step;
    progress.step(st.step, value, opt.lr(), st.best_psnr);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (st.step % log_every == 0) log.row(st.step, value, opt.lr(), (st.step - first) / std::max(secs, 1e-9), terms);
    if (st.step % val_every == 0) validate();
    if (st.step % save_every == 0) checkpoint();
    if (interrupt_requested()) {
      progress.finish();
      checkpoint();
      std::cout << "interrupted at step " << st.step << "; saved " << ckpt_path << " (continue with --resume "
                << ckpt_path << ")\n";
      return 130;
    }
    if (secs > time_limit || (stop_at > 0 && st.step >= stop_at && st.step < steps)) {
      progress.finish();
      checkpoint();
      std::cout << (secs > time_limit ? "time limit reached" : "stopped") << " at step " << st.step << "; saved " << ckpt_path
                << " (continue with --resume " << ckpt_path << ")\n";
      return 0;
    }
  }
  progress.finish();
  if (st.step % val_every != 0) validate();
  checkpoint();
  std::cout << "wrote " << out << " (step " << st.step << ")";
  if (st.best_psnr > 0) std::cout << "; best validation " << st.best_psnr << " dB at step " << st.best_step;
  std::cout << "\n";
  return 0;
}

}  // namespace upres::cli
