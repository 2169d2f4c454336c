// Tests of the conv_transpose2d op: forward against a naive scatter loop written
// here (each input pixel adds weight * value onto the output window it maps to),
// gradients against finite differences, over tables that include output_padding
// and groups, and the error messages for bad arguments.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "engine/error.h"
#include "engine/ops.h"
#include "support/gradcheck.h"

using namespace upres;
using upres::testing::gradcheck;
using upres::testing::rand_input;

namespace {

struct TCase {
  Shape x;  // [N, Cin, H, W]
  int64_t cout, kh, kw;
  ConvParams p;
  bool bias;
};

std::string describe(const TCase& c) {
  std::ostringstream os;
  os << "x " << to_string(c.x) << " cout " << c.cout << " k " << c.kh << "x" << c.kw << " stride ("
     << c.p.stride_h << "," << c.p.stride_w << ") pad (" << c.p.pad_h << "," << c.p.pad_w
     << ") dil (" << c.p.dilation_h << "," << c.p.dilation_w << ") outpad ("
     << c.p.output_padding_h << "," << c.p.output_padding_w << ") groups " << c.p.groups
     << (c.bias ? " bias" : " no bias");
  return os.str();
}

int64_t out_size(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d, int64_t op) {
  return (in - 1) * s - 2 * p + d * (k - 1) + op + 1;
}

// Scatter: y[n, g*cog + co, ih*s - p + kh*d, iw*s - p + kw*d] += x[n, ci, ih, iw] * w[ci, co, kh, kw].
std::vector<float> naive_conv_transpose2d(const TCase& c, const std::vector<float>& x,
                                          const std::vector<float>& w, const std::vector<float>& b,
                                          int64_t Hout, int64_t Wout) {
  const int64_t N = c.x[0], Cin = c.x[1], H = c.x[2], W = c.x[3], G = c.p.groups;
  const int64_t cig = Cin / G, cog = c.cout / G;
  std::vector<double> y(static_cast<size_t>(N * c.cout * Hout * Wout), 0.0);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t ci = 0; ci < Cin; ++ci)
      for (int64_t ih = 0; ih < H; ++ih)
        for (int64_t iw = 0; iw < W; ++iw)
          for (int64_t co = 0; co < cog; ++co)
            for (int64_t i = 0; i < c.kh; ++i)
              for (int64_t j = 0; j < c.kw; ++j) {
                int64_t oh = ih * c.p.stride_h - c.p.pad_h + i * c.p.dilation_h;
                int64_t ow = iw * c.p.stride_w - c.p.pad_w + j * c.p.dilation_w;
                if (oh < 0 || oh >= Hout || ow < 0 || ow >= Wout) continue;
                int64_t oc = (ci / cig) * cog + co;
                y[((n * c.cout + oc) * Hout + oh) * Wout + ow] +=
                    double(x[((n * Cin + ci) * H + ih) * W + iw]) * w[((ci * cog + co) * c.kh + i) * c.kw + j];
              }
  std::vector<float> out(y.size());
  for (size_t i = 0; i < y.size(); ++i)
    out[i] = float(y[i] + (c.bias ? b[(i / (Hout * Wout)) % c.cout] : 0.0));
  return out;
}

bool valid(const TCase& c) {
  const ConvParams& p = c.p;
  bool op_ok = (p.output_padding_h < p.stride_h || p.output_padding_h < p.dilation_h) &&
               (p.output_padding_w < p.stride_w || p.output_padding_w < p.dilation_w);
  return op_ok &&
         out_size(c.x[2], c.kh, p.stride_h, p.pad_h, p.dilation_h, p.output_padding_h) > 0 &&
         out_size(c.x[3], c.kw, p.stride_w, p.pad_w, p.dilation_w, p.output_padding_w) > 0;
}

