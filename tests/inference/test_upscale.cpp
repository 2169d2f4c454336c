// Tests of inference/upscale.h, the colour handling with networks whose output
// is known exactly (test_nets.h: nearest-neighbour enlargement with a gain per
// channel): a luma network on RGB changes only Y, Cb and Cr come from
// MATLAB-style bicubic (not the engine's PyTorch bicubic); grey through an RGB
// network is the mean of the three outputs; alpha goes through bicubic;
// pre-upsampling networks see the bicubic-enlarged image, tiled or not; the
// automatic tile follows the memory budget and changes nothing but memory.
#include <gtest/gtest.h>

#include "data/color.h"
#include "data/resize.h"
#include "engine/autograd.h"
#include "engine/ops.h"
#include "inference/upscale.h"
#include "models/registry.h"
#include "test_nets.h"

using namespace upres;
using data::Image;
using upres::testing::max_abs_diff;
using upres::testing::NearestNet;
using upres::testing::random_image;

namespace {
inference::UpscaleOptions whole() {
  inference::UpscaleOptions o;
  o.tile = 1 << 20;
  o.overlap = 0;
  return o;
}
// Nearest-neighbour enlargement by s, written out.
Image nearest(const Image& a, int s) {
  Image b(a.width * s, a.height * s, a.channels);
  for (int c = 0; c < a.channels; ++c)
    for (int y = 0; y < b.height; ++y)
      for (int x = 0; x < b.width; ++x) b.at(c, y, x) = a.at(c, y / s, x / s);
  return b;
}
}  // namespace

TEST(Upscale, LumaNetworkOnRgbEnlargesYAndTakesChromaFromMatlabBicubic) {
  NearestNet net(1, 2, {1.0f});
  Image rgb = random_image(9, 7, 3, 1);
  Image out = inference::upscale(net, rgb, whole());
  ASSERT_EQ(out.width, 18);
  ASSERT_EQ(out.height, 14);
  ASSERT_EQ(out.channels, 3);
  Image in_ycc = data::rgb_to_ycbcr(rgb), out_ycc = data::rgb_to_ycbcr(out);
  // Y: the network's (nearest) enlargement of the input's Y.
  EXPECT_LE(max_abs_diff(data::select_channels(out_ycc, 0, 1), nearest(data::select_channels(in_ycc, 0, 1), 2)), 2e-6f);
  // Cb, Cr: MATLAB's imresize (a = -0.5) ...
  Image cbcr = data::select_channels(out_ycc, 1, 2);
  Image matlab = data::imresize(data::select_channels(in_ycc, 1, 2), 2.0);
  EXPECT_LE(max_abs_diff(cbcr, matlab), 2e-6f);
  // ... which is measurably not PyTorch's (a = -0.75).
  NoGradGuard g;
  Image torch = data::to_image(upsample(data::to_tensor(data::select_channels(in_ycc, 1, 2)), 2, UpsampleMode::bicubic));
  EXPECT_GT(max_abs_diff(cbcr, torch), 1e-3f);
}

TEST(Upscale, GreyImageThroughRgbNetworkIsTheMeanOfItsThreeOutputs) {
  NearestNet net(3, 3, {1.0f, 2.0f, 6.0f});  // mean gain 3
  Image grey = random_image(5, 4, 1, 2);
  Image out = inference::upscale(net, grey, whole());
  ASSERT_EQ(out.channels, 1);
  Image expect = nearest(grey, 3);
  for (float& v : expect.pixels) v *= 3.0f;
  EXPECT_LE(max_abs_diff(out, expect), 1e-6f);
}

TEST(Upscale, GreyImageThroughLumaNetworkGoesInDirectly) {
  NearestNet net(1, 2, {0.5f});
  Image grey = random_image(6, 5, 1, 3);
  Image expect = nearest(grey, 2);
  for (float& v : expect.pixels) v *= 0.5f;
  EXPECT_EQ(max_abs_diff(inference::upscale(net, grey, whole()), expect), 0.0f);
}

