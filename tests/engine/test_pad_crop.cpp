// Tests of pad (zero/constant, reflect, replicate; asymmetric) and crop: values
// against a naive per-pixel formula, errors at the reflect limits, and
// finite-difference gradients (which check that reflected and replicated border
// pixels receive the gradient of every copy of them).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>

#include "engine/error.h"
#include "engine/ops.h"
#include "support/gradcheck.h"

using namespace upres;
using upres::testing::gradcheck;
using upres::testing::rand_input;

namespace {

struct Pads {
  int64_t left, right, top, bottom;
};

// Source index along a dim of size n for padded index i, or -1 (constant).
int64_t naive_source(int64_t i, int64_t n, int64_t before, PadMode m) {
  int64_t s = i - before;
  if (m == PadMode::zero) return (s >= 0 && s < n) ? s : -1;
  if (m == PadMode::replicate) return std::min(std::max<int64_t>(s, 0), n - 1);
  // reflect: |s| mirrored at 0, then at n-1 (PyTorch's, edge not repeated)
  if (s < 0) s = -s;
  if (s >= n) s = 2 * (n - 1) - s;
  return s;
}

std::vector<float> naive_pad(const Tensor& x, Pads p, PadMode m, float value) {
  const int64_t h = x.size(-2), w = x.size(-1), planes = x.numel() / (h * w);
  const int64_t oh = h + p.top + p.bottom, ow = w + p.left + p.right;
  auto v = x.to_vector();
  std::vector<float> out;
  for (int64_t q = 0; q < planes; ++q)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        int64_t si = naive_source(i, h, p.top, m), sj = naive_source(j, w, p.left, m);
        out.push_back(si < 0 || sj < 0 ? value : v[static_cast<size_t>((q * h + si) * w + sj)]);
      }
  return out;
}

const std::vector<Pads>& pad_table() {
  static const std::vector<Pads> t = {
      {1, 1, 1, 1}, {0, 2, 3, 0}, {2, 0, 0, 1}, {3, 1, 2, 4}, {0, 0, 0, 0}, {4, 4, 0, 0}, {0, 0, 4, 1},
  };
  return t;
}

const PadMode kModes[] = {PadMode::zero, PadMode::reflect, PadMode::replicate};

}  // namespace

TEST(Pad, ValuesMatchNaiveEveryModeAsymmetric) {
  Rng rng(1);
  for (Shape s : {Shape{2, 3, 7, 9}, Shape{1, 13, 5, 5}, Shape{7, 9}, Shape{2, 1, 3, 2, 6}}) {
    Tensor x = Tensor::uniform(s, -1.f, 1.f, rng);
    const int64_t h = x.size(-2), w = x.size(-1);
    for (PadMode m : kModes) {
      for (const Pads& p : pad_table()) {
        if (m == PadMode::reflect && (p.top >= h || p.bottom >= h || p.left >= w || p.right >= w)) continue;
        const float value = m == PadMode::zero ? 0.5f : 0.0f;
        Tensor y = pad(x, p.left, p.right, p.top, p.bottom, m, value);
        Shape expect = s;
        expect[s.size() - 2] += p.top + p.bottom;
        expect[s.size() - 1] += p.left + p.right;
        ASSERT_EQ(y.shape(), expect);
        EXPECT_EQ(y.to_vector(), naive_pad(x, p, m, value))
            << to_string(s) << " " << to_string(m) << " pads " << p.left << p.right << p.top << p.bottom;
      }
    }
  }
}

// A hand-checked case of each mode on one row [1 2 3], padded 2 left, 1 right.
TEST(Pad, KnownRowExamples) {
  Tensor x = Tensor::from_vector({1, 3}, {1.f, 2.f, 3.f});
  EXPECT_EQ(pad(x, 2, 1, 0, 0, PadMode::zero).to_vector(), (std::vector<float>{0, 0, 1, 2, 3, 0}));
  EXPECT_EQ(pad(x, 2, 1, 0, 0, PadMode::zero, -1.f).to_vector(), (std::vector<float>{-1, -1, 1, 2, 3, -1}));
  EXPECT_EQ(pad(x, 2, 1, 0, 0, PadMode::reflect).to_vector(), (std::vector<float>{3, 2, 1, 2, 3, 2}));
  EXPECT_EQ(pad(x, 2, 1, 0, 0, PadMode::replicate).to_vector(), (std::vector<float>{1, 1, 1, 2, 3, 3}));
}

TEST(Pad, ReflectLimitsAndBadArgumentsThrow) {
  Tensor x = Tensor::zeros({1, 1, 3, 4});
  EXPECT_NO_THROW(pad(x, 3, 3, 2, 2, PadMode::reflect));
  EXPECT_THROW(pad(x, 4, 0, 0, 0, PadMode::reflect), Error);  // pad == W
  EXPECT_THROW(pad(x, 0, 0, 0, 3, PadMode::reflect), Error);  // pad == H
  try {
    pad(x, 0, 0, 3, 0, PadMode::reflect);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("reflect"), std::string::npos) << m;
    EXPECT_NE(m.find("[1, 1, 3, 4]"), std::string::npos) << m;
  }
  EXPECT_NO_THROW(pad(x, 9, 9, 9, 9, PadMode::replicate));  // replicate has no limit
  EXPECT_THROW(pad(x, -1, 0, 0, 0), Error);
  EXPECT_THROW(pad(Tensor::zeros({5}), 1, 1, 1, 1), Error);
}

