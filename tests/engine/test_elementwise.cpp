// Tests of the elementwise ops: broadcasting binary ops against a naive
// index-by-index loop, scalar ops and pointwise maths against std:: formulas,
// sum_to/expand, and finite-difference gradients for every operand.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "engine/dispatch.h"
#include "engine/error.h"
#include "engine/ops.h"
#include "support/gradcheck.h"

using namespace upres;
using upres::testing::gradcheck;
using upres::testing::rand_input;

namespace {

// Value of `t` (shape ts) at output multi-index idx of rank r, NumPy broadcasting.
float at_broadcast(const std::vector<float>& t, const Shape& ts, const std::vector<int64_t>& idx) {
  const size_t r = idx.size(), lead = r - ts.size();
  int64_t off = 0;
  for (size_t d = 0; d < ts.size(); ++d) off = off * ts[d] + (ts[d] == 1 ? 0 : idx[lead + d]);
  return t[static_cast<size_t>(off)];
}

// Naive broadcast of f over a and b: walks the output index by index.
std::vector<float> naive_binary(const Tensor& a, const Tensor& b, const Shape& out,
                                const std::function<float(float, float)>& f) {
  auto va = a.to_vector(), vb = b.to_vector();
  std::vector<float> y;
  std::vector<int64_t> idx(out.size(), 0);
  for (int64_t i = 0; i < shape_numel(out); ++i) {
    int64_t rem = i;
    for (size_t d = out.size(); d-- > 0;) {
      idx[d] = rem % out[d];
      rem /= out[d];
    }
    y.push_back(f(at_broadcast(va, a.shape(), idx), at_broadcast(vb, b.shape(), idx)));
  }
  return y;
}

struct BroadcastCase {
  const char* name;
  Shape a, b, out;
};

// The broadcast table: same shape, scalar, channel vectors, per-pixel, per-column,
// both sides stretched, and a 1-channel input.
const std::vector<BroadcastCase>& table() {
  static const std::vector<BroadcastCase> t = {
      {"same", {2, 3, 7, 9}, {2, 3, 7, 9}, {2, 3, 7, 9}},
      {"scalar_b", {2, 13, 5, 3}, {}, {2, 13, 5, 3}},
      {"scalar_a", {}, {2, 3, 5, 3}, {2, 3, 5, 3}},
      {"vector_last_dim", {2, 5, 3, 13}, {13}, {2, 5, 3, 13}},  // NumPy: [C] aligns with the last dim
      {"channel_1c11", {2, 13, 5, 3}, {1, 13, 1, 1}, {2, 13, 5, 3}},
      {"channel_c11", {2, 3, 7, 9}, {3, 1, 1}, {2, 3, 7, 9}},
      {"per_pixel_n1hw", {2, 3, 7, 9}, {2, 1, 7, 9}, {2, 3, 7, 9}},
      {"per_column_111w", {2, 3, 5, 3}, {1, 1, 1, 3}, {2, 3, 5, 3}},
      {"both_stretched", {2, 1, 7, 1}, {1, 3, 1, 9}, {2, 3, 7, 9}},
      {"one_channel", {2, 1, 7, 9}, {1, 1, 7, 9}, {2, 1, 7, 9}},
      {"lower_rank_a", {7, 9}, {2, 3, 7, 9}, {2, 3, 7, 9}},
      {"size_one_everywhere", {1, 1, 1}, {1}, {1, 1, 1}},
  };
  return t;
}

struct OpCase {
  const char* name;
  std::function<Tensor(const Tensor&, const Tensor&)> op;
  std::function<float(float, float)> ref;
};

const std::vector<OpCase>& ops() {
  static const std::vector<OpCase> o = {
      {"add", [](const Tensor& a, const Tensor& b) { return a + b; }, [](float x, float y) { return x + y; }},
      {"sub", [](const Tensor& a, const Tensor& b) { return a - b; }, [](float x, float y) { return x - y; }},
      {"mul", [](const Tensor& a, const Tensor& b) { return a * b; }, [](float x, float y) { return x * y; }},
      {"div", [](const Tensor& a, const Tensor& b) { return a / b; }, [](float x, float y) { return x / y; }},
  };
  return o;
}

}  // namespace

