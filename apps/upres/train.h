// train.h - the pieces of `upres train` (cmd_train.cpp drives them):
//   train_state.cpp     the training checkpoint: everything a resumed run needs
//   train_validate.cpp  validation PSNR/SSIM on a folder, the evaluation protocol's way
//   train_progress.cpp  the progress bar (terminal) or plain lines, and the CSV log
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "data/image.h"
#include "engine/ema.h"
#include "engine/optim.h"
#include "models/network.h"

namespace upres::cli {

// A training checkpoint is one safetensors file (written atomically):
//   model.<name>   the network's weights (state_dict names)
//   ema.<name>     the averaged weights (when EMA is on)
//   optim.<key>    the optimizer's state tensors (Optimizer::state_dict)
// and metadata: the network's (arch + hyperparameters) plus "train.*" keys:
// step, seed, best PSNR, the optimizer type and scalars, and the options that
// must not change on resume (scale, batch, patch, pipeline, loss).
struct TrainState {
  int64_t step = 0;  // optimizer steps done
  uint64_t seed = 0;
  double best_psnr = -1.0;  // best validation PSNR so far (-1: none)
  int64_t best_step = -1;
  Metadata settings;  // "train.<option>" values that a resume must match
};

void save_checkpoint(const std::string& path, const models::SRNetwork& net, const WeightAverage* ema,
                     const Optimizer& opt, const TrainState& st);
// Restores the network, EMA and optimizer in place and returns the state. Throws
// upres::Error naming the file when it is not a training checkpoint, belongs to
// another architecture or hyperparameters, or its settings differ from `st`'s.
TrainState load_checkpoint(const std::string& path, models::SRNetwork& net, WeightAverage* ema, Optimizer& opt,
                           const Metadata& expected_settings);
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
