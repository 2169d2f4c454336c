// End-to-end training test: ESPCN x2 learns, through the whole engine (conv2d,
// tanh, pixel_shuffle, mse_loss, autograd, Adam), to enlarge a procedurally
// generated image with hard edges and texture. It must cut its training loss
// to a fraction of the start and beat bicubic upsampling in PSNR on a held-out
// image drawn from the same generator with another seed.
// Degradation: Gaussian blur (sigma 1.5) then a 2x2 box downscale, the
// "blur-downscale" setting of the SR literature. With plain box downscaling
// bicubic is close to the best linear interpolator for such scenes and a tiny
// ESPCN needs thousands of steps to pass it; with the blur, what the network
// learns (deblurring) shows within a few hundred steps.
// Data are centred (x - 0.5), which speeds up training several-fold.
// Sizes are small so that it runs in seconds (and under AddressSanitizer).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "data/box_downscale.h"
#include "data/image.h"
#include "engine/dispatch.h"
#include "engine/error.h"
#include "engine/ops.h"
#include "engine/optim.h"
#include "models/espcn.h"

using namespace upres;

namespace {

// A grey scene: smooth shading, an oriented texture, and random rectangles and
// discs with hard edges (what super-resolution must sharpen).
data::Image make_scene(int w, int h, uint64_t seed) {
  Rng rng(seed);
  const double kPi = 3.141592653589793;
  data::Image img(w, h, 1);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      img.at(0, y, x) = static_cast<float>(0.45 + 0.15 * std::sin(2 * kPi * (0.021 * x + 0.013 * y)) +
                                           0.08 * std::sin(2 * kPi * (0.11 * x + 0.05 * y)));
  for (int k = 0; k < 14; ++k) {
    int x0 = static_cast<int>(rng.below(w)), y0 = static_cast<int>(rng.below(h));
    int rw = 4 + static_cast<int>(rng.below(w / 3)), rh = 4 + static_cast<int>(rng.below(h / 3));
    float v = rng.uniform(0.05f, 0.95f);
    bool disc = k % 2;
    for (int y = y0; y < std::min(h, y0 + rh); ++y)
      for (int x = x0; x < std::min(w, x0 + rw); ++x) {
        double dx = (x - x0 - rw / 2.0) / (rw / 2.0), dy = (y - y0 - rh / 2.0) / (rh / 2.0);
        if (!disc || dx * dx + dy * dy <= 1.0) img.at(0, y, x) = v;
      }
  }
  return img;
}

// Separable Gaussian blur (7 taps, sigma), edges replicated: a plain loop.
data::Image gaussian_blur(const data::Image& img, double sigma) {
  double k[7], sum = 0;
  for (int i = 0; i < 7; ++i) sum += k[i] = std::exp(-(i - 3) * (i - 3) / (2 * sigma * sigma));
  auto clampi = [](int v, int n) { return std::min(std::max(v, 0), n - 1); };
  data::Image tmp = img, out = img;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      double s = 0;
      for (int i = 0; i < 7; ++i) s += k[i] / sum * img.at(0, y, clampi(x + i - 3, img.width));
      tmp.at(0, y, x) = static_cast<float>(s);
    }
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      double s = 0;
      for (int i = 0; i < 7; ++i) s += k[i] / sum * tmp.at(0, clampi(y + i - 3, img.height), x);
      out.at(0, y, x) = static_cast<float>(s);
    }
  return out;
}

data::Image degrade(const data::Image& hr, int scale) { return data::box_downscale(gaussian_blur(hr, 1.5), scale); }

// PSNR in dB of a against b ([1, 1, H, W], values in [0, 1]) with `border`
// pixels left out at each side, by a plain loop in double.
double psnr(const Tensor& a, const Tensor& b, int border) {
  auto va = a.to_vector(), vb = b.to_vector();
  const int64_t h = a.size(2), w = a.size(3);
  double se = 0;
  int64_t n = 0;
  for (int64_t y = border; y < h - border; ++y)
    for (int64_t x = border; x < w - border; ++x) {
      double d = std::min(std::max(static_cast<double>(va[y * w + x]), 0.0), 1.0) - vb[y * w + x];
      se += d * d;
      ++n;
    }
  return 10.0 * std::log10(1.0 / (se / n));
}

}  // namespace

