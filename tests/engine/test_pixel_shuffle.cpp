// Tests of pixel_shuffle / pixel_unshuffle: bit-exact against the index formula
// written as a plain loop, round trips, gradients, and shape errors.
#include <gtest/gtest.h>

#include <cstring>

#include "engine/ops.h"
#include "resample_fixtures.h"
#include "support/gradcheck.h"

using namespace upres;
using upres::testing::gradcheck;
using upres::testing::rand_input;
using upres::testing::throws_with;

namespace {

struct ShuffleCase {
  int64_t n, c, h, w, r;  // c: channels of the high-resolution side; h, w: low-resolution size
};
const ShuffleCase kCases[] = {{1, 1, 7, 9, 2}, {2, 13, 5, 3, 2}, {2, 1, 5, 7, 3},
                              {1, 13, 3, 5, 3}, {2, 3, 1, 1, 3}, {1, 2, 4, 3, 1}};

// high[n, c, h*r + i, w*r + j] == low[n, c*r*r + i*r + j, h, w], for every element.
void expect_index_formula(const ShuffleCase& k, const std::vector<float>& low, const std::vector<float>& high) {
  const int64_t r = k.r, H = k.h * r, W = k.w * r;
  ASSERT_EQ(low.size(), high.size());
  for (int64_t n = 0; n < k.n; ++n)
    for (int64_t c = 0; c < k.c; ++c)
      for (int64_t h = 0; h < k.h; ++h)
        for (int64_t w = 0; w < k.w; ++w)
          for (int64_t i = 0; i < r; ++i)
            for (int64_t j = 0; j < r; ++j) {
              size_t hi = static_cast<size_t>(((n * k.c + c) * H + h * r + i) * W + w * r + j);
              size_t lo = static_cast<size_t>(((n * k.c * r * r + c * r * r + i * r + j) * k.h + h) * k.w + w);
              ASSERT_EQ(0, std::memcmp(&high[hi], &low[lo], sizeof(float)))
                  << "n " << n << " c " << c << " h " << h << " w " << w << " i " << i << " j " << j;
            }
}

Shape low_shape(const ShuffleCase& k) { return {k.n, k.c * k.r * k.r, k.h, k.w}; }
Shape high_shape(const ShuffleCase& k) { return {k.n, k.c, k.h * k.r, k.w * k.r}; }

}  // namespace

TEST(PixelShuffle, ForwardMatchesIndexFormulaBitExact) {
  Rng rng(7);
  for (const auto& k : kCases) {
    SCOPED_TRACE(to_string(low_shape(k)) + " r=" + std::to_string(k.r));
    Tensor x = Tensor::randn(low_shape(k), rng);
    Tensor y = pixel_shuffle(x, k.r);
    EXPECT_EQ(y.shape(), high_shape(k));
    expect_index_formula(k, x.to_vector(), y.to_vector());
  }
}

TEST(PixelUnshuffle, ForwardMatchesIndexFormulaBitExact) {
  Rng rng(8);
  for (const auto& k : kCases) {
    SCOPED_TRACE(to_string(high_shape(k)) + " r=" + std::to_string(k.r));
    Tensor x = Tensor::randn(high_shape(k), rng);
    Tensor y = pixel_unshuffle(x, k.r);
    EXPECT_EQ(y.shape(), low_shape(k));
    expect_index_formula(k, y.to_vector(), x.to_vector());
  }
}

TEST(PixelShuffle, RoundTripIsIdentity) {
  Rng rng(9);
  for (const auto& k : kCases) {
    Tensor lo = Tensor::randn(low_shape(k), rng), hi = Tensor::randn(high_shape(k), rng);
    EXPECT_EQ(pixel_unshuffle(pixel_shuffle(lo, k.r), k.r).to_vector(), lo.to_vector());
    EXPECT_EQ(pixel_shuffle(pixel_unshuffle(hi, k.r), k.r).to_vector(), hi.to_vector());
  }
}

TEST(PixelShuffle, BackwardIsInversePermutation) {
  Rng rng(10);
  for (const auto& k : kCases) {
    Tensor x = rand_input(low_shape(k), rng);
    Tensor gy = Tensor::randn(high_shape(k), rng);
    pixel_shuffle(x, k.r).backward(gy);
    EXPECT_EQ(x.grad().to_vector(), pixel_unshuffle(gy, k.r).to_vector());

    Tensor z = rand_input(high_shape(k), rng);
    Tensor gz = Tensor::randn(low_shape(k), rng);
    pixel_unshuffle(z, k.r).backward(gz);
    EXPECT_EQ(z.grad().to_vector(), pixel_shuffle(gz, k.r).to_vector());
  }
}

TEST(PixelShuffle, GradientMatchesFiniteDifferences) {
  Rng rng(11);
  for (const auto& k : kCases) {
    int64_t r = k.r;
    EXPECT_TRUE(gradcheck([r](const std::vector<Tensor>& in) { return pixel_shuffle(in[0], r); },
                          {rand_input(low_shape(k), rng)}));
    EXPECT_TRUE(gradcheck([r](const std::vector<Tensor>& in) { return pixel_unshuffle(in[0], r); },
                          {rand_input(high_shape(k), rng)}));
  }
}

TEST(PixelShuffle, RejectsBadShapes) {
  Tensor x = Tensor::zeros({1, 6, 4, 4});
  EXPECT_TRUE(throws_with([&] { pixel_shuffle(x, 2); }, {"pixel_shuffle", "[1, 6, 4, 4]", "multiple of r*r = 4"}));
  EXPECT_TRUE(throws_with([&] { pixel_shuffle(x, 0); }, {"pixel_shuffle", ">= 1"}));
  EXPECT_TRUE(throws_with([&] { pixel_shuffle(Tensor::zeros({4, 4, 4}), 2); }, {"pixel_shuffle", "4 dimensions"}));
  Tensor z = Tensor::zeros({1, 1, 7, 9});
  EXPECT_TRUE(throws_with([&] { pixel_unshuffle(z, 2); }, {"pixel_unshuffle", "[1, 1, 7, 9]", "divisible by r = 2"}));
  EXPECT_TRUE(throws_with([&] { pixel_unshuffle(Tensor::zeros({1, 1, 6, 7}), 3); }, {"pixel_unshuffle", "r = 3"}));
  EXPECT_NO_THROW(pixel_unshuffle(Tensor::zeros({1, 1, 6, 9}), 3));
}