TEST(Upscale, AlphaIsEnlargedByBicubicBesideTheColour) {
  struct Case {
    int net_channels, img_channels;
  };
  for (Case k : {Case{3, 4}, Case{1, 4}, Case{1, 2}, Case{3, 2}}) {
    NearestNet net(k.net_channels, 2, std::vector<float>(k.net_channels, 1.0f));
    Image img = random_image(7, 6, k.img_channels, 4);
    Image out = inference::upscale(net, img, whole());
    ASSERT_EQ(out.channels, k.img_channels);
    Image alpha = data::select_channels(img, k.img_channels - 1, 1);
    EXPECT_LE(max_abs_diff(data::select_channels(out, k.img_channels - 1, 1), data::imresize(alpha, 2.0)), 1e-6f)
        << k.net_channels << "-channel net, " << k.img_channels << "-channel image";
    if (k.net_channels == 3 && k.img_channels == 4) {  // RGB by the network, untouched by the alpha
      EXPECT_EQ(max_abs_diff(data::select_channels(out, 0, 3), nearest(data::select_channels(img, 0, 3), 2)), 0.0f);
    }
  }
}

TEST(Upscale, PreUpsamplingNetworkSeesTheBicubicEnlargedImageTiledOrNot) {
  NearestNet net(1, 3, {1.0f}, /*pre=*/true);  // identity at the enlarged size
  Image grey = random_image(23, 17, 1, 5);
  Image expect = data::imresize(grey, 3.0);
  EXPECT_EQ(max_abs_diff(inference::upscale(net, grey, whole()), expect), 0.0f);
  inference::UpscaleOptions tiled;
  tiled.tile = 8;
  tiled.overlap = 4;
  EXPECT_LE(max_abs_diff(inference::upscale(net, grey, tiled), expect), 1e-6f);
}

TEST(Upscale, AutomaticTileFollowsTheMemoryBudgetAndChangesNoValues) {
  Rng rng(1);
  auto net = models::build_network("espcn", {{"channels", "1"}, {"scale", "2"}}, rng);
  inference::UpscaleOptions opt;
  opt.overlap = 8;
  EXPECT_EQ(inference::auto_tile(*net, 40, 30, opt), 0) << "below the probe size: one piece";
  EXPECT_EQ(inference::auto_tile(*net, 300, 200, opt), 0) << "1 GiB holds 300x200";
  opt.memory_budget = 4 << 20;  // 4 MiB: ESPCN holds ~1 kB per LR pixel, so about 64x64
  const int64_t t = inference::auto_tile(*net, 300, 200, opt);
  EXPECT_GE(t, 16);
  EXPECT_LE(t, 200);
  Image img = random_image(97, 61, 1, 6);
  opt.memory_budget = 1 << 20;
  ASSERT_GT(inference::auto_tile(*net, 97, 61, opt), 0) << "the test must tile";
  EXPECT_LE(max_abs_diff(inference::upscale(*net, img, opt), inference::upscale(*net, img, whole())), 1e-5f);
}

TEST(Upscale, SixteenBitSourceGivesSixteenBitResult) {
  NearestNet luma(1, 2, {1.0f}), rgb(3, 2, {1.0f, 1.0f, 1.0f});
  for (int channels : {1, 2, 3, 4}) {
    Image img = random_image(6, 5, channels, 8);
    img.bit_depth = 16;
    EXPECT_EQ(inference::upscale(luma, img, whole()).bit_depth, 16) << channels << " channels, luma net";
    EXPECT_EQ(inference::upscale(rgb, img, whole()).bit_depth, 16) << channels << " channels, rgb net";
    EXPECT_EQ(inference::bicubic_upscale(img, 3).bit_depth, 16);
    img.bit_depth = 8;
    EXPECT_EQ(inference::upscale(rgb, img, whole()).bit_depth, 8);
  }
}

TEST(Upscale, BadOptionsAndImagesNameTheProblem) {
  NearestNet net(1, 2, {1.0f});
  Image img = random_image(40, 40, 1, 7);
  inference::UpscaleOptions opt;
  opt.tile = 20;
  opt.overlap = 16;
  try {
    inference::upscale(net, img, opt);
    FAIL() << "tile < 2 overlap accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("twice the overlap"), std::string::npos) << e.what();
  }
  opt.tile = -1;
  EXPECT_THROW(inference::upscale(net, img, opt), Error);
  NearestNet two(2, 2, {1.0f, 1.0f});
  EXPECT_THROW(inference::upscale(two, img, whole()), Error);
}
