// test_train_cli.cpp - `upres train` as a user runs it: a run split by
// --stop-at and --resume ends bit-identical to an uninterrupted one; validation
// writes the best model and the CSV log; a diverging loss stops with the last
// good checkpoint intact; wrong options are usage errors.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "data/image.h"
#include "engine/safetensors.h"
#include "support/cli.h"
#include "support/tensor_files.h"
#include "support/train_folder.h"

namespace fs = std::filesystem;
using upres::data::Image;

namespace {

using upres::testing::expect_same_tensors;
using upres::testing::run_upres;
fs::path scratch(const std::string& name) { return upres::testing::scratch_dir("train_cli", name); }
using upres::testing::quoted;

using upres::testing::make_training_folder;
using upres::testing::training_picture;

const std::string kTiny = " --arch espcn -s 2 --hp features=8,features2=4 --batch 3 --patch 8 --threads 1 --seed 5";

}  // namespace

TEST(TrainCli, StopAndResumeEndsBitIdenticalToOneRun) {
  fs::path d = scratch("resume");
  make_training_folder(d / "hr");
  const std::string common = "train --train " + quoted(d / "hr") + kTiny + " --steps 6 --log-every 2";
  auto r1 = run_upres(common + " -o " + quoted(d / "full.safetensors"), d);
  ASSERT_EQ(r1.code, 0) << r1.err;
  auto r2 = run_upres(common + " --stop-at 3 -o " + quoted(d / "split.safetensors"), d);
  ASSERT_EQ(r2.code, 0) << r2.err;
  auto meta = upres::read_safetensors((d / "split.ckpt.safetensors").string()).metadata;
  EXPECT_EQ(meta.at("train.step"), "3");
  auto r3 = run_upres(common + " --resume " + quoted(d / "split.ckpt.safetensors") + " -o " +
                          quoted(d / "split.safetensors"),
                      d);
  ASSERT_EQ(r3.code, 0) << r3.err;
  EXPECT_NE(r3.out.find("resuming"), std::string::npos) << r3.out;
  expect_same_tensors(d / "full.safetensors", d / "split.safetensors");
  expect_same_tensors(d / "full.ckpt.safetensors", d / "split.ckpt.safetensors");
  // The model file is a plain model: upscale takes it.
  upres::data::save_png(training_picture(9, 7, 2), (d / "in.png").string());
  auto r4 = run_upres("upscale -m " + quoted(d / "full.safetensors") + " -i " + quoted(d / "in.png") + " -o " +
                          quoted(d / "out.png"),
                      d);
  EXPECT_EQ(r4.code, 0) << r4.err;
  fs::remove_all(d);
}

