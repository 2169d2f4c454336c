// The loss spec string and CompositeLoss (losses/spec.h): a table of good and
// bad specs (errors name the token and point at it with a caret line), the gan
// side, perceptual terms against the losses computed one by one. TV and SSIM
// terms: test_loss_spec_structural.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "engine/error.h"
#include "engine/ops.h"
#include "losses/perceptual.h"
#include "losses/pixel.h"
#include "losses/spec.h"
#include "models/squeezenet.h"
#include "support/gradcheck.h"

using namespace upres;
namespace ut = upres::testing;

TEST(LossSpec, ParsesGoodSpecs) {
  struct Case {
    const char* spec;
    std::vector<std::string> labels;
    std::vector<double> weights;
  };
  const std::vector<Case> table = {
      {"l1", {"l1"}, {1}},
      {"  l2 ", {"mse"}, {1}},
      {"1*l1 + 0.1*content:fire9 + 0.05*texture:fire5 + 0.005*gan:ragan",
       {"l1", "content:fire9", "texture:fire5", "gan:ragan"},
       {1, 0.1, 0.05, 0.005}},
      {"0.5 * charbonnier+2*smoothl1", {"charbonnier", "smoothl1"}, {0.5, 2}},
      {"tv + tv:l1 + 1e-3*ssim", {"tv:l2", "tv:l1", "ssim"}, {1, 1, 1e-3}},
      {"1e+2*mse+content:relu5_4@vgg19", {"mse", "content:relu5_4@vgg19"}, {100, 1}},
      {"texture:conv1@squeezenet + 0*gan:lsgan", {"texture:conv1", "gan:lsgan"}, {1, 0}},
      {"content:pool3@vgg16+gan:vanilla", {"content:pool3@vgg16", "gan:vanilla"}, {1, 1}},
  };
  for (const Case& c : table) {
    losses::LossSpec s = losses::parse_loss_spec(c.spec);
    ASSERT_EQ(s.terms.size(), c.labels.size()) << c.spec;
    for (size_t i = 0; i < c.labels.size(); ++i) {
      EXPECT_EQ(s.terms[i].label(), c.labels[i]) << c.spec;
      EXPECT_DOUBLE_EQ(s.terms[i].weight, c.weights[i]) << c.spec;
    }
  }
  EXPECT_EQ(losses::parse_loss_spec("content:fire5").terms[0].network, "squeezenet");
  EXPECT_EQ(losses::parse_loss_spec(losses::default_loss_spec()).terms[0].name, "l1");
}

TEST(LossSpec, BadSpecsNameTokenAndPointAtIt) {
  struct Case {
    const char* spec;
    const char* token;  // the bad token
    size_t pos;         // its position
    const char* what;   // a piece of the explanation
  };
  const std::vector<Case> table = {
      {"l1 + 0.1*contnt:fire9", "contnt", 9, "unknown loss"},
      {"l1 + ", "", 5, "empty term"},
      {"abc*l1", "abc", 0, "not a number"},
      {"-1*l1", "-1", 0, "negative weight"},
      {"*l1", "", 0, "missing weight"},
      {"l1 + content:fire10", "fire10", 13, "no such layer"},
      {"content:relu5_4@vgg19 + texture:fire5@vgg16", "fire5", 32, "no such layer in vgg16"},
      {"content:fire5@alexnet", "alexnet", 14, "unknown network"},
      {"content", "content", 0, "needs a layer"},
      {"l1:foo", "foo", 3, "takes no argument"},
      {"tv:l3", "l3", 3, "l1 or l2"},
      {"gan", "gan", 0, "needs a kind"},
      {"gan:wgan", "wgan", 4, "vanilla, lsgan or ragan"},
      {"gan:ragan + gan:lsgan", "gan:lsgan", 12, "at most one"},
      {"l1@vgg19", "vgg19", 3, "only content and texture"},
      {"ssim:", "", 5, "empty argument"},
  };
  for (const Case& c : table) {
    try {
      losses::parse_loss_spec(c.spec);
      ADD_FAILURE() << "accepted '" << c.spec << "'";
    } catch (const Error& e) {
      const std::string m = e.what();
      const std::string where = "token '" + std::string(c.token) + "' at position " + std::to_string(c.pos);
      EXPECT_NE(m.find(where), std::string::npos) << c.spec << " -> " << m;
      EXPECT_NE(m.find(c.what), std::string::npos) << c.spec << " -> " << m;
      // The caret line: the spec, then carets under the token.
      const std::string caret = "\n  " + std::string(c.spec) + "\n  " + std::string(c.pos, ' ') +
                                std::string(std::max<size_t>(1, std::string(c.token).size()), '^');
      EXPECT_NE(m.find(caret), std::string::npos) << c.spec << " -> " << m;
    }
  }
}