TEST(Pad, GradientEveryModeAsymmetric) {
  Rng rng(2);
  for (Shape s : {Shape{1, 1, 7, 9}, Shape{2, 13, 5, 3}, Shape{1, 2, 5, 5}}) {
    Tensor x = rand_input(s, rng);
    const int64_t h = s[2], w = s[3];
    for (PadMode m : kModes) {
      for (const Pads& p : pad_table()) {
        if (m == PadMode::reflect && (p.top >= h || p.bottom >= h || p.left >= w || p.right >= w)) continue;
        EXPECT_TRUE(gradcheck(
            [=](const std::vector<Tensor>& in) { return pad(in[0], p.left, p.right, p.top, p.bottom, m, 0.3f); },
            {x}))
            << to_string(s) << " " << to_string(m) << " pads " << p.left << p.right << p.top << p.bottom;
      }
    }
  }
}

// The backward against the naive rule: every padded position adds its gradient
// into the pixel it copied.
TEST(Pad, BackwardAccumulatesBorderCopies) {
  Rng rng(3);
  Tensor x = rand_input({2, 3, 4, 5}, rng);
  for (PadMode m : {PadMode::reflect, PadMode::replicate, PadMode::zero}) {
    x.zero_grad();
    Pads p = {3, 1, 2, 3};
    Tensor y = pad(x, p.left, p.right, p.top, p.bottom, m);
    Tensor dy = Tensor::uniform(y.shape(), -1.f, 1.f, rng);
    y.backward(dy);
    auto gv = dy.to_vector();
    std::vector<double> ref(static_cast<size_t>(x.numel()), 0.0);
    const int64_t oh = y.size(2), ow = y.size(3);
    for (int64_t q = 0; q < 6; ++q)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          int64_t si = naive_source(i, 4, p.top, m), sj = naive_source(j, 5, p.left, m);
          if (si >= 0 && sj >= 0) ref[(q * 4 + si) * 5 + sj] += gv[(q * oh + i) * ow + j];
        }
    auto g = x.grad().to_vector();
    for (size_t k = 0; k < g.size(); ++k) EXPECT_NEAR(g[k], ref[k], 1e-5) << to_string(m) << " " << k;
  }
}

TEST(Crop, ValuesBitExactAndGradient) {
  Rng rng(4);
  for (Shape s : {Shape{2, 3, 7, 9}, Shape{1, 13, 5, 3}, Shape{7, 9}}) {
    Tensor x = rand_input(s, rng);
    const int64_t h = x.size(-2), w = x.size(-1);
    for (auto [t, l, ch, cw] : {std::tuple<int64_t, int64_t, int64_t, int64_t>{0, 0, h, w},
                                {1, 2, h - 2, w - 3},
                                {h - 1, w - 1, 1, 1},
                                {2, 0, 1, w}}) {
      Tensor y = crop(x, t, l, ch, cw);
      // crop == narrow twice, and == a pad with negative... checked by a plain loop:
      auto xv = x.to_vector(), yv = y.to_vector();
      const int64_t planes = x.numel() / (h * w);
      size_t k = 0;
      for (int64_t q = 0; q < planes; ++q)
        for (int64_t i = 0; i < ch; ++i)
          for (int64_t j = 0; j < cw; ++j, ++k)
            ASSERT_EQ(yv[k], xv[static_cast<size_t>((q * h + t + i) * w + l + j)]) << to_string(s);
      EXPECT_EQ(k, yv.size());
      EXPECT_TRUE(gradcheck([=](const std::vector<Tensor>& in) { return crop(in[0], t, l, ch, cw); }, {x}));
    }
  }
}

TEST(Crop, OutOfRangeWindowThrows) {
  Tensor x = Tensor::zeros({1, 3, 7, 9});
  EXPECT_THROW(crop(x, 0, 0, 8, 9), Error);
  EXPECT_THROW(crop(x, 1, 0, 7, 1), Error);
  EXPECT_THROW(crop(x, 0, 5, 1, 5), Error);
  EXPECT_THROW(crop(x, -1, 0, 1, 1), Error);
  EXPECT_THROW(crop(Tensor::zeros({9}), 0, 0, 1, 1), Error);
}

// pad then crop back is the identity, in every mode.
TEST(PadCrop, RoundTripIsIdentity) {
  Rng rng(5);
  Tensor x = Tensor::uniform({2, 3, 7, 9}, -1.f, 1.f, rng);
  for (PadMode m : kModes) EXPECT_EQ(crop(pad(x, 2, 3, 4, 1, m), 4, 2, 7, 9).to_vector(), x.to_vector());
}