TEST(Broadcast, ShapeTable) {
  for (const auto& c : table()) EXPECT_EQ(broadcast_shape("test", c.a, c.b), c.out) << c.name;
}

TEST(Broadcast, MismatchedShapesThrowNamingBoth) {
  Tensor a = Tensor::zeros({2, 3, 5, 7}), b = Tensor::zeros({2, 4, 1, 1});
  try {
    add(a, b);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("add"), std::string::npos) << m;
    EXPECT_NE(m.find("[2, 3, 5, 7]"), std::string::npos) << m;
    EXPECT_NE(m.find("[2, 4, 1, 1]"), std::string::npos) << m;
  }
  EXPECT_THROW(mul(Tensor::zeros({3}), Tensor::zeros({4})), Error);
  EXPECT_THROW(div(Tensor::zeros({2, 3, 7, 9}), Tensor::zeros({3})), Error);  // [C] meets W, not C
}

// Every op of the table, values against the naive broadcast loop (exact: one
// float operation per element in both).
TEST(BinaryOps, ValuesMatchNaiveBroadcastTable) {
  Rng rng(7);
  for (const auto& c : table()) {
    Tensor a = Tensor::uniform(c.a, -2.0f, 2.0f, rng);
    Tensor b = Tensor::uniform(c.b, 0.5f, 2.0f, rng);
    for (const auto& o : ops()) {
      Tensor y = o.op(a, b);
      EXPECT_EQ(y.shape(), c.out) << o.name << " " << c.name;
      EXPECT_EQ(y.to_vector(), naive_binary(a, b, c.out, o.ref)) << o.name << " " << c.name;
    }
  }
}

// Large enough that the threaded walker splits rows across chunks (several threads).
TEST(BinaryOps, ValuesMatchNaiveOnLargeThreadedShapes) {
  Rng rng(8);
  set_cpu_threads(3);
  for (auto [sa, sb] : {std::pair<Shape, Shape>{{2, 16, 61, 67}, {1, 16, 1, 1}},
                        std::pair<Shape, Shape>{{2, 16, 61, 67}, {1, 1, 1, 67}},
                        std::pair<Shape, Shape>{{2, 16, 61, 67}, {2, 16, 61, 67}},
                        std::pair<Shape, Shape>{{2, 1, 61, 67}, {1, 16, 61, 1}}}) {
    Tensor a = Tensor::uniform(sa, -1.0f, 1.0f, rng), b = Tensor::uniform(sb, 0.5f, 1.5f, rng);
    Shape out = broadcast_shape("test", sa, sb);
    EXPECT_EQ(mul(a, b).to_vector(), naive_binary(a, b, out, [](float x, float y) { return x * y; }))
        << to_string(sa) << " * " << to_string(sb);
    EXPECT_EQ(sub(b, a).to_vector(), naive_binary(b, a, out, [](float x, float y) { return x - y; }));
  }
  set_cpu_threads(0);
}

TEST(BinaryOps, GradientBothOperandsBroadcastTable) {
  Rng rng(9);
  for (const auto& c : table()) {
    for (const auto& o : ops()) {
      Tensor a = rand_input(c.a, rng, -1.0f, 1.0f);
      Tensor b = rand_input(c.b, rng, 0.5f, 1.5f);  // away from 0 for div
      auto f = [&o](const std::vector<Tensor>& in) { return o.op(in[0], in[1]); };
      EXPECT_TRUE(gradcheck(f, {a, b})) << o.name << " " << c.name;
    }
  }
}

TEST(BinaryOps, GradientOnlyOneOperandRequiresGrad) {
  Rng rng(10);
  Tensor a = rand_input({2, 3, 5, 3}, rng);
  Tensor b = rand_input({3, 1, 1}, rng, 0.5f, 1.5f, /*grad=*/false);
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return in[0] / in[1]; }, {a, b}));
  EXPECT_FALSE(b.grad().defined());
  Tensor y = mul(b, b);  // no input requires grad: no graph
  EXPECT_FALSE(y.requires_grad());
}

