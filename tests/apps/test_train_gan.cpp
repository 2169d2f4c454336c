// test_train_gan.cpp - `upres train` with a loss spec: GAN training (the
// discriminator and its Adam are checkpointed, so a run split by --stop-at and
// --resume is bit-identical to one run, generators and discriminators alike),
// the CSV's per-term columns, LapSRN's loss at every pyramid level (checked
// against the same batch recomputed here with plain loops), and the spec's errors.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "data/image.h"
#include "data/patches.h"
#include "data/resize.h"
#include "engine/autograd.h"
#include "engine/rng.h"
#include "engine/safetensors.h"
#include "models/lapsrn.h"
#include "models/registry.h"
#include "support/cli.h"
#include "support/tensor_files.h"
#include "support/train_folder.h"

namespace fs = std::filesystem;
using upres::data::Image;

namespace {

using upres::testing::expect_same_tensors;
using upres::testing::run_upres;
fs::path scratch(const std::string& name) { return upres::testing::scratch_dir("train_gan", name); }
using upres::testing::quoted;

using upres::testing::make_training_folder;
using upres::testing::training_picture;

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream ss(line);
  std::string c;
  while (std::getline(ss, c, ',')) cells.push_back(c);
  if (!line.empty() && line.back() == ',') cells.push_back("");
  return cells;
}

std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
  std::ifstream f(p);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(f, line)) rows.push_back(split(line));
  return rows;
}

// A tiny ESPCN on RGB and a narrow pixel discriminator: a step takes milliseconds.
const std::string kGan =
    " --arch espcn -s 2 --hp features=8,features2=4 -c 3 --batch 2 --patch 8 --threads 1 --seed 3"
    " --loss \"l1 + 0.01*gan:ragan\" --disc-feat 4 --ema 0.9";

}  // namespace

TEST(TrainGan, RaganStopAndResumeIsBitIdenticalForGeneratorAndDiscriminator) {
  fs::path d = scratch("resume");
  make_training_folder(d / "hr");
  const std::string common = "train --train " + quoted(d / "hr") + kGan + " --steps 4 --gan-warmup 1 --log-every 1";
  auto r1 = run_upres(common + " -o " + quoted(d / "full.safetensors"), d);
  ASSERT_EQ(r1.code, 0) << r1.out << r1.err;
  EXPECT_NE(r1.out.find("GAN training: pixel discriminator"), std::string::npos) << r1.out;
  auto r2 = run_upres(common + " --stop-at 2 -o " + quoted(d / "split.safetensors"), d);
  ASSERT_EQ(r2.code, 0) << r2.out << r2.err;
  auto r3 = run_upres(common + " --resume " + quoted(d / "split.ckpt.safetensors") + " -o " +
                          quoted(d / "split.safetensors"),
                      d);
  ASSERT_EQ(r3.code, 0) << r3.out << r3.err;
  expect_same_tensors(d / "full.ckpt.safetensors", d / "split.ckpt.safetensors");
  expect_same_tensors(d / "full.safetensors", d / "split.safetensors");

  // The checkpoint carries D (weights and BatchNorm statistics) and D's Adam.
  auto ckpt = upres::read_safetensors((d / "full.ckpt.safetensors").string());
  auto tensors = ckpt.tensor_map();
  ASSERT_TRUE(tensors.count("disc.conv0.weight"));
  EXPECT_EQ(tensors.at("disc.conv0.weight").shape(), (upres::Shape{4, 3, 3, 3}));
  EXPECT_TRUE(tensors.count("disc.bn1.running_mean"));
  EXPECT_TRUE(tensors.count("disc_optim.state.0.exp_avg"));
  EXPECT_EQ(ckpt.metadata.at("train.disc_optim.type"), "Adam");
  EXPECT_EQ(ckpt.metadata.at("train.setting.loss"), "l1 + 0.01*gan:ragan");
  EXPECT_EQ(ckpt.metadata.at("train.setting.disc"), "pixel");
  // D trained for the 3 steps after the warm-up: its Adam step count says so.
  EXPECT_EQ(tensors.at("disc_optim.state.0.step").to_vector().at(0), 3.0f);
  // The model file is a plain generator.
  for (auto& [name, t] : upres::read_safetensors((d / "full.safetensors").string()).tensors)
    EXPECT_EQ(name.rfind("disc", 0), std::string::npos) << name;

  // CSV: a column per term and D's loss; the warm-up step has no adversarial values.
  auto rows = read_csv(d / "full.log.csv");
  ASSERT_EQ(rows.size(), 5u);
  const std::vector<std::string> header = {"step", "loss", "lr", "steps_per_s", "val_psnr_y",
                                           "val_ssim_y", "l1", "gan:ragan", "d_loss"};
  EXPECT_EQ(rows[0], header);
  for (size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), header.size()) << i;
    const double loss = std::stod(rows[i][1]), l1 = std::stod(rows[i][6]);
    if (i == 1) {
      EXPECT_EQ(rows[i][7], "");
      EXPECT_EQ(rows[i][8], "");
      EXPECT_DOUBLE_EQ(loss, l1);
    } else {
      const double g = std::stod(rows[i][7]), dl = std::stod(rows[i][8]);
      EXPECT_NEAR(loss, l1 + 0.01 * g, 1e-6 * (1 + std::fabs(loss))) << "the logged total is the weighted sum";
      EXPECT_GT(g, 0.0);
      EXPECT_GT(dl, 0.0);
    }
  }
  fs::remove_all(d);
}

