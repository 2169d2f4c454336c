// conv2d and conv_transpose2d against PyTorch: outputs and all gradients for a
// fixed upstream gradient, from tests/fixtures/conv/conv_fixture.txt (written by
// make_conv_fixture.py beside it; see its docstring for the format).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <string>

#include "engine/ops.h"

using namespace upres;

namespace {

struct FixtureCase {
  std::string name, op;
  ConvParams p;
  bool bias = false;
  std::map<std::string, Tensor> t;
};

std::vector<FixtureCase> read_fixture(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::vector<FixtureCase> cases;
  std::string word;
  while (in >> word) {
    if (word == "case") {
      FixtureCase c;
      int bias = 0;
      in >> c.name >> c.op >> c.p.stride_h >> c.p.stride_w >> c.p.pad_h >> c.p.pad_w >>
          c.p.dilation_h >> c.p.dilation_w >> c.p.groups >> c.p.output_padding_h >>
          c.p.output_padding_w >> bias;
      c.bias = bias != 0;
      cases.push_back(c);
    } else if (word == "tensor") {
      std::string name;
      int rank = 0;
      in >> name >> rank;
      Shape s(static_cast<size_t>(rank));
      for (auto& d : s) in >> d;
      std::vector<float> v(static_cast<size_t>(shape_numel(s)));
      for (auto& x : v) in >> x;
      EXPECT_FALSE(cases.empty());
      if (!cases.empty()) cases.back().t[name] = Tensor::from_vector(s, v);
    } else {
      ADD_FAILURE() << "unexpected token " << word << " in " << path;
      break;
    }
  }
  return cases;
}

// max |a - b| / (1e-3 + max |b|): relative to the tensor's scale.
double rel_error(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape(), b.shape());
  auto va = a.to_vector(), vb = b.to_vector();
  double diff = 0, scale = 1e-3;
  for (size_t i = 0; i < va.size() && i < vb.size(); ++i) {
    diff = std::max(diff, std::fabs(double(va[i]) - vb[i]));
    scale = std::max(scale, std::fabs(double(vb[i])));
  }
  return diff / scale;
}

}  // namespace

TEST(ConvFixture, Conv2dAndConvTranspose2dMatchPyTorch) {
  auto cases = read_fixture(std::string(UPRES_SOURCE_DIR) + "/tests/fixtures/conv/conv_fixture.txt");
  ASSERT_GE(cases.size(), 6u);
  int n_conv = 0, n_convt = 0;
  for (FixtureCase& c : cases) {
    Tensor x = c.t.at("x").clone().set_requires_grad();
    Tensor w = c.t.at("w").clone().set_requires_grad();
    Tensor b = c.bias ? c.t.at("b").clone().set_requires_grad() : Tensor();
    Tensor y;
    if (c.op == "conv2d") {
      y = conv2d(x, w, b, c.p);
      ++n_conv;
    } else {
      ASSERT_EQ(c.op, "conv_transpose2d");
      y = conv_transpose2d(x, w, b, c.p);
      ++n_convt;
    }
    EXPECT_LT(rel_error(y, c.t.at("y")), 1e-5) << c.name << ": output";
    y.backward(c.t.at("gy"));
    EXPECT_LT(rel_error(x.grad(), c.t.at("gx")), 1e-5) << c.name << ": input gradient";
    EXPECT_LT(rel_error(w.grad(), c.t.at("gw")), 1e-5) << c.name << ": weight gradient";
    if (c.bias) {
      EXPECT_LT(rel_error(b.grad(), c.t.at("gb")), 1e-5) << c.name << ": bias gradient";
    }
  }
  EXPECT_GT(n_conv, 0);
  EXPECT_GT(n_convt, 0);
}