TEST(BinaryOps, SameTensorBothOperands) {
  Rng rng(11);
  Tensor a = rand_input({1, 13, 7, 9}, rng);
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return in[0] * in[0]; }, {a}));
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return in[0] - in[0] * 2.0f; }, {a}));
}

TEST(SumTo, ValuesMatchNaiveAndGradient) {
  Rng rng(12);
  const Shape from = {2, 3, 7, 9};
  for (Shape to : {Shape{3, 1, 1}, Shape{1, 1, 1, 9}, Shape{9}, Shape{}, Shape{2, 1, 7, 1},
                   Shape{1, 3, 7, 9}, Shape{2, 3, 7, 9}}) {
    Tensor g = Tensor::uniform(from, -1.0f, 1.0f, rng);
    Tensor s = sum_to(g, to);
    ASSERT_EQ(s.shape(), to);
    // Naive: every source element adds into the target element it broadcast from.
    std::vector<double> ref(static_cast<size_t>(shape_numel(to)), 0.0);
    auto gv = g.to_vector();
    const size_t lead = from.size() - to.size();
    for (int64_t i = 0; i < g.numel(); ++i) {
      int64_t rem = i, off = 0, mul_ = 1;
      for (size_t d = from.size(); d-- > 0;) {
        int64_t id = rem % from[d];
        rem /= from[d];
        if (d >= lead) {
          int64_t sz = to[d - lead];
          off += (sz == 1 ? 0 : id) * mul_;
          mul_ *= sz;
        }
      }
      ref[static_cast<size_t>(off)] += gv[static_cast<size_t>(i)];
    }
    auto sv = s.to_vector();
    for (size_t k = 0; k < sv.size(); ++k) EXPECT_NEAR(sv[k], ref[k], 1e-5) << to_string(to);
    Tensor x = rand_input(from, rng);
    EXPECT_TRUE(gradcheck([to](const std::vector<Tensor>& in) { return sum_to(in[0], to); }, {x}))
        << to_string(to);
  }
  EXPECT_THROW(sum_to(Tensor::zeros({2, 3}), {4}), Error);
  EXPECT_THROW(sum_to(Tensor::zeros({3}), {2, 3}), Error);
}

TEST(Expand, ValuesAndGradient) {
  Rng rng(13);
  Tensor x = rand_input({3, 1, 1}, rng);
  Tensor y = expand(x, {2, 3, 5, 3});
  auto xv = x.to_vector(), yv = y.to_vector();
  for (int64_t i = 0; i < y.numel(); ++i) EXPECT_EQ(yv[i], xv[(i / 15) % 3]);
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return expand(in[0], {2, 3, 5, 3}); }, {x}));
  EXPECT_THROW(expand(Tensor::zeros({2, 3}), {3, 3}), Error);
}

// ---- tensor-scalar ops --------------------------------------------------------------

TEST(ScalarOps, ValuesAndGradients) {
  Rng rng(14);
  struct C {
    const char* name;
    std::function<Tensor(const Tensor&)> op;
    std::function<float(float)> ref;
  };
  const float s = 1.75f;
  std::vector<C> cases = {
      {"add", [s](const Tensor& a) { return a + s; }, [s](float v) { return v + s; }},
      {"sub", [s](const Tensor& a) { return a - s; }, [s](float v) { return v - s; }},
      {"rsub", [s](const Tensor& a) { return rsub(s, a); }, [s](float v) { return s - v; }},
      {"mul", [s](const Tensor& a) { return s * a; }, [s](float v) { return v * s; }},
      {"div", [s](const Tensor& a) { return a / s; }, [s](float v) { return v / s; }},
      {"neg", [](const Tensor& a) { return -a; }, [](float v) { return -v; }},
  };
  for (const auto& c : cases) {
    for (Shape sh : {Shape{1, 1, 7, 9}, Shape{2, 13, 5, 3}, Shape{}}) {
      Tensor x = rand_input(sh, rng);
      auto xv = x.to_vector(), yv = c.op(x).to_vector();
      for (size_t i = 0; i < xv.size(); ++i) EXPECT_EQ(yv[i], c.ref(xv[i])) << c.name;
      EXPECT_TRUE(gradcheck([&c](const std::vector<Tensor>& in) { return c.op(in[0]); }, {x})) << c.name;
    }
  }
}

