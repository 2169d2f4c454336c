// The whole engine on the simt device: the end-to-end ESPCN training of
// tests/models/test_espcn_training.cpp (conv2d, tanh, pixel_shuffle, mse_loss,
// autograd, Adam with a cosine learning rate) run twice from the same
// initial weights and data, once with every tensor on cpu and once on simt, for
// a reduced number of steps (the emulator runs each GPU thread as a fiber).
// The two runs must follow the same loss trajectory and end with the same weights.
//
// Why not bit for bit: the simt convolutions are the implicit-GEMM kernels of
// kernels/cuda/conv, which add their products in another order than the cpu's
// im2col + GEMM, so each value differs in the last bits (~1e-7 relative), and
// Adam divides by sqrt(v), which can amplify the difference for parameters whose
// gradient is tiny. Measured over 40 steps (loss 0.041 -> 0.0052): the largest difference is
// 1.1e-7 (loss, relative) and 4.5e-8 (weights, absolute); the test allows 1e-5 for both, a
// hundred times the measurement and still far below what a wrong kernel gives (a gradient
// with one wrong sign moves the loss by percents). 30 steps take ~2-3 s in a RelWithDebInfo
// build (most of it the simt convolutions).
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <vector>

#include "engine/backends.h"
#include "engine/dispatch.h"
#include "engine/ops.h"
#include "engine/optim.h"
#include "engine/rng.h"
#include "models/espcn.h"

using namespace upres;

namespace {

// A grey scene with smooth shading and a few hard-edged rectangles, [1, 1, h, w].
std::vector<float> scene(int h, int w, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(static_cast<size_t>(h * w));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) v[y * w + x] = static_cast<float>(0.45 + 0.2 * std::sin(0.3 * x + 0.17 * y));
  for (int k = 0; k < 6; ++k) {
    int x0 = static_cast<int>(rng.below(w)), y0 = static_cast<int>(rng.below(h));
    float value = rng.uniform(0.05f, 0.95f);
    for (int y = y0; y < std::min(h, y0 + 6); ++y)
      for (int x = x0; x < std::min(w, x0 + 5); ++x) v[y * w + x] = value;
  }
  return v;
}

struct TrainRun {
  std::vector<float> losses;
  std::vector<std::vector<float>> weights;
};

// Trains a fresh ESPCN x2 (same seed every call) on `dev` for `steps` Adam steps.
TrainRun train(Device dev, const Tensor& x_cpu, const Tensor& y_cpu, int steps) {
  models::EspcnConfig cfg;
  cfg.channels = 1;
  cfg.scale = 2;
  cfg.features = 8;
  cfg.features2 = 8;
  Rng init(11);
  models::Espcn net(cfg, init);
  net.to(dev);
  Adam opt(net.parameters(), AdamOptions{1e-2});
  Tensor x = x_cpu.to(dev), y = y_cpu.to(dev);
  TrainRun run;
  const double kPi = 3.141592653589793;
  for (int step = 0; step < steps; ++step) {
    opt.set_lr(1e-2 * 0.5 * (1 + std::cos(kPi * step / steps)));
    opt.zero_grad();
    Tensor loss = mse_loss(net.forward(x), y);
    EXPECT_EQ(loss.device(), dev);
    loss.backward();
    opt.step();
    run.losses.push_back(loss.item());
  }
  for (const Tensor& p : net.parameters()) {
    EXPECT_EQ(p.device(), dev);
    run.weights.push_back(p.to_vector());
  }
  return run;
}

}  // namespace

TEST(EspcnTrainingSimt, LossTrajectoryAndWeightsMatchCpu) {
  if (!device_available(Device::simt)) GTEST_SKIP() << "no simt device";
  set_cpu_threads(1);
  const int kBatch = 4, kPatch = 8, kSteps = 30;
  // HR patches from one scene; LR = 2x2 box average (avg_pool2d), data centred at 0.
  std::vector<float> hr;
  for (int b = 0; b < kBatch; ++b) {
    std::vector<float> s = scene(2 * kPatch, 2 * kPatch, 100 + b);
    hr.insert(hr.end(), s.begin(), s.end());
  }
  Tensor y = sub(Tensor::from_vector({kBatch, 1, 2 * kPatch, 2 * kPatch}, hr), 0.5f);
  Tensor x;
  {
    NoGradGuard no_grad;
    x = avg_pool2d(y, 2, 2);
  }
  const TrainRun ref = train(Device::cpu, x, y, kSteps);
  const TrainRun got = train(Device::simt, x, y, kSteps);
  ASSERT_EQ(ref.losses.size(), got.losses.size());
  EXPECT_LT(ref.losses.back(), 0.7f * ref.losses.front()) << "the cpu run did not learn";
  double worst_loss = 0, worst_weight = 0;
  for (size_t i = 0; i < ref.losses.size(); ++i) {
    const double rel = std::fabs(double(got.losses[i]) - ref.losses[i]) / std::fabs(double(ref.losses[i]));
    worst_loss = std::max(worst_loss, rel);
    EXPECT_LE(rel, 1e-5) << "step " << i << ": simt loss " << got.losses[i] << ", cpu " << ref.losses[i];
  }
  ASSERT_EQ(ref.weights.size(), got.weights.size());
  for (size_t p = 0; p < ref.weights.size(); ++p) {
    ASSERT_EQ(ref.weights[p].size(), got.weights[p].size());
    for (size_t i = 0; i < ref.weights[p].size(); ++i) {
      const double d = std::fabs(double(got.weights[p][i]) - ref.weights[p][i]);
      worst_weight = std::max(worst_weight, d);
      EXPECT_LE(d, 1e-5) << "parameter " << p << " element " << i;
    }
  }
  std::ostringstream report;
  report << std::scientific << worst_loss << " " << worst_weight << " loss " << ref.losses.front() << " -> "
         << ref.losses.back();
  RecordProperty("worst_loss_rel_weight_abs", report.str());
  set_cpu_threads(0);
}
