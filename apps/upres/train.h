// train.h - the pieces of `upres train` (cmd_train.cpp drives them):
//   train_state.cpp     the training checkpoint: everything a resumed run needs
//   train_validate.cpp  validation PSNR/SSIM on a folder, the evaluation protocol's way
//   train_progress.cpp  the progress bar (terminal) or plain lines, and the CSV log
//   train_loss.cpp      the generator's loss of a step (the loss spec; LapSRN: per level)
//   train_gan.cpp       the discriminator and its two steps (GAN training)
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "data/image.h"
#include "engine/ema.h"
#include "engine/optim.h"
#include "losses/spec.h"
#include "models/network.h"

namespace upres::cli {

// A training checkpoint is one safetensors file (written atomically):
//   model.<name>   the network's weights (state_dict names)
//   ema.<name>     the averaged weights (when EMA is on)
//   optim.<key>    the optimizer's state tensors (Optimizer::state_dict)
//   disc.<name>, disc_optim.<key>   GAN training only: the discriminator's
//                  weights and buffers, and its optimizer's state
// and metadata: the network's (arch + hyperparameters) plus "train.*" keys:
// step, seed, best PSNR, the optimizer type and scalars, and the options that
// must not change on resume (scale, batch, patch, pipeline, loss).
struct TrainState {
  int64_t step = 0;  // optimizer steps done
  uint64_t seed = 0;
  double best_psnr = -1.0;  // best validation PSNR so far (-1: none)
  int64_t best_step = -1;
  Metadata settings;  // "train.<option>" values that a resume must match
  std::string init;   // the model file (name only) the first run started from (--init), kept through resumes
};

// `disc` and `disc_opt` (both or neither): the discriminator of GAN training.
void save_checkpoint(const std::string& path, const models::SRNetwork& net, const WeightAverage* ema,
                     const Optimizer& opt, const TrainState& st, const Module* disc = nullptr,
                     const Optimizer* disc_opt = nullptr);
// Restores the network, EMA and optimizer (and the discriminator and its
// optimizer, when given) in place and returns the state. Throws upres::Error
// naming the file when it is not a training checkpoint, belongs to another
// architecture or hyperparameters, its settings differ from `st`'s, or it lacks
// (or has unasked) discriminator tensors.
TrainState load_checkpoint(const std::string& path, models::SRNetwork& net, WeightAverage* ema, Optimizer& opt,
                           const Metadata& expected_settings, Module* disc = nullptr, Optimizer* disc_opt = nullptr);
// The architecture and hyperparameters a checkpoint was made with.
Metadata checkpoint_metadata(const std::string& path);

struct ValScores {
  double psnr_y = 0, ssim_y = 0;
  int images = 0;
};
// Mean PSNR/SSIM on Y (border = scale) over the HR images of `dir`: modcrop, LR
// by MATLAB bicubic from the 8-bit RGB (the standard protocol), the network's
// output clamped and rounded to 8 bits. Runs without autograd on the network's device.
class Validator {
 public:
  Validator(const std::string& dir, int64_t scale, int max_images = 0);
  ValScores run(models::SRNetwork& net, Device device) const;
  size_t size() const { return hr_.size(); }

 private:
  struct Item {
    std::string name;
    data::Image hr;  // RGB, modcropped
  };
  int64_t scale_;
  std::vector<Item> hr_;
};

// Progress: a redrawn bar on a terminal, plain lines every `log_every` steps otherwise.
class Progress {
 public:
  Progress(int64_t total_steps, int64_t first_step, int64_t log_every, bool terminal);
  void step(int64_t step, double loss, double lr, double best_psnr);
  void line(const std::string& text);  // a message that does not break the bar
  void finish();

 private:
  int64_t total_, first_, log_every_;
  bool terminal_;
  double t0_, loss_sum_ = 0;
  int64_t loss_n_ = 0;
  bool bar_drawn_ = false;
};

// Every image of a batch [N, C, H, W] resized to out_h x out_w by MATLAB bicubic
// (data::imresize, antialiased when shrinking), as the data pipeline does. On
// the cpu; the result is on x's device.
Tensor resize_batch(const Tensor& x, int64_t out_h, int64_t out_w);

// The generator's loss of one step without the adversarial term: the loss spec
// on the network's output against HR; for LapSRN, the spec on every level's
// image against HR downscaled to that level's size (the last level: HR itself),
// summed over the levels, as LapSRN's per-level Charbonnier loss.
class GeneratorLoss {
 public:
  GeneratorLoss(losses::CompositeLoss& loss, models::SRNetwork& net);
  // The loss tensor (with graph); `sr` receives the final output.
  Tensor operator()(const Tensor& x, const Tensor& hr, Tensor& sr);
  // Labels of the spec's terms without the gan term; values() matches them, each
  // the unweighted term summed over the levels, of the latest call.
  const std::vector<std::string>& labels() const { return labels_; }
  const std::vector<double>& values() const { return values_; }
  int levels() const { return levels_; }

 private:
  losses::CompositeLoss& loss_;
  models::SRNetwork& net_;
  int levels_ = 1;
  std::vector<std::string> labels_;
  std::vector<double> values_;
};

// The discriminator of GAN training (train_gan.cpp) with its Adam.
//   pixel          SRGAN's VggDiscriminator on the image (flatten head sized to the HR patch)
//   feature:LAYER  SRFeat's FeatureDiscriminator on the content network's LAYER features
class Adversary {
 public:
  // `which`: "pixel" or "feature[:LAYER]" (throws UsageError otherwise).
  Adversary(const std::string& which, int64_t num_feat, const losses::LossSpec& spec,
            const losses::FeatureWeights& weights, int64_t channels, int64_t hr_patch, double lr, uint64_t seed,
            Device device);
  // G's side: weight * generator_adversarial(D(hr).detach(), D(sr)). D's
  // parameters do not require grad meanwhile, so G's backward leaves them alone.
  Tensor generator_term(losses::CompositeLoss& loss, const Tensor& sr, const Tensor& hr);
  // D's side: one Adam step on discriminator_loss(D(hr), D(sr.detach())); returns its value.
  double step(const losses::CompositeLoss& loss, const Tensor& sr, const Tensor& hr, double lr);
  Module& disc() { return *disc_; }
  Optimizer& optimizer() { return *opt_; }
  const std::string& description() const { return description_; }
  const std::string& setting() const { return setting_; }  // canonical --disc value

 private:
  Tensor logits(const Tensor& img);
  std::shared_ptr<Module> disc_;
  std::shared_ptr<models::FeatureNetwork> features_;  // feature discriminator only
  std::string layer_, description_, setting_;
  std::unique_ptr<Optimizer> opt_;
};

// CSV log: step,loss,lr,steps_per_s,val_psnr_y,val_ssim_y (+ one column per loss term).
class CsvLog {
 public:
  // Appends when the file exists (a resumed run) after dropping rows past `resume_step`.
  CsvLog(const std::string& path, const std::vector<std::string>& term_names, int64_t resume_step);
  void row(int64_t step, double loss, double lr, double steps_per_s, const std::vector<double>& terms,
           double val_psnr = -1, double val_ssim = -1);

 private:
  std::string path_;
  std::ofstream out_;
  size_t terms_;
};

}  // namespace upres::cli