// ---- pointwise maths ----------------------------------------------------------------

TEST(UnaryMath, ValuesMatchStdFormulas) {
  std::vector<float> pos = {0.25f, 0.5f, 1.0f, 2.0f, 3.5f, 100.0f};
  std::vector<float> any = {-3.0f, -1.5f, -0.0f, 0.0f, 0.75f, 2.5f};
  Tensor p = Tensor::from_vector({6}, pos), a = Tensor::from_vector({2, 3}, any);
  auto check = [](const Tensor& y, const std::vector<float>& x, float (*f)(float), const char* name) {
    auto yv = y.to_vector();
    for (size_t i = 0; i < x.size(); ++i) EXPECT_FLOAT_EQ(yv[i], f(x[i])) << name << " at " << x[i];
  };
  check(sqrt(p), pos, [](float v) { return std::sqrt(v); }, "sqrt");
  check(log(p), pos, [](float v) { return std::log(v); }, "log");
  check(exp(a), any, [](float v) { return std::exp(v); }, "exp");
  check(square(a), any, [](float v) { return v * v; }, "square");
  check(abs(a), any, [](float v) { return std::fabs(v); }, "abs");
  check(pow(p, 2.5f), pos, [](float v) { return std::pow(v, 2.5f); }, "pow 2.5");
  check(pow(a, 3.0f), any, [](float v) { return std::pow(v, 3.0f); }, "pow 3");
  check(clamp(a, -1.0f, 1.0f), any, [](float v) { return std::min(1.0f, std::max(-1.0f, v)); }, "clamp");
  EXPECT_THROW(clamp(a, 1.0f, -1.0f), Error);
}

TEST(UnaryMath, GradientsMatchFiniteDifferences) {
  Rng rng(15);
  struct C {
    const char* name;
    std::function<Tensor(const Tensor&)> op;
    float lo, hi;
  };
  std::vector<C> cases = {
      {"neg", [](const Tensor& a) { return neg(a); }, -1.0f, 1.0f},
      {"square", [](const Tensor& a) { return square(a); }, -1.0f, 1.0f},
      {"sqrt", [](const Tensor& a) { return sqrt(a); }, 0.5f, 2.0f},
      {"pow_2.5", [](const Tensor& a) { return pow(a, 2.5f); }, 0.5f, 2.0f},
      {"pow_-1.5", [](const Tensor& a) { return pow(a, -1.5f); }, 0.5f, 2.0f},
      {"pow_3_negative_inputs", [](const Tensor& a) { return pow(a, 3.0f); }, -1.5f, 1.5f},
      {"pow_0", [](const Tensor& a) { return pow(a, 0.0f); }, -1.0f, 1.0f},
      {"exp", [](const Tensor& a) { return exp(a); }, -1.0f, 1.0f},
      {"log", [](const Tensor& a) { return log(a); }, 0.5f, 2.0f},
      {"abs", [](const Tensor& a) { return abs(a); }, -1.0f, 1.0f},
      {"clamp", [](const Tensor& a) { return clamp(a, -0.5f, 0.5f); }, -1.0f, 1.0f},
  };
  for (const auto& c : cases) {
    for (Shape sh : {Shape{1, 1, 7, 9}, Shape{2, 13, 5, 3}}) {
      Tensor x = rand_input(sh, rng, c.lo, c.hi);
      EXPECT_TRUE(gradcheck([&c](const std::vector<Tensor>& in) { return c.op(in[0]); }, {x})) << c.name;
    }
  }
}

// PyTorch's conventions at the kinks (checked against torch 2.x): d|x|/dx = 0 at
// 0; clamp with scalar bounds passes no gradient at the bounds themselves.
TEST(UnaryMath, GradientAtKinksFollowsPyTorch) {
  Tensor x = Tensor::from_vector({5}, {-1.0f, 0.0f, 0.5f, 1.0f, 2.0f}).set_requires_grad();
  sum(abs(x)).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{-1.0f, 0.0f, 1.0f, 1.0f, 1.0f}));
  x.zero_grad();
  sum(clamp(x, 0.0f, 1.0f)).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{0.0f, 0.0f, 1.0f, 0.0f, 0.0f}));
}
