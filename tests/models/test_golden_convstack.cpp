// Golden test: a small conv stack (conv2d, PReLU, dilated conv2d, relu,
// conv_transpose2d, pixel_shuffle, tanh, broadcast bias add) run through upres
// must reproduce PyTorch's forward output and every gradient of sum(out * G).
// The reference, weights and input are written by
// tests/fixtures/golden/make_golden.py (PyTorch, float64) into convstack.txt.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "engine/ops.h"
#include "tests/models/golden.h"

using namespace upres;

namespace {

// Reads the blocks "<name> <ndim> <dims...>\n<values...>\n" of the fixture.
std::map<std::string, Tensor> read_fixture(const std::string& path) {
  std::ifstream f(path);
  std::map<std::string, Tensor> out;
  if (!f) return out;
  std::string header, values;
  while (std::getline(f, header) && std::getline(f, values)) {
    std::istringstream hs(header), vs(values);
    std::string name;
    int ndim = 0;
    hs >> name >> ndim;
    Shape shape(static_cast<size_t>(ndim));
    for (auto& d : shape) hs >> d;
    std::vector<float> v(static_cast<size_t>(shape_numel(shape)));
    for (auto& x : v) vs >> x;
    if (!vs) ADD_FAILURE() << "fixture block '" << name << "' is short of values";
    out[name] = Tensor::from_vector(shape, v);
  }
  return out;
}

const char* kParams[] = {"conv1.weight", "conv1.bias",    "prelu.weight", "conv2.weight",
                         "conv2.bias",   "deconv.weight", "deconv.bias",  "out_bias"};

}  // namespace

TEST(GoldenConvStack, ForwardAndGradientsMatchPyTorch) {
  auto fx = read_fixture(std::string(UPRES_SOURCE_DIR) + "/tests/fixtures/golden/convstack.txt");
  ASSERT_FALSE(fx.empty()) << "tests/fixtures/golden/convstack.txt is missing; run make_golden.py";
  std::map<std::string, Tensor> p;
  for (const char* n : kParams) {
    ASSERT_TRUE(fx.count(n)) << n;
    p[n] = fx[n].clone().set_requires_grad(true);
  }
  Tensor x = fx.at("x").clone().set_requires_grad(true);

  Tensor h = conv2d(x, p["conv1.weight"], p["conv1.bias"], ConvParams::make(1, 1));
  h = prelu(h, p["prelu.weight"]);
  h = conv2d(h, p["conv2.weight"], p["conv2.bias"], ConvParams::make(1, 2, 2));
  h = relu(h);
  h = conv_transpose2d(h, p["deconv.weight"], p["deconv.bias"], ConvParams::make(2, 1));
  h = pixel_shuffle(h, 2);
  h = tanh(h);
  Tensor out = add(h, p["out_bias"]);

  EXPECT_LT(upres::testing::golden_rel_error(out, fx.at("out")), 1e-5) << "forward output";
  out.backward(fx.at("G"));
  for (const char* n : kParams) {
    ASSERT_TRUE(p[n].grad().defined()) << n << " got no gradient";
    EXPECT_LT(upres::testing::golden_rel_error(p[n].grad(), fx.at(std::string("grad.") + n)), 1e-5) << "gradient of " << n;
  }
  ASSERT_TRUE(x.grad().defined());
  EXPECT_LT(upres::testing::golden_rel_error(x.grad(), fx.at("grad.x")), 1e-5) << "gradient of the input";
}
