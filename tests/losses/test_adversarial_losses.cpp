// Adversarial losses (losses/adversarial.h): vanilla, LSGAN and RaGAN values and
// gradients against PyTorch (tests/fixtures/losses/gan.txt, with logits up to 90
// in size and one exactly 0), softplus against a direct formula and for overflow.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/error.h"
#include "engine/ops.h"
#include "losses/adversarial.h"
#include "support/gradcheck.h"
#include "support/text_fixture.h"

using namespace upres;
namespace ut = upres::testing;

namespace {
Tensor from_doubles(const std::vector<double>& v) {
  return Tensor::from_vector({static_cast<int64_t>(v.size())}, std::vector<float>(v.begin(), v.end()));
}
}  // namespace

TEST(AdversarialLosses, GeneratorAndDiscriminatorMatchPyTorch) {
  auto f = ut::load_text_fixture("tests/fixtures/losses/gan.txt");
  for (Device dev : {Device::cpu, Device::simt}) {
    for (const char* kind : {"vanilla", "lsgan", "ragan"}) {
      for (const char* side : {"g", "d"}) {
        Tensor real = from_doubles(ut::record(f, "real")).to(dev).set_requires_grad();
        Tensor fake = from_doubles(ut::record(f, "fake")).to(dev).set_requires_grad();
        const losses::GanKind k = losses::parse_gan_kind(kind);
        Tensor l = side[0] == 'g' ? losses::generator_loss(k, real, fake) : losses::discriminator_loss(k, real, fake);
        const std::string key = std::string(kind) + "_" + side;
        const double expect = ut::record(f, key)[0];
        EXPECT_NEAR(l.item(), expect, 1e-5 * (1 + std::fabs(expect))) << key << " on " << to_string(dev);
        l.backward();
        for (auto& [name, t] : {std::pair<const char*, Tensor&>{"real", real}, {"fake", fake}}) {
          const auto& g = ut::record(f, key + "_grad_" + name);
          // "nan": PyTorch gave no gradient (the loss does not read that input).
          const bool none = std::all_of(g.begin(), g.end(), [](double v) { return std::isnan(v) || v == 0.0; });
          if (!t.grad().defined() || none) {
            if (t.grad().defined()) {
              EXPECT_LE(ut::max_abs_diff(t.grad(), Tensor::zeros(t.shape(), dev)), 0.0);
            }
            EXPECT_TRUE(none) << key << ": no gradient reached " << name;
            continue;
          }
          EXPECT_TRUE(ut::all_close(t.grad().to_vector(), g, 1e-4, 1e-6)) << key << " gradient of " << name;
        }
      }
    }
  }
}

TEST(AdversarialLosses, SoftplusIsExactAndNeverOverflows) {
  std::vector<float> z = {-200.f, -30.f, -1.f, 0.f, 0.5f, 3.f, 30.f, 200.f};
  Tensor t = Tensor::from_vector({8}, z).set_requires_grad();
  Tensor y = losses::softplus(t);
  auto v = y.to_vector();
  for (size_t i = 0; i < z.size(); ++i) {
    const double ref = z[i] > 0 ? z[i] + std::log1p(std::exp(-double(z[i]))) : std::log1p(std::exp(double(z[i])));
    EXPECT_TRUE(std::isfinite(v[i])) << z[i];
    EXPECT_NEAR(v[i], ref, 1e-6 * (1 + std::fabs(ref))) << "softplus(" << z[i] << ")";
  }
  sum(y).backward();
  auto g = t.grad().to_vector();
  for (size_t i = 0; i < z.size(); ++i)
    EXPECT_NEAR(g[i], 1.0 / (1.0 + std::exp(-double(z[i]))), 1e-6) << "sigmoid(" << z[i] << ")";
  EXPECT_EQ(g[3], 0.5f);  // exactly 1/2 at 0, where relu/abs-based forms give 0 or 1
}

TEST(AdversarialLosses, GradientsMatchFiniteDifferences) {
  Rng rng(11);
  for (losses::GanKind k : {losses::GanKind::vanilla, losses::GanKind::lsgan, losses::GanKind::ragan}) {
    for (Shape s : {Shape{2, 1}, Shape{2, 1, 5, 3}}) {  // one logit per image, and a patch map
      Tensor real = ut::rand_input(s, rng, -3.f, 3.f), fake = ut::rand_input(s, rng, -3.f, 3.f);
      // The G side of vanilla and LSGAN reads only the fake logits.
      Tensor real_g = ut::rand_input(s, rng, -3.f, 3.f, /*grad=*/k == losses::GanKind::ragan);
      EXPECT_TRUE(ut::gradcheck([k](const std::vector<Tensor>& in) { return losses::generator_loss(k, in[0], in[1]); },
                                {real_g, fake}, {1e-2, 1e-4, 1e-2}))
          << losses::to_string(k) << " G " << to_string(s);
      EXPECT_TRUE(ut::gradcheck(
          [k](const std::vector<Tensor>& in) { return losses::discriminator_loss(k, in[0], in[1]); }, {real, fake},
          {1e-2, 1e-4, 1e-2}))
          << losses::to_string(k) << " D " << to_string(s);
    }
  }
}

TEST(AdversarialLosses, UnknownKindListsTheChoices) {
  try {
    losses::parse_gan_kind("wgan");
    FAIL() << "accepted wgan";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("vanilla, lsgan or ragan"), std::string::npos) << e.what();
  }
}
