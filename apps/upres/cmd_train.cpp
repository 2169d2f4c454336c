// cmd_train.cpp - `upres train`: a minimal trainer for ESPCN, enough to make
// the shipped model (models/zoo/espcn_x2.safetensors).
//
// Data: every PNG/JPEG/BMP of --train, converted to Y (BT.601; or kept RGB for
// --channels 3), cropped to a multiple of the scale; the LR image is the box
// downscale (data/box_downscale.h - a stand-in until MATLAB bicubic lands).
// Each step draws --batch random aligned LR/HR patch pairs (LR --patch pixels
// square; the image chosen with probability proportional to its area), each
// under one of the 8 flips/rotations, and takes one Adam step on the MSE
// (the ESPCN paper's loss), with a cosine learning-rate decay to 0.
// The model is saved (atomically) every --save-every steps, when --time-limit
// runs out, and at the end, with its configuration and training facts in the
// metadata.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "apps/upres/cli.h"
#include "data/box_downscale.h"
#include "data/color.h"
#include "engine/dispatch.h"
#include "engine/ops.h"
#include "engine/optim.h"
#include "engine/rng.h"
#include "engine/schedule.h"
#include "models/espcn.h"

namespace upres::cli {

namespace {

const std::vector<OptionSpec> kSpecs = {
    {"arch", "a", true, "architecture (espcn)"},
    {"scale", "s", true, "upscaling factor (default 2)"},
    {"train", "", true, "folder of HR training images"},
    {"steps", "n", true, "optimizer steps (default 2000)"},
    {"output", "o", true, "model file to write (.safetensors)"},
    {"channels", "c", true, "1: train on Y (default); 3: on RGB"},
    {"features", "", true, "conv1 output channels (default 64)"},
    {"features2", "", true, "conv2 output channels (default 32)"},
    {"batch", "b", true, "patches per step (default 16)"},
    {"patch", "p", true, "LR patch size (default 17)"},
    {"lr", "", true, "Adam learning rate at the start (default 1e-3)"},
    {"seed", "", true, "random seed (default 1)"},
    {"log-every", "", true, "print the loss every N steps (default 100)"},
    {"save-every", "", true, "save every N steps (default 1000)"},
    {"time-limit", "", true, "stop (and save) after this many seconds (default: none)"},
    {"threads", "t", true, "CPU threads (default: all)"},
    {"device", "", true, "where training runs: cpu (default), cuda (needs a GPU) or simt (slow)"},
    {"help", "h", false, "show this help"},
};

struct Pair {
  data::Image lr, hr;
};

std::vector<Pair> load_training_set(const std::string& dir, int scale, int channels, int patch) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw UsageError("--train '" + dir + "' is not a folder");
  std::vector<std::string> files;
  for (auto& e : fs::directory_iterator(dir)) {
    std::string ext = e.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (e.is_regular_file() && (ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp"))
      files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<Pair> out;
  for (auto& f : files) {
    data::Image img = data::load_image(f);
    if (img.channels == 2 || img.channels == 4) img = data::select_channels(img, 0, img.channels - 1);
    if (channels == 1) {
      img = data::rgb_to_y(img);
    } else if (img.channels == 1) {
      img = data::merge_channels({img, img, img});
    }
    if (img.width < patch * scale || img.height < patch * scale) continue;  // too small for one patch
    Pair p;
    p.hr = data::modcrop(img, scale);
    p.lr = data::box_downscale(p.hr, scale);
    out.push_back(std::move(p));
  }
  if (out.empty()) throw UsageError("--train '" + dir + "' holds no image of at least " +
                                    std::to_string(patch * scale) + " pixels square");
  return out;
}

// Copies a size x size window at (top, left) of plane c of `src` into dst,
// under dihedral transform t (bit 0: mirror x, bit 1: mirror y, bit 2: transpose).
void copy_patch(const data::Image& src, int top, int left, int size, int t, float* dst) {
  for (int c = 0; c < src.channels; ++c)
    for (int i = 0; i < size; ++i)
      for (int j = 0; j < size; ++j) {
        int u = i, v = j;
        if (t & 4) std::swap(u, v);
        if (t & 1) v = size - 1 - v;
        if (t & 2) u = size - 1 - u;
        dst[(static_cast<int64_t>(c) * size + i) * size + j] = src.at(c, top + u, left + v);
      }
}

}  // namespace

int cmd_train(int argc, char** argv) {
  Args a(kSpecs, argc, argv, 1);
  if (a.has("help")) {
    std::cout << "usage: upres train --arch espcn -s 2 --train DIR --steps N -o FILE [options]\n\n"
              << describe_options(kSpecs);
    return 0;
  }
  if (a.get("arch", "espcn") != "espcn") throw UsageError("--arch '" + a.get("arch") + "': only 'espcn' is known");
  models::EspcnConfig cfg;
  cfg.scale = a.get_int("scale", 2, 1, 8);
  cfg.channels = a.get_int("channels", 1, 1, 3);
  if (cfg.channels == 2) throw UsageError("--channels must be 1 (Y) or 3 (RGB)");
  cfg.features = a.get_int("features", 64, 1, 1024);
  cfg.features2 = a.get_int("features2", 32, 1, 1024);
  const int64_t steps = a.get_int("steps", 2000, 1, 100000000);
  const int batch = static_cast<int>(a.get_int("batch", 16, 1, 4096));
  const int patch = static_cast<int>(a.get_int("patch", 17, 3, 1024));
  const double lr = a.get_double("lr", 1e-3, 0.0, 10.0);
  const uint64_t seed = static_cast<uint64_t>(a.get_int("seed", 1, 0, 1LL << 62));
  const int64_t log_every = a.get_int("log-every", 100, 1, 100000000);
  const int64_t save_every = a.get_int("save-every", 1000, 1, 100000000);
  const double time_limit = a.get_double("time-limit", 1e30, 0.0, 1e30);
  const std::string out = a.require("output"), dir = a.require("train");
  set_cpu_threads(static_cast<int>(a.get_int("threads", 0, 0, 1024)));
  const Device device = device_option(a);  // before any data is read or file written

  const int s = static_cast<int>(cfg.scale), C = static_cast<int>(cfg.channels);
  std::vector<Pair> set = load_training_set(dir, s, C, patch);
  std::vector<double> cum;  // cumulative LR areas, to draw images by area
  for (auto& p : set) cum.push_back((cum.empty() ? 0.0 : cum.back()) + p.lr.plane_size());

  Rng rng(seed);
  models::Espcn net(cfg, rng);
  net.to(device);  // the optimizer's moments follow the parameters' device
  Adam opt(net.parameters(), AdamOptions{lr});
  CosineAnnealingLR sched(lr, steps);
  std::cout << "training espcn x" << s << " (" << C << " channel(s), features " << cfg.features << "/"
            << cfg.features2 << ", " << net.num_parameters() << " parameters) on " << set.size() << " images of "
            << dir << "\n";

  std::vector<float> xb(static_cast<size_t>(batch) * C * patch * patch);
  std::vector<float> yb(static_cast<size_t>(batch) * C * patch * patch * s * s);
  auto save = [&](int64_t done, double last_loss) {
    Metadata meta = cfg.to_metadata();
    meta["trained_by"] = "upres train";
    meta["train_data"] = std::filesystem::path(dir).filename().string();
    meta["colour"] = C == 1 ? "Y (BT.601, studio swing, /255)" : "RGB";
    meta["degradation"] = "box downscale (data/box_downscale.h)";
    meta["loss"] = "mse";
    meta["optimizer"] = "Adam, cosine decay";
    meta["lr"] = std::to_string(lr);
    meta["batch"] = std::to_string(batch);
    meta["patch"] = std::to_string(patch);
    meta["seed"] = std::to_string(seed);
    meta["steps"] = std::to_string(done);
    meta["final_loss"] = std::to_string(last_loss);
    write_safetensors(out, net.named_parameters(), meta);
  };

  const auto t0 = std::chrono::steady_clock::now();
  double loss_sum = 0.0, last_loss = 0.0;
  int64_t loss_n = 0, step = 0;
  for (; step < steps; ++step) {
    for (int b = 0; b < batch; ++b) {
      double r = rng.uniform() * cum.back();
      size_t k = std::upper_bound(cum.begin(), cum.end(), r) - cum.begin();
      k = std::min(k, set.size() - 1);
      const Pair& p = set[k];
      int top = static_cast<int>(rng.below(static_cast<uint32_t>(p.lr.height - patch + 1)));
      int left = static_cast<int>(rng.below(static_cast<uint32_t>(p.lr.width - patch + 1)));
      int t = static_cast<int>(rng.below(8));
      copy_patch(p.lr, top, left, patch, t, xb.data() + static_cast<size_t>(b) * C * patch * patch);
      copy_patch(p.hr, top * s, left * s, patch * s, t, yb.data() + static_cast<size_t>(b) * C * patch * patch * s * s);
    }
    Tensor x = Tensor::from_vector({batch, C, patch, patch}, xb).to(device);
    Tensor y = Tensor::from_vector({batch, C, patch * s, patch * s}, yb).to(device);
    opt.set_lr(sched.lr_at(step));
    opt.zero_grad();
    Tensor loss = mse_loss(net.forward(x), y);
    loss.backward();
    opt.step();
    last_loss = loss.item();
    loss_sum += last_loss;
    ++loss_n;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if ((step + 1) % log_every == 0 || step + 1 == steps) {
      double m = loss_sum / loss_n;
      std::cout << "step " << step + 1 << "/" << steps << "  mse " << std::setprecision(5) << m << "  (PSNR "
                << std::setprecision(4) << 10 * std::log10(1.0 / m) << " dB)  lr " << opt.lr() << "  "
                << std::setprecision(3) << (step + 1) / secs << " steps/s" << std::endl;
      loss_sum = 0;
      loss_n = 0;
    }
    if ((step + 1) % save_every == 0) save(step + 1, last_loss);
    if (secs > time_limit) {
      std::cout << "time limit of " << time_limit << " s reached after " << step + 1 << " steps\n";
      ++step;
      break;
    }
  }
  save(step, last_loss);
  std::cout << "wrote " << out << "\n";
  return 0;
}

}  // namespace upres::cli