TEST(EspcnTraining, LossFallsAndBeatsBicubicOnHeldOutImage) {
  // One thread: the tensors are small, and on a shared machine OpenMP's
  // barriers cost more than they save.
  set_cpu_threads(1);
  const int kScale = 2, kPatch = 16, kBatch = 16, kSteps = 300;
  // Training patches: aligned LR/HR windows of one 128x128 scene.
  data::Image hr_img = make_scene(128, 128, 7);
  data::Image lr_img = degrade(hr_img, kScale);
  Rng rng(3);
  std::vector<float> xb, yb;
  for (int b = 0; b < kBatch; ++b) {
    int top = static_cast<int>(rng.below(lr_img.height - kPatch + 1));
    int left = static_cast<int>(rng.below(lr_img.width - kPatch + 1));
    data::Image lr = data::crop(lr_img, top, left, kPatch, kPatch);
    data::Image hr = data::crop(hr_img, top * kScale, left * kScale, kPatch * kScale, kPatch * kScale);
    xb.insert(xb.end(), lr.pixels.begin(), lr.pixels.end());
    yb.insert(yb.end(), hr.pixels.begin(), hr.pixels.end());
  }
  Tensor x = sub(Tensor::from_vector({kBatch, 1, kPatch, kPatch}, xb), 0.5f);
  Tensor y = sub(Tensor::from_vector({kBatch, 1, kPatch * kScale, kPatch * kScale}, yb), 0.5f);

  models::EspcnConfig cfg;
  cfg.channels = 1;
  cfg.scale = kScale;
  cfg.features = 8;
  cfg.features2 = 8;
  Rng init(11);
  models::Espcn net(cfg, init);
  Adam opt(net.parameters(), AdamOptions{1e-2});

  float first = 0, last = 0;
  const double kPi = 3.141592653589793;
  for (int step = 0; step < kSteps; ++step) {
    opt.set_lr(1e-2 * 0.5 * (1 + std::cos(kPi * step / kSteps)));  // cosine decay
    opt.zero_grad();
    Tensor loss = mse_loss(net.forward(x), y);
    loss.backward();
    opt.step();
    (step == 0 ? first : last) = loss.item();
  }
  EXPECT_LT(last, 0.3f * first) << "loss went from " << first << " to " << last;

  // Held-out scene: the trained network against bicubic upsampling of the same LR.
  data::Image test_hr = make_scene(64, 64, 99);
  Tensor test_lr = data::to_tensor(degrade(test_hr, kScale));
  Tensor target = data::to_tensor(test_hr);
  NoGradGuard no_grad;
  double p_net = psnr(add(net.forward(sub(test_lr, 0.5f)), 0.5f), target, 4);
  double p_bic = psnr(upsample(test_lr, kScale, UpsampleMode::bicubic), target, 4);
  EXPECT_GT(p_net, p_bic + 0.25) << "ESPCN " << p_net << " dB vs bicubic " << p_bic << " dB";
  RecordProperty("psnr_espcn", std::to_string(p_net));
  RecordProperty("psnr_bicubic", std::to_string(p_bic));
  set_cpu_threads(0);
}

TEST(Espcn, ShapesNamesAndMetadataRoundTrip) {
  models::EspcnConfig cfg;
  cfg.channels = 3;
  cfg.scale = 3;
  cfg.features = 8;
  cfg.features2 = 4;
  Rng rng(1);
  models::Espcn net(cfg, rng);
  std::vector<std::string> names;
  for (auto& [n, t] : net.named_parameters()) names.push_back(n);
  std::vector<std::string> expect = {"conv1.weight", "conv1.bias", "conv2.weight",
                                     "conv2.bias",   "conv3.weight", "conv3.bias"};
  EXPECT_EQ(names, expect);
  EXPECT_EQ(net.conv1->weight.shape(), (Shape{8, 3, 5, 5}));
  EXPECT_EQ(net.conv3->weight.shape(), (Shape{27, 4, 3, 3}));
  NoGradGuard no_grad;
  EXPECT_EQ(net.forward(Tensor::zeros({2, 3, 5, 7})).shape(), (Shape{2, 3, 15, 21}));
  EXPECT_THROW(net.forward(Tensor::zeros({1, 1, 5, 7})), Error);

  models::EspcnConfig back = models::EspcnConfig::from_metadata(cfg.to_metadata());
  EXPECT_EQ(back.channels, 3);
  EXPECT_EQ(back.scale, 3);
  EXPECT_EQ(back.features, 8);
  EXPECT_EQ(back.features2, 4);
  auto bad = cfg.to_metadata();
  bad["scale"] = "two";
  EXPECT_THROW(models::EspcnConfig::from_metadata(bad), Error);
  bad = cfg.to_metadata();
  bad["arch"] = "edsr";
  EXPECT_THROW(models::EspcnConfig::from_metadata(bad), Error);
}