// Kernel 1/3/5 x stride 1/2/3 x padding 0/1/2 x dilation 1/2 x output_padding 0/1
// x (1 channel; 13 channels with groups 1 and 13) x sizes 7x9, 5x3, 1x1 x bias,
// batch 2; invalid combinations (output_padding too large, empty output) skipped.
std::vector<TCase> full_table() {
  std::vector<TCase> t;
  for (int64_t k : {1, 3, 5})
    for (int64_t stride : {1, 2, 3})
      for (int64_t pad : {0, 1, 2})
        for (int64_t dil : {1, 2})
          for (int64_t op : {0, 1})
            for (auto [cin, groups, cout] : {std::tuple<int64_t, int64_t, int64_t>{1, 1, 3},
                                             {13, 1, 4}, {13, 13, 26}})
              for (auto [h, w] : {std::pair<int64_t, int64_t>{7, 9}, {5, 3}, {1, 1}}) {
                ConvParams p = ConvParams::make(stride, pad, dil, groups);
                p.output_padding_h = p.output_padding_w = op;
                TCase c{{2, cin, h, w}, cout, k, k, p, (k + stride + pad) % 2 == 0};
                if (valid(c)) t.push_back(c);
              }
  return t;
}

// Every stride/padding/dilation combination once, output_padding where allowed,
// channels/groups/kernel/size rotating, plus rectangular and per-axis cases.
std::vector<TCase> gradient_table() {
  std::vector<TCase> t;
  int i = 0;
  for (int64_t stride : {1, 2, 3})
    for (int64_t pad : {0, 1, 2})
      for (int64_t dil : {1, 2}) {
        const int64_t k = (i % 3 == 0) ? 3 : (i % 3 == 1 ? 5 : 1);
        const Shape sizes[] = {{2, 1, 7, 9}, {2, 13, 5, 3}, {2, 13, 3, 4}};
        Shape x = sizes[i % 3];
        int64_t groups = (x[1] == 13 && i % 2 == 0) ? 13 : 1;
        int64_t cout = groups == 13 ? 26 : 3;
        ConvParams p = ConvParams::make(stride, pad, dil, groups);
        p.output_padding_h = p.output_padding_w = std::max(stride, dil) - 1;
        TCase c{x, cout, k, k, p, i % 4 != 3};
        if (!valid(c)) c.kh = c.kw = 3;
        if (!valid(c)) c.p.pad_h = c.p.pad_w = 0;
        t.push_back(c);
        ++i;
      }
  ConvParams r;
  r.stride_h = 3, r.stride_w = 2, r.pad_h = 1, r.pad_w = 0, r.dilation_h = 1, r.dilation_w = 2;
  r.groups = 2, r.output_padding_h = 2, r.output_padding_w = 1;
  t.push_back({{2, 4, 3, 5}, 6, 2, 3, r, true});
  t.push_back({{2, 1, 1, 1}, 5, 1, 1, ConvParams{}, true});  // 1x1 image
  ConvParams up = ConvParams::make(3, 4);  // FSRCNN-style x3 upsampling, 9x9 kernel
  up.output_padding_h = up.output_padding_w = 2;
  t.push_back({{1, 2, 3, 3}, 1, 9, 9, up, true});
  return t;
}

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

TEST(ConvTranspose2d, ForwardMatchesNaiveScatterTable) {
  Rng rng(21);
  int checked = 0;
  for (const TCase& c : full_table()) {
    Tensor x = Tensor::uniform(c.x, -1, 1, rng);
    Tensor w = Tensor::uniform({c.x[1], c.cout / c.p.groups, c.kh, c.kw}, -1, 1, rng);
    Tensor b = c.bias ? Tensor::uniform({c.cout}, -1, 1, rng) : Tensor();
    const int64_t Hout = out_size(c.x[2], c.kh, c.p.stride_h, c.p.pad_h, c.p.dilation_h, c.p.output_padding_h);
    const int64_t Wout = out_size(c.x[3], c.kw, c.p.stride_w, c.p.pad_w, c.p.dilation_w, c.p.output_padding_w);
    auto expect = naive_conv_transpose2d(c, x.to_vector(), w.to_vector(),
                                         c.bias ? b.to_vector() : std::vector<float>{}, Hout, Wout);
    Tensor y = conv_transpose2d(x, w, b, c.p);
    ASSERT_EQ(y.shape(), (Shape{c.x[0], c.cout, Hout, Wout})) << describe(c);
    auto got = y.to_vector();
    double worst = 0;
    for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::fabs(double(got[i]) - expect[i]));
    EXPECT_LT(worst, 1e-5) << describe(c);
    ++checked;
  }
  EXPECT_GT(checked, 500);
}