TEST(TrainGan, FeatureDiscriminatorOnSqueezeNetTrains) {
  const fs::path weights = fs::path(UPRES_SHARED_DATA_DIR) / "weights" / "squeezenet1_0.safetensors";
  if (!fs::exists(weights)) GTEST_SKIP() << "no " << weights;
  fs::path d = scratch("feature");
  make_training_folder(d / "hr");
  auto r = run_upres("train --train " + quoted(d / "hr") + kGan + " --disc feature:fire2 --squeezenet " +
                         quoted(weights) + " --steps 2 --log-every 1 -o " + quoted(d / "m.safetensors"),
                     d);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("feature discriminator"), std::string::npos) << r.out;
  auto ckpt = upres::read_safetensors((d / "m.ckpt.safetensors").string());
  // fire2 has 128 channels: D's first conv takes them.
  EXPECT_EQ(ckpt.tensor_map().at("disc.conv0.weight").shape(), (upres::Shape{4, 128, 3, 3}));
  EXPECT_EQ(ckpt.metadata.at("train.setting.disc"), "feature:fire2");
  fs::remove_all(d);
}

TEST(TrainGan, CheckpointWithoutDiscriminatorCannotResumeGanRun) {
  fs::path d = scratch("nodisc");
  make_training_folder(d / "hr");
  const std::string plain = " --arch espcn -s 2 --hp features=8,features2=4 -c 3 --batch 2 --patch 8 --threads 1"
                            " --seed 3 --ema 0.9 --steps 4";
  ASSERT_EQ(run_upres("train --train " + quoted(d / "hr") + plain + " --stop-at 1 -o " + quoted(d / "m.safetensors"), d)
                .code,
            0);
  auto r = run_upres("train --train " + quoted(d / "hr") + kGan + " --steps 4 --resume " +
                         quoted(d / "m.ckpt.safetensors") + " -o " + quoted(d / "m.safetensors"),
                     d);
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("no discriminator"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("disc."), std::string::npos) << r.err;
  fs::remove_all(d);
}

