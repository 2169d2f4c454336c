// Tests of the conv2d op: forward against a naive loop written here, gradients
// (input, weight, bias) against finite differences, over tables of geometries,
// and the error messages for bad arguments.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/ops.h"
#include "support/gradcheck.h"

using namespace upres;
using upres::testing::gradcheck;
using upres::testing::rand_input;

namespace {

struct ConvCase {
  Shape x;        // [N, Cin, H, W]
  int64_t cout, kh, kw;
  ConvParams p;
  bool bias;
};

std::string describe(const ConvCase& c) {
  std::ostringstream os;
  os << "x " << to_string(c.x) << " cout " << c.cout << " k " << c.kh << "x" << c.kw << " stride ("
     << c.p.stride_h << "," << c.p.stride_w << ") pad (" << c.p.pad_h << "," << c.p.pad_w
     << ") dil (" << c.p.dilation_h << "," << c.p.dilation_w << ") groups " << c.p.groups
     << (c.bias ? " bias" : " no bias");
  return os.str();
}

// The definition, one multiply-add at a time, in double.
std::vector<float> naive_conv2d(const ConvCase& c, const std::vector<float>& x,
                                const std::vector<float>& w, const std::vector<float>& b,
                                int64_t& Hout, int64_t& Wout) {
  const int64_t N = c.x[0], Cin = c.x[1], H = c.x[2], W = c.x[3], G = c.p.groups;
  const int64_t cig = Cin / G, cog = c.cout / G;
  Hout = (H + 2 * c.p.pad_h - c.p.dilation_h * (c.kh - 1) - 1) / c.p.stride_h + 1;
  Wout = (W + 2 * c.p.pad_w - c.p.dilation_w * (c.kw - 1) - 1) / c.p.stride_w + 1;
  std::vector<float> y(static_cast<size_t>(N * c.cout * Hout * Wout));
  for (int64_t n = 0; n < N; ++n)
    for (int64_t co = 0; co < c.cout; ++co)
      for (int64_t oh = 0; oh < Hout; ++oh)
        for (int64_t ow = 0; ow < Wout; ++ow) {
          double s = c.bias ? b[co] : 0.0;
          for (int64_t ci = 0; ci < cig; ++ci)
            for (int64_t i = 0; i < c.kh; ++i)
              for (int64_t j = 0; j < c.kw; ++j) {
                int64_t ih = oh * c.p.stride_h - c.p.pad_h + i * c.p.dilation_h;
                int64_t iw = ow * c.p.stride_w - c.p.pad_w + j * c.p.dilation_w;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                int64_t cin = (co / cog) * cig + ci;
                s += double(x[((n * Cin + cin) * H + ih) * W + iw]) *
                     w[((co * cig + ci) * c.kh + i) * c.kw + j];
              }
          y[((n * c.cout + co) * Hout + oh) * Wout + ow] = float(s);
        }
  return y;
}

bool fits(const Shape& x, int64_t kh, int64_t kw, const ConvParams& p) {
  return x[2] + 2 * p.pad_h >= p.dilation_h * (kh - 1) + 1 &&
         x[3] + 2 * p.pad_w >= p.dilation_w * (kw - 1) + 1;
}

// Kernel 1/3/5 x stride 1/2/3 x padding 0/1/2 x dilation 1/2 x (1 channel; 13
// channels with groups 1 and 13) x sizes 7x9, 5x3, 1x1 x bias on/off, batch 2;
// combinations whose dilated kernel does not fit in the padded input are skipped.
std::vector<ConvCase> full_table() {
  std::vector<ConvCase> t;
  for (int64_t k : {1, 3, 5})
    for (int64_t stride : {1, 2, 3})
      for (int64_t pad : {0, 1, 2})
        for (int64_t dil : {1, 2})
          for (auto [cin, groups, cout] : {std::tuple<int64_t, int64_t, int64_t>{1, 1, 3},
                                           {13, 1, 4}, {13, 13, 26}})
            for (auto [h, w] : {std::pair<int64_t, int64_t>{7, 9}, {5, 3}, {1, 1}})
              for (bool bias : {true, false}) {
                ConvCase c{{2, cin, h, w}, cout, k, k, ConvParams::make(stride, pad, dil, groups), bias};
                if (fits(c.x, k, k, c.p)) t.push_back(c);
              }
  return t;
}

// Every stride/padding/dilation combination once, with kernel size, channels,
// groups and spatial size rotating through the table, plus rectangular cases.
std::vector<ConvCase> gradient_table() {
  std::vector<ConvCase> t;
  int i = 0;
  for (int64_t stride : {1, 2, 3})
    for (int64_t pad : {0, 1, 2})
      for (int64_t dil : {1, 2}) {
        const int64_t k = (i % 3 == 0) ? 3 : (i % 3 == 1 ? 5 : 1);
        const Shape sizes[] = {{2, 1, 7, 9}, {2, 13, 5, 3}, {2, 13, 7, 9}};
        Shape x = sizes[i % 3];
        int64_t groups = (x[1] == 13 && i % 2 == 0) ? 13 : 1;
        int64_t cout = groups == 13 ? 13 : 3;
        ConvCase c{x, cout, k, k, ConvParams::make(stride, pad, dil, groups), i % 4 != 3};
        if (!fits(c.x, k, k, c.p)) c.x = {2, x[1], 7, 9};
        if (!fits(c.x, k, k, c.p)) c.kh = c.kw = 3;
        t.push_back(c);
        ++i;
      }
  ConvParams r;  // per-axis parameters
  r.stride_h = 2, r.stride_w = 1, r.pad_h = 0, r.pad_w = 2, r.dilation_h = 1, r.dilation_w = 2, r.groups = 2;
  t.push_back({{2, 4, 7, 9}, 6, 3, 2, r, true});
  t.push_back({{2, 1, 1, 1}, 5, 1, 1, ConvParams{}, true});  // 1x1 image
  t.push_back({{2, 13, 5, 3}, 13, 1, 1, ConvParams::make(1, 0, 1, 13), true});  // depthwise 1x1
  return t;
}

}  // namespace

