// Tests of upsample (nearest, bilinear, bicubic; align_corners=False):
// forward and backward against PyTorch fixtures over up, down, non-integer and
// identity ratios, a plain-loop reference for nearest, gradients, errors.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops.h"
#include "resample_fixtures.h"
#include "support/gradcheck.h"

using namespace upres;
using namespace upres::testing;

namespace {

// Every fixture case of one mode: y = upsample(x), gx = J^T gy, compared with torch.
void check_against_pytorch(UpsampleMode mode) {
  int seen = 0;
  for (const FixtureCase& c : load_fixture("upsample.txt")) {
    if (c.header.at(0) != to_string(mode)) continue;
    SCOPED_TRACE(c.name());
    ++seen;
    Shape in{c.num(1), c.num(2), c.num(3), c.num(4)};
    Tensor x = fixture_input(in).set_requires_grad();
    Tensor y = upsample(x, c.num(5), c.num(6), mode);
    EXPECT_EQ(y.shape(), (Shape{in[0], in[1], c.num(5), c.num(6)}));
    EXPECT_TRUE(all_close(y, c.at("y")));
    y.backward(fixture_grad(y.shape()));
    EXPECT_TRUE(all_close(x.grad(), c.at("gx")));
  }
  EXPECT_GE(seen, 9);
}

struct Resize {
  Shape in;
  int64_t oh, ow;
};
const Resize kGradCases[] = {{{1, 1, 7, 9}, 10, 4}, {{2, 13, 5, 3}, 7, 8},  {{1, 1, 9, 7}, 4, 3},
                             {{2, 1, 3, 5}, 9, 15}, {{1, 13, 1, 1}, 3, 2}, {{1, 1, 4, 4}, 13, 5}};

void check_gradients(UpsampleMode mode) {
  Rng rng(21);
  for (const auto& k : kGradCases) {
    SCOPED_TRACE(to_string(k.in) + " -> " + std::to_string(k.oh) + "x" + std::to_string(k.ow));
    int64_t oh = k.oh, ow = k.ow;
    EXPECT_TRUE(gradcheck([=](const std::vector<Tensor>& in) { return upsample(in[0], oh, ow, mode); },
                          {rand_input(k.in, rng)}));
  }
}

}  // namespace

TEST(Upsample, NearestMatchesPyTorch) { check_against_pytorch(UpsampleMode::nearest); }
TEST(Upsample, BilinearMatchesPyTorch) { check_against_pytorch(UpsampleMode::bilinear); }
TEST(Upsample, BicubicMatchesPyTorch) { check_against_pytorch(UpsampleMode::bicubic); }

TEST(Upsample, NearestGradient) { check_gradients(UpsampleMode::nearest); }
TEST(Upsample, BilinearGradient) { check_gradients(UpsampleMode::bilinear); }
TEST(Upsample, BicubicGradient) { check_gradients(UpsampleMode::bicubic); }

// Nearest with an integer factor copies each pixel into an s x s block, exactly.
TEST(Upsample, NearestIntegerScaleCopiesBlocks) {
  Rng rng(22);
  Tensor x = Tensor::randn({2, 3, 5, 7}, rng);
  for (int64_t s : {1, 2, 3, 4}) {
    auto y = upsample(x, s, UpsampleMode::nearest).to_vector();
    auto xv = x.to_vector();
    for (int64_t p = 0; p < 6; ++p)
      for (int64_t i = 0; i < 5 * s; ++i)
        for (int64_t j = 0; j < 7 * s; ++j)
          ASSERT_EQ(y[static_cast<size_t>((p * 5 * s + i) * 7 * s + j)],
                    xv[static_cast<size_t>((p * 5 + i / s) * 7 + j / s)]) << "scale " << s;
  }
}

// Same size: bilinear and bicubic sample exactly at the pixel centres (the
// cubic weights are 0, 1, 0, 0), so the image comes back unchanged.
TEST(Upsample, SameSizeIsIdentity) {
  Rng rng(23);
  Tensor x = Tensor::randn({1, 2, 7, 9}, rng);
  for (UpsampleMode m : {UpsampleMode::nearest, UpsampleMode::bilinear, UpsampleMode::bicubic})
    EXPECT_LE(max_abs_diff(upsample(x, 7, 9, m), x), 1e-6) << to_string(m);
}

// A constant image stays constant: the weights of every stencil sum to 1.
TEST(Upsample, ConstantImageStaysConstant) {
  Tensor x = Tensor::full({1, 1, 5, 3}, 2.5f);
  for (UpsampleMode m : {UpsampleMode::nearest, UpsampleMode::bilinear, UpsampleMode::bicubic})
    EXPECT_LE(max_abs_diff(upsample(x, 11, 2, m), Tensor::full({1, 1, 11, 2}, 2.5f)), 1e-5) << to_string(m);
}

TEST(Upsample, IntegerScaleOverloadMatchesSize) {
  Rng rng(24);
  Tensor x = Tensor::randn({1, 1, 5, 3}, rng);
  EXPECT_EQ(upsample(x, 3, UpsampleMode::bicubic).to_vector(), upsample(x, 15, 9, UpsampleMode::bicubic).to_vector());
}

TEST(Upsample, RejectsBadArguments) {
  Tensor x = Tensor::zeros({1, 1, 4, 4});
  EXPECT_TRUE(throws_with([&] { upsample(x, 0, 3, UpsampleMode::bilinear); }, {"upsample", "bilinear", "0x3", ">= 1"}));
  EXPECT_TRUE(throws_with([&] { upsample(Tensor::zeros({4, 4}), 8, 8, UpsampleMode::nearest); },
                          {"upsample", "[4, 4]", "4 dimensions"}));
  EXPECT_TRUE(throws_with([&] { upsample(Tensor::zeros({1, 1, 0, 4}), 8, 8, UpsampleMode::bicubic); },
                          {"upsample", "[1, 1, 0, 4]"}));
}
