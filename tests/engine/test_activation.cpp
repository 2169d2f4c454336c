// Tests of the activation ops: values against a direct formula, gradients
// against finite differences.
#include <gtest/gtest.h>

#include "engine/ops.h"
#include "support/gradcheck.h"

using namespace upres;
using upres::testing::gradcheck;
using upres::testing::rand_input;

TEST(Relu, ForwardMatchesFormula) {
  Tensor x = Tensor::from_vector({1, 1, 2, 3}, {-2.f, -0.f, 0.5f, 3.f, -1e-7f, 1e-7f});
  auto y = relu(x).to_vector();
  std::vector<float> expect = {0.f, 0.f, 0.5f, 3.f, 0.f, 1e-7f};
  EXPECT_EQ(y, expect);
}

TEST(Relu, GradientMatchesFiniteDifferences) {
  Rng rng(1);
  for (Shape s : {Shape{1, 1, 7, 9}, Shape{2, 13, 5, 3}}) {
    Tensor x = rand_input(s, rng);
    EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return relu(in[0]); }, {x}));
  }
}
