// Tests of concat, split and narrow along every dim: bit-exact values against a
// naive index loop, errors naming the shapes, and finite-difference gradients.
#include <gtest/gtest.h>

#include <string>

#include "engine/error.h"
#include "engine/ops.h"
#include "support/gradcheck.h"

using namespace upres;
using upres::testing::gradcheck;
using upres::testing::rand_input;

namespace {

// Element (i0, i1, i2, i3) of a 4-D tensor's values.
float at4(const std::vector<float>& v, const Shape& s, int64_t a, int64_t b, int64_t c, int64_t d) {
  return v[static_cast<size_t>(((a * s[1] + b) * s[2] + c) * s[3] + d)];
}

// Naive narrow of a 4-D tensor: walk the output, read the input at the shifted index.
std::vector<float> naive_narrow(const Tensor& x, int64_t dim, int64_t start, int64_t len) {
  Shape s = x.shape(), o = s;
  o[dim] = len;
  auto v = x.to_vector();
  std::vector<float> out;
  for (int64_t a = 0; a < o[0]; ++a)
    for (int64_t b = 0; b < o[1]; ++b)
      for (int64_t c = 0; c < o[2]; ++c)
        for (int64_t d = 0; d < o[3]; ++d) {
          int64_t i[4] = {a, b, c, d};
          i[dim] += start;
          out.push_back(at4(v, s, i[0], i[1], i[2], i[3]));
        }
  return out;
}

}  // namespace

TEST(Narrow, ValuesBitExactEveryDim) {
  Rng rng(1);
  Tensor x = Tensor::uniform({2, 13, 7, 9}, -1.f, 1.f, rng);
  for (int64_t dim = 0; dim < 4; ++dim) {
    const int64_t n = x.size(dim);
    for (auto [start, len] : {std::pair<int64_t, int64_t>{0, 1}, {1, n - 1}, {n / 2, n - n / 2}, {0, n}, {n - 1, 1}, {1, 0}}) {
      Tensor y = narrow(x, dim, start, len);
      EXPECT_EQ(y.to_vector(), naive_narrow(x, dim, start, len)) << "dim " << dim << " start " << start;
      Tensor yn = narrow(x, dim - 4, start, len);  // negative dim counts from the end
      EXPECT_EQ(yn.to_vector(), y.to_vector());
    }
  }
}

TEST(Narrow, OutOfRangeThrows) {
  Tensor x = Tensor::zeros({2, 3, 7, 9});
  EXPECT_THROW(narrow(x, 1, 2, 2), Error);
  EXPECT_THROW(narrow(x, 1, -1, 1), Error);
  EXPECT_THROW(narrow(x, 4, 0, 1), Error);
  EXPECT_THROW(narrow(x, -5, 0, 1), Error);
}

TEST(Narrow, GradientEveryDim) {
  Rng rng(2);
  for (Shape s : {Shape{2, 13, 7, 9}, Shape{2, 1, 5, 3}}) {
    Tensor x = rand_input(s, rng);
    for (int64_t dim = 0; dim < 4; ++dim) {
      const int64_t n = s[dim], start = n > 1 ? 1 : 0, len = n > 2 ? n - 2 : 1;
      EXPECT_TRUE(gradcheck([=](const std::vector<Tensor>& in) { return narrow(in[0], dim, start, len); }, {x}))
          << to_string(s) << " dim " << dim;
    }
  }
}

TEST(Concat, ValuesBitExactEveryDim) {
  Rng rng(3);
  for (int64_t dim = 0; dim < 4; ++dim) {
    Shape s1 = {2, 3, 7, 9}, s2 = s1, s3 = s1;
    s2[dim] = 1;
    s3[dim] = 4;
    Tensor a = Tensor::uniform(s1, -1.f, 1.f, rng), b = Tensor::uniform(s2, -1.f, 1.f, rng),
           c = Tensor::uniform(s3, -1.f, 1.f, rng);
    Tensor y = concat({a, b, c}, dim);
    Shape expect = s1;
    expect[dim] = s1[dim] + 1 + 4;
    ASSERT_EQ(y.shape(), expect);
    // Each input is the matching narrow of the output, bit for bit.
    EXPECT_EQ(naive_narrow(y, dim, 0, s1[dim]), a.to_vector()) << dim;
    EXPECT_EQ(naive_narrow(y, dim, s1[dim], 1), b.to_vector()) << dim;
    EXPECT_EQ(naive_narrow(y, dim, s1[dim] + 1, 4), c.to_vector()) << dim;
  }
}