TEST(TrainGan, BadLossSpecIsUsageErrorWithCaret) {
  fs::path d = scratch("badspec");
  make_training_folder(d / "hr");
  auto r = run_upres("train --train " + quoted(d / "hr") +
                         " --arch espcn --threads 1 --loss \"l1 + 0.1*contnt:fire9\" -o " + quoted(d / "x.safetensors"),
                     d);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("contnt"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("  l1 + 0.1*contnt:fire9\n           ^^^^^^"), std::string::npos) << r.err;
  // GAN options without a gan term are usage errors too.
  auto r2 = run_upres("train --train " + quoted(d / "hr") + " --arch espcn --disc pixel -o " + quoted(d / "x.safetensors"),
                      d);
  EXPECT_EQ(r2.code, 2) << r2.err;
  EXPECT_NE(r2.err.find("gan term"), std::string::npos) << r2.err;
  auto r3 = run_upres("train --train " + quoted(d / "hr") + " --arch espcn --loss gan:lsgan --disc pix -o " +
                          quoted(d / "x.safetensors"),
                      d);
  EXPECT_EQ(r3.code, 2) << r3.err;
  EXPECT_NE(r3.err.find("pixel or feature"), std::string::npos) << r3.err;
  // Perceptual terms need RGB; a Y-channel network is told so before training starts.
  auto r4 = run_upres("train --train " + quoted(d / "hr") + " --arch espcn -c 1 --loss \"l1 + content:fire2\" -o " +
                          quoted(d / "x.safetensors"),
                      d);
  EXPECT_EQ(r4.code, 2) << r4.err;
  EXPECT_NE(r4.err.find("--channels 3"), std::string::npos) << r4.err;
  EXPECT_FALSE(fs::exists(d / "x.safetensors"));
  fs::remove_all(d);
}

// LapSRN x4: the first logged loss is l1(level x2, HR bicubic-downscaled to x2)
// + l1(level x4, HR), recomputed here from the same batch and initial weights.
TEST(TrainLapsrn, LossIsSummedOverEveryPyramidLevel) {
  fs::path d = scratch("lapsrn");
  make_training_folder(d / "hr");
  auto r = run_upres("train --train " + quoted(d / "hr") +
                         " --arch lapsrn -s 4 --hp num_feat=8,depth=2 --batch 2 --patch 8 --threads 1 --seed 7"
                         " --steps 2 --log-every 1 --ema 0 -o " + quoted(d / "m.safetensors"),
                     d);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("each of the 2 pyramid levels"), std::string::npos) << r.out;
  auto rows = read_csv(d / "m.log.csv");
  ASSERT_GE(rows.size(), 2u);
  ASSERT_EQ(rows[0].back(), "l1");
  const double logged = std::stod(rows[1][1]);
  EXPECT_NEAR(std::stod(rows[1][6]), logged, 1e-6 * logged) << "l1 (summed over the levels) is the whole loss";

  upres::models::Hyper hp = {{"scale", "4"}, {"num_feat", "8"}, {"depth", "2"}};
  upres::Rng init(7);
  auto net = upres::models::build_network("lapsrn", hp, init);
  auto* lap = dynamic_cast<upres::models::Lapsrn*>(net.get());
  ASSERT_NE(lap, nullptr);
  upres::data::PatchOptions po;
  po.scale = 4;
  po.channels = static_cast<int>(net->channels());
  po.patch = 8;
  upres::data::PatchSet set((d / "hr").string(), po);
  upres::data::BatchLoader loader(set, 7, 2, 0);
  upres::data::Batch b = loader.next();
  std::vector<upres::Tensor> levels;
  {
    upres::NoGradGuard ng;
    levels = lap->forward_levels(b.lr);
  }
  ASSERT_EQ(levels.size(), 2u);
  auto mean_abs = [](const std::vector<float>& a, const std::vector<float>& t) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += std::fabs(static_cast<double>(a[i]) - t[i]);
    return s / static_cast<double>(a.size());
  };
  // Level x2's target: each HR patch (32x32) downscaled by MATLAB bicubic to 16x16.
  const int64_t C = b.hr.size(1), H = b.hr.size(2), W = b.hr.size(3);
  std::vector<float> hr = b.hr.to_vector(), half;
  for (int64_t n = 0; n < b.hr.size(0); ++n) {
    Image img(static_cast<int>(W), static_cast<int>(H), static_cast<int>(C));
    img.pixels.assign(hr.begin() + n * C * H * W, hr.begin() + (n + 1) * C * H * W);
    Image small = upres::data::imresize(img, static_cast<int>(H / 2), static_cast<int>(W / 2));
    half.insert(half.end(), small.pixels.begin(), small.pixels.end());
  }
  const double l_x2 = mean_abs(levels[0].to_vector(), half), l_x4 = mean_abs(levels[1].to_vector(), hr);
  EXPECT_NEAR(logged, l_x2 + l_x4, 1e-5 * (l_x2 + l_x4));
  EXPECT_GT(logged, 1.5 * l_x4) << "the x2 level's loss is part of the total";
  fs::remove_all(d);
}