TEST(CompositeLoss, GanTermGoesThroughGeneratorAdversarial) {
  losses::CompositeLoss loss("l1 + 0.01*gan:ragan");
  ASSERT_TRUE(loss.needs_discriminator());
  EXPECT_EQ(loss.gan_kind(), losses::GanKind::ragan);
  Rng rng(33);
  Tensor sr = Tensor::uniform({2, 3, 8, 8}, 0.f, 1.f, rng), hr = Tensor::uniform({2, 3, 8, 8}, 0.f, 1.f, rng);
  Tensor real = Tensor::uniform({2, 1}, -2.f, 2.f, rng), fake = ut::rand_input({2, 1}, rng, -2.f, 2.f);
  const double pixel = loss(sr, hr).item();  // the gan term is not part of operator()
  EXPECT_NEAR(pixel, upres::l1_loss(sr, hr).item(), 1e-7);
  Tensor g = loss.generator_adversarial(real, fake);
  const double ga = losses::generator_loss(losses::GanKind::ragan, real, fake).item();
  EXPECT_NEAR(g.item(), 0.01 * ga, 1e-7);
  g.backward();
  EXPECT_TRUE(fake.grad().defined());
  const auto& t = loss.last_terms();
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[1].first, "gan:ragan");
  EXPECT_NEAR(t[1].second, ga, 1e-7);
  EXPECT_NEAR(t[2].second, pixel + 0.01 * ga, 1e-6);
  EXPECT_NEAR(loss.discriminator_loss(real, fake).item(),
              losses::discriminator_loss(losses::GanKind::ragan, real, fake).item(), 1e-7);
  losses::CompositeLoss plain("l1");
  EXPECT_THROW(plain.generator_adversarial(real, fake), Error);
}

TEST(CompositeLoss, PerceptualTermsWithSqueezeNet) {
  const std::string w = std::string(UPRES_SHARED_DATA_DIR) + "/weights/squeezenet1_0.safetensors";
  if (!std::filesystem::exists(w)) GTEST_SKIP() << "no " << w << " (../shared/data is absent)";
  losses::FeatureWeights fw;
  fw.squeezenet = w;
  losses::CompositeLoss loss("l1 + 0.1*content:fire5 + 0.05*texture:fire2 + content:fire2", fw);
  Rng rng(34);
  Tensor hr = Tensor::uniform({1, 3, 64, 64}, 0.f, 1.f, rng);
  Tensor sr = ut::rand_input({1, 3, 64, 64}, rng, 0.f, 1.f);
  Tensor l = loss(sr, hr);
  auto net = models::SqueezeNet::from_file(w);
  std::vector<Tensor> fs, fh;
  {
    NoGradGuard ng;
    fs = net->features(sr, {"fire5", "fire2"});
    fh = net->features(hr, {"fire5", "fire2"});
  }
  const float s = 1.0f / 255;
  const double expect = upres::l1_loss(sr, hr).item() +
                        0.1 * losses::feature_content_loss(fs[0] * s, fh[0] * s).item() +
                        0.05 * losses::feature_texture_loss(fs[1] * s, fh[1] * s).item() +
                        losses::feature_content_loss(fs[1] * s, fh[1] * s).item();
  EXPECT_NEAR(l.item(), expect, 1e-5 * expect);
  l.backward();
  ASSERT_TRUE(sr.grad().defined());
  // Same SR and HR: every term is 0.
  EXPECT_NEAR(loss(hr, hr).item(), 0.0, 1e-6);
}

TEST(CompositeLoss, MissingFeatureWeightsAreExplained) {
  losses::FeatureWeights fw;
  fw.squeezenet = "/nonexistent/squeezenet.safetensors";
  try {
    losses::CompositeLoss("content:fire9", fw);
    FAIL() << "built without weights";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/squeezenet.safetensors"), std::string::npos) << e.what();
  }
  try {
    losses::CompositeLoss("texture:relu3_1@vgg19");
    FAIL() << "built without vgg19 weights";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("vgg19"), std::string::npos) << e.what();
  }
}