TEST(Concat, DefaultIsChannelsAndEmptyPiecesWork) {
  Tensor a = Tensor::full({1, 2, 2, 2}, 1.f), b = Tensor::full({1, 0, 2, 2}, 5.f), c = Tensor::full({1, 1, 2, 2}, 3.f);
  Tensor y = concat({a, b, c});
  EXPECT_EQ(y.shape(), (Shape{1, 3, 2, 2}));
  EXPECT_EQ(y.to_vector(), (std::vector<float>{1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 3}));
}

TEST(Concat, MismatchedShapesThrowNamingThem) {
  Tensor a = Tensor::zeros({2, 3, 7, 9}), b = Tensor::zeros({2, 3, 7, 8});
  try {
    concat({a, b}, 1);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("concat"), std::string::npos) << m;
    EXPECT_NE(m.find("[2, 3, 7, 9]"), std::string::npos) << m;
    EXPECT_NE(m.find("[2, 3, 7, 8]"), std::string::npos) << m;
  }
  EXPECT_THROW(concat({}, 1), Error);
  EXPECT_THROW(concat({a, Tensor::zeros({2, 3, 7})}, 1), Error);
  EXPECT_THROW(concat({a, a}, 4), Error);
}

TEST(Concat, GradientEveryDimAndInput) {
  Rng rng(4);
  for (int64_t dim = 0; dim < 4; ++dim) {
    Shape s1 = {2, 13, 5, 3}, s2 = s1;
    s2[dim] = 1;
    Tensor a = rand_input(s1, rng), b = rand_input(s2, rng), c = rand_input(s1, rng, -1.f, 1.f, false);
    EXPECT_TRUE(gradcheck([dim](const std::vector<Tensor>& in) { return concat({in[0], in[1], in[2]}, dim); },
                          {a, b, c}))
        << "dim " << dim;
    EXPECT_FALSE(c.grad().defined());
  }
}

TEST(Split, PiecesEqualNarrowsAndRoundTrip) {
  Rng rng(5);
  Tensor x = Tensor::uniform({2, 13, 7, 9}, -1.f, 1.f, rng);
  for (int64_t dim = 0; dim < 4; ++dim) {
    const int64_t n = x.size(dim);
    std::vector<int64_t> sizes = {1, 0, n - 1};
    auto parts = split(x, sizes, dim);
    ASSERT_EQ(parts.size(), 3u);
    EXPECT_EQ(parts[0].to_vector(), naive_narrow(x, dim, 0, 1));
    EXPECT_EQ(parts[1].numel(), 0);
    EXPECT_EQ(parts[2].to_vector(), naive_narrow(x, dim, 1, n - 1));
    EXPECT_EQ(concat(parts, dim).to_vector(), x.to_vector());
  }
  EXPECT_THROW(split(x, {5, 5}, 1), Error);   // adds up to 10, not 13
  EXPECT_THROW(split(x, {14, -1}, 1), Error);
}

TEST(Split, GradientAllPiecesContribute) {
  Rng rng(6);
  Tensor x = rand_input({2, 13, 5, 3}, rng);
  // Weight the pieces differently so a gradient routed to the wrong slice shows.
  auto f = [](const std::vector<Tensor>& in) {
    auto p = split(in[0], {3, 4, 6}, 1);
    return concat({p[2] * 2.0f, p[0], p[1] * -3.0f}, 1);
  };
  EXPECT_TRUE(gradcheck(f, {x}));
  // Only one piece used: the others' slices get zero gradient.
  Tensor y = rand_input({2, 3, 7, 9}, rng);
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return split(in[0], {2, 7}, -1)[1]; }, {y}));
}