// --init copies the tensors that fit (here: all but espcn's last layer, whose
// width is scale^2) and leaves the rest fresh; with lr 0 and no averaging the copied ones stay
// exactly the x3 model's; the model's metadata names the file, through a resume too.
TEST(TrainCli, InitCopiesTheTensorsThatFitFromAnotherScale) {
  fs::path d = scratch("init");
  make_training_folder(d / "hr");
  auto r1 = run_upres("train --train " + quoted(d / "hr") + kTiny + " -s 3 --steps 3 -o " + quoted(d / "x3.safetensors"), d);
  ASSERT_EQ(r1.code, 0) << r1.err;
  // Stopped after one step and resumed: the model still names the file it started from.
  const std::string x2_run = "train --train " + quoted(d / "hr") + "," + quoted(d / "hr/") + kTiny +
                             " --lr 0 --ema 0 --steps 2 -o " + quoted(d / "x2.safetensors");
  auto r2 = run_upres(x2_run + " --stop-at 1 --init " + quoted(d / "x3.safetensors"), d);
  ASSERT_EQ(r2.code, 0) << r2.err;
  EXPECT_NE(r2.out.find("initialised 4 of 6 tensors"), std::string::npos) << r2.out;
  auto r5 = run_upres(x2_run + " --resume " + quoted(d / "x2.ckpt.safetensors"), d);
  ASSERT_EQ(r5.code, 0) << r5.err;
  auto x3 = upres::read_safetensors((d / "x3.safetensors").string());
  auto x2 = upres::read_safetensors((d / "x2.safetensors").string());
  EXPECT_EQ(x2.metadata.at("init"), "x3.safetensors");
  EXPECT_EQ(x2.metadata.at("train_data"), "hr,hr");  // both folders of --train, by name
  EXPECT_EQ(x2.metadata.at("scale"), "2");
  int same = 0, differ = 0;
  for (const auto& [name, t] : x2.tensors) {
    const upres::Tensor& u = x3.at(name);
    if (u.shape() != t.shape()) {
      ++differ;
      continue;
    }
    ASSERT_EQ(u.numel(), t.numel());
    for (int64_t i = 0; i < t.numel(); ++i) ASSERT_EQ(u.data()[i], t.data()[i]) << name << " element " << i;
    ++same;
  }
  EXPECT_EQ(same, 4);
  EXPECT_EQ(differ, 2);
  // A model of another architecture fits nothing: a usage error naming the file.
  auto r3 = run_upres("train --train " + quoted(d / "hr") + " --arch srcnn -s 2 --batch 2 --patch 8 --steps 1 --init " +
                          quoted(d / "x3.safetensors") + " -o " + quoted(d / "bad.safetensors"),
                      d);
  EXPECT_EQ(r3.code, 2) << r3.err;
  EXPECT_NE(r3.err.find("x3.safetensors"), std::string::npos) << r3.err;
  EXPECT_FALSE(fs::exists(d / "bad.safetensors"));
  auto r4 = run_upres("train --train " + quoted(d / "hr") + kTiny + " --steps 1 --init " + quoted(d / "x3.safetensors") +
                          " --resume " + quoted(d / "x3.ckpt.safetensors") + " -o " + quoted(d / "x2.safetensors"),
                      d);
  EXPECT_EQ(r4.code, 2) << r4.err;
  fs::remove_all(d);
}

TEST(TrainCli, ValidationWritesBestModelAndCsvLog) {
  fs::path d = scratch("val");
  make_training_folder(d / "hr");
  auto r = run_upres("train --train " + quoted(d / "hr") + " --val " + quoted(d / "hr") + kTiny +
                         " --steps 4 --val-every 2 --log-every 1 -o " + quoted(d / "m.safetensors"),
                     d);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(d / "m.best.safetensors"));
  EXPECT_NE(r.out.find("validation"), std::string::npos) << r.out;
  std::ifstream csv(d / "m.log.csv");
  std::string header, line;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("step,loss,lr,steps_per_s,val_psnr_y,val_ssim_y", 0), 0u) << header;
  int rows = 0, val_rows = 0;
  while (std::getline(csv, line)) {
    ++rows;
    // A validation row has a PSNR in column 5: between 5 and 60 dB for these pictures.
    size_t pos = 0;
    for (int k = 0; k < 4; ++k) pos = line.find(',', pos) + 1;
    double psnr = std::atof(line.c_str() + pos);
    if (line.compare(pos, 1, ",") != 0) {
      ++val_rows;
      EXPECT_GT(psnr, 5.0) << line;
      EXPECT_LT(psnr, 60.0) << line;
    }
  }
  EXPECT_EQ(rows, 4 + 2) << "4 loss rows and 2 validation rows";
  EXPECT_EQ(val_rows, 2);
  auto meta = upres::read_safetensors((d / "m.best.safetensors").string()).metadata;
  EXPECT_EQ(meta.at("arch"), "espcn");
  EXPECT_TRUE(meta.count("val_psnr_y"));
  fs::remove_all(d);
}

TEST(TrainCli, DivergingLossStopsAndKeepsLastGoodCheckpoint) {
  fs::path d = scratch("nan");
  make_training_folder(d / "hr");
  // A 16-layer VDSR (ReLU, no saturation) with lr 10: after one Adam step every weight is
  // about +-10 and each layer multiplies the signal by up to 10 * 9 * 8, so the second
  // step's squared error overflows float (measured: inf at step 2; 8 layers stayed
  // finite, the MSE near 1e33).
  auto r = run_upres("train --train " + quoted(d / "hr") +
                         " --arch vdsr -s 2 --hp depth=16,num_feat=8 --batch 3 --patch 8 --threads 1 --seed 5"
                         " --loss mse --steps 50 --lr 10 --ema 0 --save-every 1 -o " + quoted(d / "m.safetensors"),
                     d);
  ASSERT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("the loss is"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("m.ckpt.safetensors"), std::string::npos) << r.err;
  if (fs::exists(d / "m.ckpt.safetensors")) {
    auto ckpt = upres::read_safetensors((d / "m.ckpt.safetensors").string());
    for (auto& [name, t] : ckpt.tensors)
      for (float v : t.to_vector()) ASSERT_TRUE(std::isfinite(v)) << name << " in the kept checkpoint is not finite";
  }
  fs::remove_all(d);
}