TEST(ConvTranspose2d, GradientStridePaddingDilationOutputPaddingGroups) {
  Rng rng(22);
  for (const TCase& c : gradient_table()) {
    ASSERT_TRUE(valid(c)) << describe(c);
    Tensor x = rand_input(c.x, rng);
    Tensor w = rand_input({c.x[1], c.cout / c.p.groups, c.kh, c.kw}, rng);
    std::vector<Tensor> in = {x, w};
    if (c.bias) in.push_back(rand_input({c.cout}, rng));
    ConvParams p = c.p;
    EXPECT_TRUE(gradcheck(
        [p](const std::vector<Tensor>& v) {
          return conv_transpose2d(v[0], v[1], v.size() > 2 ? v[2] : Tensor(), p);
        },
        in))
        << describe(c);
  }
}

TEST(ConvTranspose2d, IsTheAdjointOfConv2d) {
  // <conv2d(x), y> == <x, conv_transpose2d(y)> for the same weight and geometry.
  Rng rng(23);
  ConvParams p = ConvParams::make(2, 1, 2, 2);
  Tensor x = Tensor::uniform({2, 4, 9, 7}, -1, 1, rng);
  Tensor w = Tensor::uniform({6, 2, 3, 3}, -1, 1, rng);
  Tensor cx = conv2d(x, w, Tensor(), p);
  Tensor y = Tensor::uniform(cx.shape(), -1, 1, rng);
  // Rows: (9 + 2 - 4 - 1) / 2 + 1 = 4, and back: (4 - 1) * 2 - 2 + 4 + 1 = 9; no output_padding needed.
  Tensor ty = conv_transpose2d(y, w, Tensor(), p);
  ASSERT_EQ(ty.shape(), x.shape());
  double a = 0, b = 0;
  auto vcx = cx.to_vector(), vy = y.to_vector(), vx = x.to_vector(), vty = ty.to_vector();
  for (size_t i = 0; i < vcx.size(); ++i) a += double(vcx[i]) * vy[i];
  for (size_t i = 0; i < vx.size(); ++i) b += double(vx[i]) * vty[i];
  EXPECT_NEAR(a, b, 1e-4 * std::fabs(a) + 1e-4);
}

TEST(ConvTranspose2d, ErrorsNameShapesAndExpectation) {
  Tensor x = Tensor::zeros({2, 3, 5, 3});
  std::string m = error_of([&] { conv_transpose2d(x, Tensor::zeros({4, 2, 3, 3}), Tensor()); });
  EXPECT_NE(m.find("conv_transpose2d"), std::string::npos) << m;
  EXPECT_NE(m.find("[2, 3, 5, 3]"), std::string::npos) << m;
  EXPECT_NE(m.find("[4, 2, 3, 3]"), std::string::npos) << m;
  m = error_of([&] { conv_transpose2d(x, Tensor::zeros({3, 2, 3, 3}), Tensor(), ConvParams::make(1, 0, 1, 2)); });
  EXPECT_NE(m.find("groups"), std::string::npos) << m;
  m = error_of([&] { conv_transpose2d(x, Tensor::zeros({3, 2, 3}), Tensor()); });
  EXPECT_NE(m.find("[3, 2, 3]"), std::string::npos) << m;
  ConvParams p = ConvParams::make(2, 1);
  p.output_padding_h = 2;  // must be < stride (2) or < dilation (1)
  m = error_of([&] { conv_transpose2d(x, Tensor::zeros({3, 2, 3, 3}), Tensor(), p); });
  EXPECT_NE(m.find("output_padding"), std::string::npos) << m;
  // empty output: (1 - 1) * 1 - 2 * 1 + 0 + 1 = -1
  m = error_of([&] {
    conv_transpose2d(Tensor::zeros({1, 1, 1, 1}), Tensor::zeros({1, 1, 1, 1}), Tensor(), ConvParams::make(1, 1));
  });
  EXPECT_NE(m.find("must be positive"), std::string::npos) << m;
  m = error_of([&] { conv_transpose2d(x, Tensor::zeros({3, 2, 3, 3}), Tensor::zeros({3})); });
  EXPECT_NE(m.find("bias [3]"), std::string::npos) << m;
}
