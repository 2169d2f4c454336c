// Tests of Module: PyTorch-style names, registration order, train/eval, loading
// by name with reports, and PyTorch's default initialisation bounds.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/error.h"
#include "engine/module.h"
#include "engine/nn/init.h"
#include "engine/nn/layers.h"

using namespace upres;

namespace {

// A residual block with the names of BasicSR's ResidualBlockNoBN: conv1, conv2.
class Block : public Module {
 public:
  explicit Block(Rng& rng) {
    conv1 = register_module("conv1", nn::Conv2d::same(4, 4, 3, rng));
    conv2 = register_module("conv2", nn::Conv2d::same(4, 4, 3, rng));
  }
  std::shared_ptr<nn::Conv2d> conv1, conv2;
};

class Net : public Module {
 public:
  explicit Net(Rng& rng) {
    head = register_module("head", nn::Conv2d::same(3, 4, 3, rng));
    body = register_module("body", std::make_shared<nn::Sequential>());
    body->push_back(std::make_shared<Block>(rng));
    body->push_back(std::make_shared<Block>(rng));
    bn = register_module("bn", std::make_shared<nn::BatchNorm2d>(4));
  }
  std::shared_ptr<nn::Conv2d> head;
  std::shared_ptr<nn::Sequential> body;
  std::shared_ptr<nn::BatchNorm2d> bn;
};

std::vector<std::string> names(const std::vector<std::pair<std::string, Tensor>>& v) {
  std::vector<std::string> out;
  for (auto& p : v) out.push_back(p.first);
  return out;
}

}  // namespace

TEST(Module, StateDictNamesFollowPyTorch) {
  Rng rng(1);
  Net net(rng);
  std::vector<std::string> expect = {
      "head.weight", "head.bias",
      "body.0.conv1.weight", "body.0.conv1.bias", "body.0.conv2.weight", "body.0.conv2.bias",
      "body.1.conv1.weight", "body.1.conv1.bias", "body.1.conv2.weight", "body.1.conv2.bias",
      "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"};
  EXPECT_EQ(names(net.state_dict()), expect);
  EXPECT_EQ(net.named_parameters().size(), 12u);
  EXPECT_EQ(net.named_buffers().size(), 3u);
  EXPECT_EQ(net.num_parameters(), (3 * 4 * 9 + 4) + 4 * (4 * 4 * 9 + 4) + 8);
  for (auto& p : net.named_parameters()) EXPECT_TRUE(p.second.requires_grad()) << p.first;
  for (auto& b : net.named_buffers()) EXPECT_FALSE(b.second.requires_grad()) << b.first;
}

TEST(Module, TrainEvalIsRecursive) {
  Rng rng(1);
  Net net(rng);
  EXPECT_TRUE(net.bn->is_training());
  net.eval();
  EXPECT_FALSE(net.bn->is_training());
  EXPECT_FALSE(net.body->is_training());
  net.train();
  EXPECT_TRUE(net.bn->is_training());
}

TEST(Module, SameSeedSameWeightsDifferentSeedDifferentWeights) {
  Rng a(5), b(5), c(6);
  Net n1(a), n2(b), n3(c);
  auto s1 = n1.state_dict(), s2 = n2.state_dict(), s3 = n3.state_dict();
  for (size_t i = 0; i < s1.size(); ++i) EXPECT_EQ(s1[i].second.to_vector(), s2[i].second.to_vector());
  EXPECT_NE(s1[0].second.to_vector(), s3[0].second.to_vector());
}

TEST(Module, ConvInitIsPyTorchDefaultKaimingUniform) {
  // PyTorch: kaiming_uniform_(w, a=sqrt(5)) -> U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
  // bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)); fan_in = Cin/groups * k * k.
  Rng rng(3);
  nn::Conv2d conv(16, 32, 3, rng);
  double bound = 1.0 / std::sqrt(16.0 * 9.0);
  auto w = conv.weight.to_vector();
  double lo = 1e9, hi = -1e9, mean = 0, var = 0;
  for (float v : w) { lo = std::min(lo, (double)v); hi = std::max(hi, (double)v); mean += v; }
  mean /= w.size();
  for (float v : w) var += (v - mean) * (v - mean);
  var /= w.size();
  EXPECT_GE(lo, -bound);
  EXPECT_LE(hi, bound);
  EXPECT_GT(hi, 0.95 * bound);  // fills the range
  EXPECT_LT(lo, -0.95 * bound);
  EXPECT_NEAR(var, bound * bound / 3.0, 0.1 * bound * bound / 3.0);  // variance of U(-b, b)
  for (float v : conv.bias.to_vector()) EXPECT_LE(std::fabs(v), bound);
  // Transposed conv: fan_in is read from dim 1 = Cout/groups * k * k, as PyTorch.
  nn::ConvTranspose2d deconv(8, 2, 4, rng);
  EXPECT_EQ(deconv.weight.shape(), (Shape{8, 2, 4, 4}));
  double tb = 1.0 / std::sqrt(2.0 * 16.0);
  for (float v : deconv.weight.to_vector()) EXPECT_LE(std::fabs(v), tb);
}

TEST(Module, LoadStateDictReportsEveryProblemByName) {
  Rng rng(1);
  Net net(rng);
  std::map<std::string, Tensor> src;
  for (auto& [k, v] : net.state_dict()) src[k] = v.clone();
  src.erase("body.1.conv2.bias");
  src["body.0.conv1.weight"] = Tensor::zeros({4, 4, 5, 5});
  src["tail.weight"] = Tensor::zeros({1});
  try {
    load_state_dict(net, src, /*strict=*/true);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("missing key: body.1.conv2.bias"), std::string::npos) << m;
    EXPECT_NE(m.find("unexpected key: tail.weight"), std::string::npos) << m;
    EXPECT_NE(m.find("body.0.conv1.weight: source [4, 4, 5, 5] vs module [4, 4, 3, 3]"), std::string::npos) << m;
  }
  LoadReport rep = load_state_dict(net, src, /*strict=*/false);
  EXPECT_EQ(rep.missing, std::vector<std::string>{"body.1.conv2.bias"});
  EXPECT_EQ(rep.unexpected, std::vector<std::string>{"tail.weight"});
  EXPECT_EQ(rep.mismatched.size(), 1u);
}

TEST(Module, LoadCopiesIntoExistingHandles) {
  Rng rng(1), rng2(2);
  Net a(rng), b(rng2);
  Tensor handle = b.head->weight;  // e.g. held by an optimizer
  std::map<std::string, Tensor> src;
  for (auto& [k, v] : a.state_dict()) src[k] = v;
  load_state_dict(b, src);
  EXPECT_EQ(handle.to_vector(), a.head->weight.to_vector());
  EXPECT_TRUE(handle.same(b.head->weight));
}

TEST(Module, DuplicateNamesAreRejected) {
  class Bad : public Module {
   public:
    Bad() {
      register_parameter("w", Tensor::zeros({1}));
      register_parameter("w", Tensor::zeros({1}));
    }
  };
  EXPECT_THROW(Bad(), Error);
}