TEST(TrainCli, BadOptionsAreUsageErrorsAndResumeChecksSettings) {
  fs::path d = scratch("errors");
  make_training_folder(d / "hr");
  auto r1 = run_upres("train --arch srgan9000 --train " + quoted(d / "hr") + " -o " + quoted(d / "x.safetensors"), d);
  EXPECT_EQ(r1.code, 2);
  EXPECT_NE(r1.err.find("srgan9000"), std::string::npos) << r1.err;
  EXPECT_NE(r1.err.find("espcn"), std::string::npos) << "lists the known architectures: " << r1.err;
  auto r2 = run_upres("train --train " + quoted(d / "missing") + kTiny + " -o " + quoted(d / "x.safetensors"), d);
  EXPECT_NE(r2.code, 0);
  EXPECT_NE(r2.err.find("missing"), std::string::npos) << r2.err;
  auto r3 = run_upres("train --train " + quoted(d / "hr") + kTiny + " --hp features=-3 -o " + quoted(d / "x.safetensors"), d);
  EXPECT_EQ(r3.code, 2);
  EXPECT_NE(r3.err.find("features"), std::string::npos) << r3.err;
  auto r5 = run_upres("train --train " + quoted(d / "hr") + kTiny + " --sample pixels -o " + quoted(d / "x.safetensors"), d);
  EXPECT_EQ(r5.code, 2);
  EXPECT_NE(r5.err.find("--sample 'pixels'"), std::string::npos) << r5.err;
  // A resume with another batch size is refused, naming the option.
  const std::string common = "train --train " + quoted(d / "hr") + kTiny + " --steps 2";
  ASSERT_EQ(run_upres(common + " --stop-at 1 -o " + quoted(d / "m.safetensors"), d).code, 0);
  auto r4 = run_upres("train --train " + quoted(d / "hr") +
                          " --arch espcn -s 2 --hp features=8,features2=4 --batch 4 --patch 8 --seed 5 --steps 2"
                          " --resume " + quoted(d / "m.ckpt.safetensors") + " -o " + quoted(d / "m.safetensors"),
                      d);
  EXPECT_EQ(r4.code, 1);
  EXPECT_NE(r4.err.find("batch"), std::string::npos) << r4.err;
  // ... and so is one that draws images differently.
  auto r6 = run_upres(common + " --sample image --resume " + quoted(d / "m.ckpt.safetensors") + " -o " +
                          quoted(d / "m.safetensors"), d);
  EXPECT_EQ(r6.code, 1);
  EXPECT_NE(r6.err.find("--sample"), std::string::npos) << r6.err;
  // A setting recorded only when not the default must be given again: --hr-scales left out.
  ASSERT_EQ(run_upres(common + " --hr-scales 1,0.8 --stop-at 1 -o " + quoted(d / "h.safetensors"), d).code, 0);
  auto r7 = run_upres(common + " --resume " + quoted(d / "h.ckpt.safetensors") + " -o " + quoted(d / "h.safetensors"), d);
  EXPECT_EQ(r7.code, 1);
  EXPECT_NE(r7.err.find("--hr-scales 1,0.8"), std::string::npos) << r7.err;
  auto r8 = run_upres(common + " --hr-scales 1,1.5 -o " + quoted(d / "x.safetensors"), d);
  EXPECT_EQ(r8.code, 2);
  EXPECT_NE(r8.err.find("'1.5'"), std::string::npos) << r8.err;
  EXPECT_FALSE(fs::exists(d / "x.safetensors"));
  fs::remove_all(d);
}
