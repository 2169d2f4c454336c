// Tests of the autograd core, independent of the real ops: tiny ops defined here
// with record() exercise the graph walk, accumulation, no-grad mode, detach and
// the freeing of graphs.
#include <gtest/gtest.h>

#include "engine/autograd.h"
#include "engine/error.h"
#include "engine/ops/activation.h"

using namespace upres;

namespace {

// y = a * x (elementwise scalar multiply), written directly against record().
Tensor scale(const Tensor& x, float a) {
  Tensor y = Tensor::empty(x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) y.data()[i] = a * x.data()[i];
  return record(y, "scale", {x}, [a](const Tensor& gy) {
    Tensor gx = Tensor::empty(gy.shape());
    for (int64_t i = 0; i < gy.numel(); ++i) gx.data()[i] = a * gy.data()[i];
    return std::vector<Tensor>{gx};
  });
}

// y = a * b elementwise; saves both inputs.
Tensor times(const Tensor& a, const Tensor& b) {
  Tensor y = Tensor::empty(a.shape());
  for (int64_t i = 0; i < a.numel(); ++i) y.data()[i] = a.data()[i] * b.data()[i];
  Tensor as = a.detach(), bs = b.detach();
  return record(y, "times", {a, b}, [as, bs](const Tensor& gy) {
    Tensor ga = Tensor::empty(gy.shape()), gb = Tensor::empty(gy.shape());
    for (int64_t i = 0; i < gy.numel(); ++i) {
      ga.data()[i] = gy.data()[i] * bs.data()[i];
      gb.data()[i] = gy.data()[i] * as.data()[i];
    }
    return std::vector<Tensor>{ga, gb};
  });
}

// Sum of all elements to a scalar.
Tensor total(const Tensor& x) {
  Tensor y = Tensor::zeros({});
  for (int64_t i = 0; i < x.numel(); ++i) y.data()[0] += x.data()[i];
  Shape s = x.shape();
  return record(y, "total", {x}, [s](const Tensor& gy) {
    return std::vector<Tensor>{Tensor::full(s, gy.item())};
  });
}

Tensor leaf(std::vector<float> v) {
  Tensor t = Tensor::from_vector({static_cast<int64_t>(v.size())}, v);
  t.set_requires_grad(true);
  return t;
}

}  // namespace

TEST(Autograd, ChainRule) {
  Tensor x = leaf({1, 2, 3});
  Tensor loss = total(scale(scale(x, 2.0f), 3.0f));
  loss.backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{6, 6, 6}));
}

TEST(Autograd, DiamondGraphSumsBothPaths) {
  // L = sum(x*x + 3x): dL/dx = 2x + 3. x is used by two branches which meet again.
  Tensor x = leaf({1, -2, 0.5f});
  Tensor sq = times(x, x);
  Tensor lin = scale(x, 3.0f);
  Tensor loss = total(times(sq, Tensor::ones({3}))) ;
  Tensor loss2 = total(lin);
  // Combine two scalars via a node with two inputs.
  Tensor both = times(loss.reshape({1}), Tensor::ones({1}));
  Tensor l = total(both);
  l.backward();
  loss2.backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{2 * 1 + 3, 2 * -2 + 3, 2 * 0.5f + 3}));
}

TEST(Autograd, IntermediateUsedTwiceGetsFullGradientBeforeItsNodeRuns) {
  // h = 2x is consumed twice; its backward must see the sum of both uses.
  Tensor x = leaf({1, 2});
  Tensor h = scale(x, 2.0f);
  Tensor l = total(times(h, h));  // sum 4 x^2 -> d/dx = 8x
  l.backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{8, 16}));
}

TEST(Autograd, GradientsAccumulateAcrossBackwardCalls) {
  Tensor x = leaf({1, 2});
  total(scale(x, 5.0f)).backward();
  total(scale(x, 5.0f)).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{10, 10}));
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
}

TEST(Autograd, LeafGradIsNotAliasedToUpstreamGradient) {
  // total's backward returns a fresh tensor; scale's forward passes it on. The
  // stored grad must be a private copy so a later accumulation cannot change
  // another tensor.
  Tensor x = leaf({1, 1});
  Tensor seed = Tensor::from_vector({2}, {1, 1});
  Tensor y = scale(x, 1.0f);
  y.backward(seed);
  y = scale(x, 1.0f);
  y.backward(seed);
  EXPECT_EQ(seed.to_vector(), (std::vector<float>{1, 1}));
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{2, 2}));
}

TEST(Autograd, NoGradGuardRecordsNothing) {
  Tensor x = leaf({1, 2});
  {
    NoGradGuard guard;
    EXPECT_FALSE(grad_enabled());
    Tensor y = scale(x, 2.0f);
    EXPECT_FALSE(y.requires_grad());
    EXPECT_EQ(y.grad_fn(), nullptr);
  }
  EXPECT_TRUE(grad_enabled());
  EXPECT_TRUE(scale(x, 2.0f).requires_grad());
}

TEST(Autograd, DetachCutsTheGraph) {
  Tensor x = leaf({1, 2});
  Tensor y = scale(x, 2.0f).detach();
  EXPECT_FALSE(y.requires_grad());
  EXPECT_TRUE(y.is_leaf());
  Tensor w = leaf({3, 4});
  total(times(y, w)).backward();
  EXPECT_FALSE(x.grad().defined());
  EXPECT_EQ(w.grad().to_vector(), (std::vector<float>{2, 4}));
}

TEST(Autograd, OnlyInputsThatRequireGradReceiveIt) {
  Tensor a = leaf({1, 2});
  Tensor b = Tensor::from_vector({2}, {3, 4});  // constant
  total(times(a, b)).backward();
  EXPECT_EQ(a.grad().to_vector(), (std::vector<float>{3, 4}));
  EXPECT_FALSE(b.grad().defined());
}

TEST(Autograd, GraphIsFreedUnlessRetained) {
  Tensor x = leaf({1});
  Tensor l = total(scale(x, 2.0f));
  l.backward(Tensor(), /*retain_graph=*/true);
  l.backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{4}));
  EXPECT_THROW(l.backward(), Error);
}

TEST(Autograd, BackwardNeedsScalarOrExplicitGradient) {
  Tensor x = leaf({1, 2});
  Tensor y = scale(x, 2.0f);
  EXPECT_THROW(y.backward(), Error);
  EXPECT_THROW(y.backward(Tensor::ones({3})), Error);
  y.backward(Tensor::ones({2}));
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{2, 2}));
}

TEST(Autograd, BackwardOfTensorWithoutGradThrows) {
  Tensor c = Tensor::ones({1});
  EXPECT_THROW(c.backward(), Error);
}

TEST(Autograd, CannotToggleRequiresGradOnOpOutputs) {
  Tensor x = leaf({1});
  Tensor y = scale(x, 2.0f);
  EXPECT_THROW(y.set_requires_grad(false), Error);
}

TEST(Autograd, DeepChainDoesNotOverflowTheStack) {
  Tensor x = leaf({1});
  Tensor y = x;
  for (int i = 0; i < 20000; ++i) y = scale(y, 1.0f);
  total(y).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{1}));
}

TEST(Autograd, ReshapeIsDifferentiable) {
  Tensor x = leaf({1, 2, 3, 4});
  Tensor y = relu(x.reshape({2, 2}));
  y.backward(Tensor::from_vector({2, 2}, {1, 2, 3, 4}));
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{1, 2, 3, 4}));
}
