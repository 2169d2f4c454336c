// Tests of avg_pool2d, max_pool2d and adaptive_avg_pool2d: forward and backward
// against PyTorch fixtures over kernel/stride/padding combinations, gradients by
// finite differences, max pooling's tie rule, and argument errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "engine/ops.h"
#include "resample_fixtures.h"
#include "support/gradcheck.h"

using namespace upres;
using namespace upres::testing;

namespace {

// Fixture cases "avg|max N C H W kernel stride padding" or "adaptive N C H W oh ow".
void check_against_pytorch(const std::string& op) {
  int seen = 0;
  for (const FixtureCase& c : load_fixture("pool.txt")) {
    if (c.header.at(0) != op) continue;
    SCOPED_TRACE(c.name());
    ++seen;
    Shape in{c.num(1), c.num(2), c.num(3), c.num(4)};
    Tensor x = fixture_input(in).set_requires_grad();
    Tensor y;
    if (op == "avg") y = avg_pool2d(x, c.num(5), c.num(6), c.num(7));
    else if (op == "max") y = max_pool2d(x, c.num(5), c.num(6), c.num(7));
    else y = adaptive_avg_pool2d(x, c.num(5), c.num(6));
    EXPECT_TRUE(all_close(y, c.at("y")));
    y.backward(fixture_grad(y.shape()));
    EXPECT_TRUE(all_close(x.grad(), c.at("gx")));
  }
  EXPECT_GE(seen, 7);
}

struct Window {
  int64_t k, s, p;
};
const Shape kShapes[] = {{1, 1, 7, 9}, {2, 13, 5, 3}, {2, 1, 9, 7}};
const Window kWindows[] = {{1, 1, 0}, {2, 2, 0}, {2, 1, 1}, {3, 1, 1}, {3, 2, 0}, {3, 2, 1}, {3, 3, 0}, {4, 2, 2}};

bool fits(const Shape& s, const Window& w) { return s[2] + 2 * w.p >= w.k && s[3] + 2 * w.p >= w.k; }

// Distinct values at least 0.03 apart (more than 2h of gradcheck), in random
// order: no window holds a tie, and no finite-difference probe crosses one.
Tensor spread_input(const Shape& s, Rng& rng) {
  std::vector<float> v(static_cast<size_t>(shape_numel(s)));
  for (size_t i = 0; i < v.size(); ++i) v[i] = 0.03f * static_cast<float>(i) - 1.0f;
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(static_cast<uint32_t>(i))]);
  Tensor t = Tensor::from_vector(s, v);
  t.set_requires_grad();
  return t;
}

}  // namespace

TEST(AvgPool2d, MatchesPyTorch) { check_against_pytorch("avg"); }
TEST(MaxPool2d, MatchesPyTorch) { check_against_pytorch("max"); }
TEST(AdaptiveAvgPool2d, MatchesPyTorch) { check_against_pytorch("adaptive"); }

TEST(AvgPool2d, GradientKernelStridePadding) {
  Rng rng(31);
  for (const Shape& s : kShapes)
    for (const Window& w : kWindows) {
      if (!fits(s, w)) continue;
      SCOPED_TRACE(to_string(s) + " k" + std::to_string(w.k) + " s" + std::to_string(w.s) + " p" + std::to_string(w.p));
      EXPECT_TRUE(gradcheck([w](const std::vector<Tensor>& in) { return avg_pool2d(in[0], w.k, w.s, w.p); },
                            {rand_input(s, rng)}));
    }
}

TEST(MaxPool2d, GradientKernelStridePadding) {
  Rng rng(32);
  for (const Shape& s : kShapes)
    for (const Window& w : kWindows) {
      if (!fits(s, w)) continue;
      SCOPED_TRACE(to_string(s) + " k" + std::to_string(w.k) + " s" + std::to_string(w.s) + " p" + std::to_string(w.p));
      EXPECT_TRUE(gradcheck([w](const std::vector<Tensor>& in) { return max_pool2d(in[0], w.k, w.s, w.p); },
                            {spread_input(s, rng)}));
    }
}

TEST(AdaptiveAvgPool2d, Gradient) {
  Rng rng(33);
  const std::pair<int64_t, int64_t> outs[] = {{3, 4}, {1, 1}, {5, 2}, {9, 11}, {2, 2}};
  for (const Shape& s : kShapes)
    for (auto [oh, ow] : outs) {
      SCOPED_TRACE(to_string(s) + " -> " + std::to_string(oh) + "x" + std::to_string(ow));
      EXPECT_TRUE(gradcheck([oh = oh, ow = ow](const std::vector<Tensor>& in) {
        return adaptive_avg_pool2d(in[0], oh, ow);
      }, {rand_input(s, rng)}));
    }
}

// Ties: the gradient goes to the first maximal position of the window in
// row-major order; padding never wins.
TEST(MaxPool2d, TiesRouteGradientToFirstIndex) {
  Tensor x = Tensor::full({1, 1, 3, 3}, 1.0f).set_requires_grad();
  Tensor y = max_pool2d(x, 2, 1, 0);  // windows start at (0,0), (0,1), (1,0), (1,1)
  y.backward(Tensor::from_vector({1, 1, 2, 2}, {1.f, 2.f, 3.f, 4.f}));
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{1, 2, 0, 3, 4, 0, 0, 0, 0}));

  // With padding 1 every 3x3 window of a 2x2 image starts, inside the image, at (0, 0).
  Tensor z = Tensor::full({1, 1, 2, 2}, -5.0f).set_requires_grad();
  Tensor yz = max_pool2d(z, 3, 1, 1);
  EXPECT_EQ(yz.to_vector(), (std::vector<float>{-5, -5, -5, -5}));
  yz.backward(Tensor::from_vector({1, 1, 2, 2}, {1.f, 2.f, 3.f, 4.f}));
  EXPECT_EQ(z.grad().to_vector(), (std::vector<float>{10, 0, 0, 0}));
}

TEST(Pool, RejectsBadArguments) {
  Tensor x = Tensor::zeros({1, 2, 5, 5});
  EXPECT_TRUE(throws_with([&] { avg_pool2d(x, 3, 1, 2); }, {"avg_pool2d", "padding 2", "half the kernel 3"}));
  EXPECT_TRUE(throws_with([&] { max_pool2d(x, 0, 1, 0); }, {"max_pool2d", "kernel 0"}));
  EXPECT_TRUE(throws_with([&] { max_pool2d(x, 2, 0, 0); }, {"max_pool2d", "stride 0"}));
  EXPECT_TRUE(throws_with([&] { max_pool2d(x, 7, 1, 0); }, {"max_pool2d", "[1, 2, 5, 5]", "smaller than the 7x7"}));
  EXPECT_TRUE(throws_with([&] { avg_pool2d(Tensor::zeros({5, 5}), 2, 2, 0); }, {"avg_pool2d", "4 dimensions"}));
  EXPECT_TRUE(throws_with([&] { adaptive_avg_pool2d(x, 0, 2); }, {"adaptive_avg_pool2d", "0x2"}));
}