TEST(Conv2d, ForwardMatchesNaiveLoopTable) {
  Rng rng(11);
  int checked = 0;
  for (const ConvCase& c : full_table()) {
    Tensor x = Tensor::uniform(c.x, -1, 1, rng);
    Tensor w = Tensor::uniform({c.cout, c.x[1] / c.p.groups, c.kh, c.kw}, -1, 1, rng);
    Tensor b = c.bias ? Tensor::uniform({c.cout}, -1, 1, rng) : Tensor();
    int64_t Hout = 0, Wout = 0;
    auto expect = naive_conv2d(c, x.to_vector(), w.to_vector(), c.bias ? b.to_vector() : std::vector<float>{}, Hout, Wout);
    Tensor y = conv2d(x, w, b, c.p);
    ASSERT_EQ(y.shape(), (Shape{c.x[0], c.cout, Hout, Wout})) << describe(c);
    auto got = y.to_vector();
    double worst = 0;
    for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::fabs(double(got[i]) - expect[i]));
    EXPECT_LT(worst, 1e-5) << describe(c);
    ++checked;
  }
  EXPECT_GT(checked, 300);  // the table really is a table
}

TEST(Conv2d, GradientInputWeightBiasStridePaddingDilationGroups) {
  Rng rng(12);
  for (const ConvCase& c : gradient_table()) {
    Tensor x = rand_input(c.x, rng);
    Tensor w = rand_input({c.cout, c.x[1] / c.p.groups, c.kh, c.kw}, rng);
    std::vector<Tensor> in = {x, w};
    if (c.bias) in.push_back(rand_input({c.cout}, rng));
    ConvParams p = c.p;
    EXPECT_TRUE(gradcheck(
        [p](const std::vector<Tensor>& v) { return conv2d(v[0], v[1], v.size() > 2 ? v[2] : Tensor(), p); },
        in))
        << describe(c);
  }
}

