// Tests of inference/ensemble.h: the eight dihedral transforms against index
// formulas written out here, their inverses, and the x8 self-ensemble - equal
// to the plain output for a network that is itself equivariant (pointwise
// convolutions and nearest-neighbour enlargement), and for a random ESPCN equal
// to the mean of the eight transformed runs computed independently here.
#include <gtest/gtest.h>

#include "engine/autograd.h"
#include "inference/ensemble.h"
#include "inference/upscale.h"
#include "models/registry.h"
#include "test_nets.h"

using namespace upres;
using data::Image;
using upres::testing::max_abs_diff;
using upres::testing::random_image;

namespace {
// Transform k: mirror x (bit 0), then mirror y (bit 1), then transpose (bit 2),
// written as "where does output pixel (y, x) come from" in one pass.
Image ref_transform(const Image& a, int k) {
  const bool mx = k & 1, my = k & 2, tr = k & 4;
  Image b(tr ? a.height : a.width, tr ? a.width : a.height, a.channels);
  for (int c = 0; c < a.channels; ++c)
    for (int y = 0; y < b.height; ++y)
      for (int x = 0; x < b.width; ++x) {
        int u = tr ? x : y, v = tr ? y : x;  // coordinates before the transpose
        if (my) u = a.height - 1 - u;
        if (mx) v = a.width - 1 - v;
        b.at(c, y, x) = a.at(c, u, v);
      }
  return b;
}
// The inverse: pixel (u, v) of the original went to fwd(u, v) under transform k.
Image ref_inverse(const Image& b, int k) {
  const bool mx = k & 1, my = k & 2, tr = k & 4;
  Image a(tr ? b.height : b.width, tr ? b.width : b.height, b.channels);
  for (int c = 0; c < a.channels; ++c)
    for (int u = 0; u < a.height; ++u)
      for (int v = 0; v < a.width; ++v) {
        int y = my ? a.height - 1 - u : u, x = mx ? a.width - 1 - v : v;
        a.at(c, u, v) = tr ? b.at(c, x, y) : b.at(c, y, x);
      }
  return a;
}

Image forward(models::SRNetwork& net, const Image& img) {
  NoGradGuard g;
  return data::to_image(net.forward(data::to_tensor(img)));
}

// 1x1 convolutions with tanh, then nearest-neighbour x2: commutes with every flip and rotation.
class PointwiseNet : public models::SRNetwork {
 public:
  explicit PointwiseNet(Rng& rng)
      : a_(std::make_shared<nn::Conv2d>(3, 6, 1, rng)), b_(std::make_shared<nn::Conv2d>(6, 3, 1, rng)) {
    register_module("a", a_);
    register_module("b", b_);
  }
  Tensor forward(const Tensor& x) override { return upsample(b_->forward(tanh(a_->forward(x))), 2, UpsampleMode::nearest); }
  std::string arch() const override { return "test-pointwise"; }
  models::Hyper hyper() const override { return {}; }
  int64_t scale() const override { return 2; }
  int64_t channels() const override { return 3; }

 private:
  std::shared_ptr<nn::Conv2d> a_, b_;
};
}  // namespace

TEST(Ensemble, DihedralTransformsMatchIndexFormulasAndInvert) {
  Image img = random_image(7, 5, 2, 1);
  for (int k = 0; k < 8; ++k) {
    Image t = inference::dihedral(img, k);
    EXPECT_EQ(max_abs_diff(t, ref_transform(img, k)), 0.0f) << "transform " << k;
    EXPECT_EQ(max_abs_diff(inference::dihedral_inverse(t, k), img), 0.0f) << "inverse of " << k;
    EXPECT_EQ(max_abs_diff(ref_inverse(t, k), img), 0.0f) << "test's own inverse of " << k;
    for (int j = 0; j < k; ++j)  // eight different images
      EXPECT_GT(max_abs_diff(inference::dihedral(img, j), t), 0.0f) << j << " vs " << k;
  }
  EXPECT_THROW(inference::dihedral(img, 8), Error);
}

TEST(Ensemble, EquivariantNetworkGivesThePlainResult) {
  Rng rng(3);
  PointwiseNet net(rng);
  Image img = random_image(9, 7, 3, 2);
  inference::UpscaleOptions plain, ens;
  plain.tile = ens.tile = 1 << 20;
  ens.ensemble = true;
  Image a = inference::upscale(net, img, plain), b = inference::upscale(net, img, ens);
  ASSERT_EQ(a.width, 18);
  EXPECT_LE(max_abs_diff(a, b), 1e-6f);
}

TEST(Ensemble, EspcnEnsembleIsTheMeanOfTheEightTransformedRuns) {
  for (int64_t channels : {1, 3}) {
    Rng rng(9);
    auto net = models::build_network("espcn", {{"channels", std::to_string(channels)}, {"scale", "3"}}, rng);
    Image img = random_image(7, 9, static_cast<int>(channels), 4);
    Image mean(21, 27, static_cast<int>(channels));
    for (int k = 0; k < 8; ++k) {
      Image r = ref_inverse(forward(*net, ref_transform(img, k)), k);
      for (size_t i = 0; i < mean.pixels.size(); ++i) mean.pixels[i] += r.pixels[i] / 8.0f;
    }
    inference::UpscaleOptions ens;
    ens.tile = 1 << 20;
    ens.ensemble = true;
    Image got = inference::upscale(*net, img, ens);
    EXPECT_LE(max_abs_diff(got, mean), 1e-6f) << "channels " << channels;
    EXPECT_GT(max_abs_diff(forward(*net, img), mean), 1e-4f) << "a random ESPCN is not equivariant";
  }
}

TEST(Ensemble, TiledEnsembleEqualsUntiledEnsemble) {
  Rng rng(4);
  auto net = models::build_network("espcn", {{"channels", "1"}, {"scale", "2"}}, rng);
  Image img = random_image(37, 29, 1, 5);
  inference::UpscaleOptions whole, tiled;
  whole.tile = 1 << 20;
  whole.ensemble = tiled.ensemble = true;
  tiled.tile = 16;
  tiled.overlap = 8;
  EXPECT_LE(max_abs_diff(inference::upscale(*net, img, whole), inference::upscale(*net, img, tiled)), 1e-5f);
}