TEST(Conv2d, GradientOnlyForInputsThatRequireIt) {
  Rng rng(13);
  Tensor x = rand_input({2, 3, 5, 3}, rng, -1, 1, false);
  Tensor w = rand_input({4, 3, 3, 3}, rng);
  Tensor b = rand_input({4}, rng, -1, 1, false);
  Tensor y = conv2d(x, w, b, ConvParams::make(1, 1));
  y.backward(Tensor::ones(y.shape()));
  EXPECT_FALSE(x.grad().defined());
  EXPECT_FALSE(b.grad().defined());
  ASSERT_TRUE(w.grad().defined());
  // dL/dw with L = sum(y) is the sum of the input under each tap: check the centre tap.
  auto xv = x.to_vector();
  for (int64_t co = 0; co < 4; ++co)
    for (int64_t ci = 0; ci < 3; ++ci) {
      double s = 0;
      for (int64_t n = 0; n < 2; ++n)
        for (int64_t i = 0; i < 15; ++i) s += xv[(n * 3 + ci) * 15 + i];
      EXPECT_NEAR(w.grad().to_vector()[((co * 3 + ci) * 3 + 1) * 3 + 1], s, 1e-4);
    }
}

namespace {
// The message of the upres::Error that f throws, or "" if it throws none.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const upres::Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Conv2d, ErrorsNameShapesAndExpectation) {
  Tensor x = Tensor::zeros({2, 3, 7, 9});
  // channels vs weight
  std::string m = error_of([&] { conv2d(x, Tensor::zeros({8, 2, 3, 3}), Tensor()); });
  EXPECT_NE(m.find("conv2d"), std::string::npos) << m;
  EXPECT_NE(m.find("[2, 3, 7, 9]"), std::string::npos) << m;
  EXPECT_NE(m.find("[8, 2, 3, 3]"), std::string::npos) << m;
  // groups must divide channels
  m = error_of([&] { conv2d(x, Tensor::zeros({4, 1, 3, 3}), Tensor(), ConvParams::make(1, 1, 1, 2)); });
  EXPECT_NE(m.find("groups"), std::string::npos) << m;
  EXPECT_NE(m.find("[2, 3, 7, 9]"), std::string::npos) << m;
  // weight rank
  m = error_of([&] { conv2d(x, Tensor::zeros({8, 3, 3}), Tensor()); });
  EXPECT_NE(m.find("weight"), std::string::npos) << m;
  EXPECT_NE(m.find("[8, 3, 3]"), std::string::npos) << m;
  // input rank
  m = error_of([&] { conv2d(Tensor::zeros({3, 7, 9}), Tensor::zeros({8, 3, 3, 3}), Tensor()); });
  EXPECT_NE(m.find("[3, 7, 9]"), std::string::npos) << m;
  // kernel larger than the padded input
  m = error_of([&] { conv2d(Tensor::zeros({1, 1, 2, 2}), Tensor::zeros({1, 1, 5, 5}), Tensor()); });
  EXPECT_NE(m.find("larger than the padded input"), std::string::npos) << m;
  EXPECT_NE(m.find("[1, 1, 5, 5]"), std::string::npos) << m;
  // dilation makes it too large
  m = error_of([&] { conv2d(x, Tensor::zeros({1, 3, 3, 3}), Tensor(), ConvParams::make(1, 0, 4)); });
  EXPECT_NE(m.find("larger than the padded input"), std::string::npos) << m;
  // bias shape
  m = error_of([&] { conv2d(x, Tensor::zeros({8, 3, 3, 3}), Tensor::zeros({3})); });
  EXPECT_NE(m.find("bias [3]"), std::string::npos) << m;
  // bad parameters
  m = error_of([&] { conv2d(x, Tensor::zeros({8, 3, 3, 3}), Tensor(), ConvParams::make(0, 1)); });
  EXPECT_NE(m.find("stride"), std::string::npos) << m;
  ConvParams op;
  op.output_padding_h = 1;
  m = error_of([&] { conv2d(x, Tensor::zeros({8, 3, 3, 3}), Tensor(), op); });
  EXPECT_NE(m.find("output_padding"), std::string::npos) << m;
}
