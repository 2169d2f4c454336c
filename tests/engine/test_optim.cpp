// Tests of the optimizers (SGD, Adam, AdamW) and clip_grad_norm: parameter
// trajectories and final states against PyTorch (tests/fixtures/optim), state
// round trips, skipped parameters, argument checks, and convergence on a small
// least-squares problem.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/dispatch.h"
#include "engine/error.h"
#include "engine/optim.h"
#include "engine/rng.h"
#include "engine/schedule.h"
#include "engine/tensor.h"
#include "support/text_fixture.h"

using namespace upres;
using upres::testing::all_close;
using upres::testing::record;

namespace {

constexpr const char* kFixture = "tests/fixtures/optim/optim.txt";
constexpr int kSteps = 5;
// PyTorch's float arithmetic is reproduced to about an ulp; the absolute term
// (relative to the tensor's largest element) covers ulp-level differences that
// cancellation in a momentum buffer magnifies in its small elements.
constexpr double kRtol = 1e-6, kAtol = 1e-7;
double scale_of(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

const upres::testing::TextFixture& fixture() {
  static const upres::testing::TextFixture f = upres::testing::load_text_fixture(kFixture);
  return f;
}

std::vector<float> to_float(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }

// The two parameters of the fixture, fresh from their initial values: p0 [2, 3], p1 [5].
std::vector<Tensor> fixture_params() {
  const auto& f = fixture();
  std::vector<Tensor> ps = {Tensor::from_vector({2, 3}, to_float(record(f, "init.p0"))),
                            Tensor::from_vector({5}, to_float(record(f, "init.p1")))};
  for (Tensor& p : ps) p.set_requires_grad();
  return ps;
}

// Sets the fixture's gradients of step t (leaving a parameter without one where the fixture has none).
void set_fixture_grads(std::vector<Tensor>& ps, int t) {
  const auto& f = fixture();
  for (size_t j = 0; j < ps.size(); ++j) {
    auto it = f.find("grad.s" + std::to_string(t) + ".p" + std::to_string(j));
    if (it != f.end()) ps[j].set_grad(Tensor::from_vector(ps[j].shape(), to_float(it->second)));
  }
}

using Make = std::function<std::unique_ptr<Optimizer>(std::vector<Tensor>)>;
struct Case {
  const char* name;  // as in make_optim_fixture.py
  Make make;
};

SGDOptions sgd(double lr, double momentum = 0, double dampening = 0, double wd = 0, bool nesterov = false) {
  SGDOptions o;
  o.lr = lr, o.momentum = momentum, o.dampening = dampening, o.weight_decay = wd, o.nesterov = nesterov;
  return o;
}
AdamOptions adam(double lr, double b1 = 0.9, double b2 = 0.999, double eps = 1e-8, double wd = 0) {
  AdamOptions o;
  o.lr = lr, o.beta1 = b1, o.beta2 = b2, o.eps = eps, o.weight_decay = wd;
  return o;
}
template <typename O, typename Opt>
Make maker(Opt o) {
  return [o](std::vector<Tensor> ps) { return std::unique_ptr<Optimizer>(new O(std::move(ps), o)); };
}

const std::vector<Case>& sgd_cases() {
  static const std::vector<Case> c = {
      {"sgd_plain", maker<SGD>(sgd(0.1))},
      {"sgd_momentum", maker<SGD>(sgd(0.1, 0.9))},
      {"sgd_dampening", maker<SGD>(sgd(0.05, 0.8, 0.3))},
      {"sgd_nesterov", maker<SGD>(sgd(0.1, 0.9, 0, 0, true))},
      {"sgd_weight_decay", maker<SGD>(sgd(0.1, 0.5, 0, 0.01))},
  };
  return c;
}
const std::vector<Case>& adam_cases() {
  static const std::vector<Case> c = {
      {"adam", maker<Adam>(adam(0.01))},
      {"adam_weight_decay", maker<Adam>(adam(0.01, 0.8, 0.99, 1e-6, 0.1))},
      {"adam_low_beta", maker<Adam>(adam(0.02, 0.3, 0.5, 1e-3))},  // lerp weight >= 0.5 branch
      {"adamw", maker<AdamW>(adam(0.01, 0.9, 0.999, 1e-8, 0.05))},
  };
  return c;
}

// Runs the fixture's 5 steps and compares every parameter after every step, and the final state.
void check_against_pytorch(const Case& c) {
  SCOPED_TRACE(c.name);
  const auto& f = fixture();
  std::vector<Tensor> ps = fixture_params();
  std::unique_ptr<Optimizer> opt = c.make(ps);
  for (int t = 0; t < kSteps; ++t) {
    opt->zero_grad();
    set_fixture_grads(ps, t);
    opt->step();
    for (size_t j = 0; j < ps.size(); ++j) {
      const std::string key = std::string(c.name) + ".s" + std::to_string(t) + ".p" + std::to_string(j);
      const auto& expected = record(f, key);
      EXPECT_TRUE(all_close(ps[j].to_vector(), expected, kRtol, kAtol + kRtol * scale_of(expected))) << key;
    }
  }
  // Final state: every state tensor PyTorch has, we have, with the same values; and no others.
  OptimizerState s = opt->state_dict();
  size_t expected_count = 0;
  for (size_t j = 0; j < ps.size(); ++j) {
    const std::string prefix = std::string(c.name) + ".state.p" + std::to_string(j) + ".";
    for (const auto& [key, values] : f) {
      if (key.rfind(prefix, 0) != 0) continue;
      ++expected_count;
      const std::string ours = "state." + std::to_string(j) + "." + key.substr(prefix.size());
      auto it = s.tensors.find(ours);
      ASSERT_NE(it, s.tensors.end()) << "state_dict lacks " << ours;
      EXPECT_TRUE(all_close(it->second.to_vector(), values, kRtol, kAtol + kRtol * scale_of(values))) << ours;
    }
  }
  EXPECT_EQ(s.tensors.size(), expected_count);
}

}  // namespace

TEST(SGD, MatchesPyTorchPlainMomentumDampeningNesterovWeightDecay) {
  for (const Case& c : sgd_cases()) check_against_pytorch(c);
}

TEST(Adam, MatchesPyTorchIncludingL2WeightDecayAndLowBeta) {
  for (const Case& c : adam_cases())
    if (std::string(c.name) != "adamw") check_against_pytorch(c);
}

TEST(AdamW, MatchesPyTorchDecoupledWeightDecay) { check_against_pytorch(adam_cases().back()); }

TEST(Adam, SkippedParameterKeepsItsOwnStepCount) {
  // p1 has no gradient at step 2 of the fixture, so after 5 steps it was updated 4 times.
  std::vector<Tensor> ps = fixture_params();
  Adam opt(ps, adam(0.01));
  for (int t = 0; t < kSteps; ++t) {
    opt.zero_grad();
    set_fixture_grads(ps, t);
    opt.step();
  }
  EXPECT_EQ(opt.step_count(0), 5);
  EXPECT_EQ(opt.step_count(1), 4);
}

TEST(OptimizerStateDict, RoundTripContinuesIdentically) {
  std::vector<Case> all = sgd_cases();
  for (const Case& c : adam_cases()) all.push_back(c);
  for (const Case& c : all) {
    SCOPED_TRACE(c.name);
    // Run A: 5 steps straight. Run B: 2 steps, checkpoint, a fresh optimizer over
    // fresh copies of the parameters loads the checkpoint, 3 more steps.
    std::vector<Tensor> a = fixture_params();
    std::unique_ptr<Optimizer> oa = c.make(a);
    std::vector<Tensor> b = fixture_params();
    std::unique_ptr<Optimizer> ob = c.make(b);
    OptimizerState saved;
    std::vector<Tensor> saved_params;
    for (int t = 0; t < kSteps; ++t) {
      oa->zero_grad();
      set_fixture_grads(a, t);
      oa->step();
      if (t < 2) {
        ob->zero_grad();
        set_fixture_grads(b, t);
        ob->step();
      }
      if (t == 1) {
        saved = ob->state_dict();
        for (const Tensor& p : b) saved_params.push_back(p.clone());
        // Mutating the optimizer after the snapshot must not alter the snapshot.
        ob->zero_grad();
        set_fixture_grads(b, 2);
        ob->step();
      }
    }
    std::vector<Tensor> r;
    for (const Tensor& p : saved_params) r.push_back(p.clone().set_requires_grad());
    SGDOptions other_sgd = sgd(0.7);  // different hyperparameters: load must restore them
    std::unique_ptr<Optimizer> resumed = saved.type == "SGD" ? maker<SGD>(other_sgd)(r)
                                         : saved.type == "Adam" ? maker<Adam>(adam(0.5))(r)
                                                                : maker<AdamW>(adam(0.5))(r);
    resumed->load_state_dict(saved);
    for (int t = 2; t < kSteps; ++t) {
      resumed->zero_grad();
      set_fixture_grads(r, t);
      resumed->step();
    }
    for (size_t j = 0; j < a.size(); ++j) EXPECT_EQ(r[j].to_vector(), a[j].to_vector()) << "param " << j;
    EXPECT_EQ(resumed->lr(), oa->lr());
  }
}

TEST(Optimizer, ParamsWithoutGradAreUntouched) {
  Rng rng(3);
  Tensor used = Tensor::uniform({3, 4}, -1, 1, rng).set_requires_grad();
  Tensor unused = Tensor::uniform({7}, -1, 1, rng).set_requires_grad();
  Tensor frozen = Tensor::uniform({2}, -1, 1, rng);  // requires no grad at all
  const auto before_unused = unused.to_vector(), before_frozen = frozen.to_vector();
  std::vector<std::unique_ptr<Optimizer>> opts;
  opts.emplace_back(new SGD({used, unused, frozen}, sgd(0.1, 0.9, 0, 0.1)));
  opts.emplace_back(new Adam({used, unused, frozen}, adam(0.1, 0.9, 0.999, 1e-8, 0.1)));
  opts.emplace_back(new AdamW({used, unused, frozen}, adam(0.1, 0.9, 0.999, 1e-8, 0.1)));
  for (auto& opt : opts) {
    const auto before_used = used.to_vector();
    for (int t = 0; t < 3; ++t) {
      opt->zero_grad();
      used.set_grad(Tensor::full({3, 4}, 0.5f));
      opt->step();
    }
    EXPECT_NE(used.to_vector(), before_used) << opt->type();
    EXPECT_EQ(unused.to_vector(), before_unused) << opt->type();  // not even weight decay
    EXPECT_EQ(frozen.to_vector(), before_frozen) << opt->type();
    OptimizerState s = opt->state_dict();
    for (const auto& kv : s.tensors) EXPECT_EQ(kv.first.rfind("state.0.", 0), 0u) << kv.first;
  }
  // zero_grad drops gradients (set_to_none, PyTorch's default).
  opts.back()->zero_grad();
  EXPECT_FALSE(used.grad().defined());
}

TEST(ClipGradNorm, MatchesPyTorchL2L1InfAndP3) {
  const auto& f = fixture();
  const auto g0 = to_float(record(f, "clip.g0")), g1 = to_float(record(f, "clip.g1"));
  for (const char* name : {"l2_clip", "l2_noclip", "l1_clip", "inf_clip", "l3_clip"}) {
    SCOPED_TRACE(name);
    const std::vector<double>& rec = record(f, std::string("clip.") + name);
    ASSERT_EQ(rec.size(), 3 + g0.size() + g1.size());
    Tensor p0 = Tensor::zeros({3, 4}).set_requires_grad(), p1 = Tensor::zeros({7}).set_requires_grad();
    Tensor none = Tensor::zeros({2}).set_requires_grad();  // no gradient: ignored
    p0.set_grad(Tensor::from_vector({3, 4}, g0));
    p1.set_grad(Tensor::from_vector({7}, g1));
    const double total = clip_grad_norm({p0, none, p1}, rec[0], rec[1]);
    EXPECT_NEAR(total, rec[2], 1e-6 * rec[2]);
    EXPECT_TRUE(all_close(p0.grad().to_vector(), {rec.begin() + 3, rec.begin() + 3 + 12}, kRtol, kAtol));
    EXPECT_TRUE(all_close(p1.grad().to_vector(), {rec.begin() + 15, rec.end()}, kRtol, kAtol));
  }
}

TEST(ClipGradNorm, ReturnsTotalNormAndLeavesSmallGradientsBitExact) {
  // Naive reference: the 2-norm of all gradient elements, concatenated.
  Rng rng(11);
  Tensor a = Tensor::zeros({13, 5, 7}).set_requires_grad(), b = Tensor::zeros({1}).set_requires_grad();
  a.set_grad(Tensor::uniform({13, 5, 7}, -1, 1, rng));
  b.set_grad(Tensor::from_vector({1}, {3.0f}));
  double ss = 0;
  for (float v : a.grad().to_vector()) ss += double(v) * v;
  ss += 9.0;
  const auto ga = a.grad().to_vector();
  EXPECT_NEAR(clip_grad_norm({a, b}, 1e9), std::sqrt(ss), 1e-6 * std::sqrt(ss));
  EXPECT_EQ(a.grad().to_vector(), ga);  // coefficient >= 1: untouched
  EXPECT_NEAR(grad_norm({a, b}, INFINITY), 3.0, 0.0);
  // After clipping to 1, the norm is 1 (up to the 1e-6 guard).
  clip_grad_norm({a, b}, 1.0);
  EXPECT_NEAR(grad_norm({a, b}), 1.0, 1e-5);
  // No gradients at all: the norm is 0.
  Tensor c = Tensor::zeros({4}).set_requires_grad();
  EXPECT_EQ(clip_grad_norm({c}, 1.0), 0.0);
  // A NaN gradient gives a NaN norm, or throws when asked to.
  c.set_grad(Tensor::from_vector({4}, {1.f, NAN, 2.f, 0.f}));
  EXPECT_TRUE(std::isnan(grad_norm({c})));
  EXPECT_TRUE(std::isnan(grad_norm({c}, INFINITY)));
  EXPECT_THROW(clip_grad_norm({c}, 1.0, 2.0, /*error_if_nonfinite=*/true), Error);
}

TEST(Optimizer, BadArgumentsThrow) {
  auto ps = [] { return std::vector<Tensor>{Tensor::zeros({3}).set_requires_grad()}; };
  EXPECT_THROW(SGD(ps(), sgd(-0.1)), Error);
  EXPECT_THROW(SGD(ps(), sgd(NAN)), Error);
  EXPECT_THROW(SGD(ps(), sgd(0.1, -0.5)), Error);
  EXPECT_THROW(SGD(ps(), sgd(0.1, 0.9, 0, -1e-4)), Error);
  EXPECT_THROW(SGD(ps(), sgd(0.1, 0.0, 0, 0, true)), Error);  // nesterov without momentum
  EXPECT_THROW(SGD(ps(), sgd(0.1, 0.9, 0.1, 0, true)), Error);  // nesterov with dampening
  EXPECT_THROW(SGD({}, sgd(0.1)), Error);
  Tensor p = Tensor::zeros({3}).set_requires_grad();
  EXPECT_THROW(SGD({p, p}, sgd(0.1)), Error);
  EXPECT_THROW(Adam(ps(), adam(-1e-3)), Error);
  EXPECT_THROW(Adam(ps(), adam(1e-3, 1.0)), Error);
  EXPECT_THROW(Adam(ps(), adam(1e-3, -0.1)), Error);
  EXPECT_THROW(Adam(ps(), adam(1e-3, 0.9, 1.0)), Error);
  EXPECT_THROW(AdamW(ps(), adam(1e-3, 0.9, 1.5)), Error);
  EXPECT_THROW(Adam(ps(), adam(1e-3, 0.9, 0.999, -1e-8)), Error);
  EXPECT_THROW(AdamW(ps(), adam(1e-3, 0.9, 0.999, 1e-8, -0.01)), Error);
  Adam opt(ps(), adam(1e-3));
  EXPECT_THROW(opt.set_lr(-1.0), Error);
  EXPECT_EQ(opt.lr(), 1e-3);
  // clip_grad_norm arguments.
  EXPECT_THROW(clip_grad_norm(opt.params(), -1.0), Error);
  EXPECT_THROW(clip_grad_norm(opt.params(), 1.0, 0.0), Error);
  EXPECT_THROW(clip_grad_norm(opt.params(), 1.0, -2.0), Error);
}

TEST(OptimizerStateDict, LoadRejectsMismatchesWithoutChangingState) {
  std::vector<Tensor> ps = {Tensor::zeros({2, 3}).set_requires_grad(), Tensor::zeros({5}).set_requires_grad()};
  Adam opt(ps, adam(1e-2));
  ps[0].set_grad(Tensor::ones({2, 3}));
  opt.step();
  const OptimizerState good = opt.state_dict();
  auto broken = [&](const std::function<void(OptimizerState&)>& edit) {
    OptimizerState s = good;
    edit(s);
    return s;
  };
  SGD sgd_opt(ps, sgd(0.1, 0.9));
  EXPECT_THROW(sgd_opt.load_state_dict(good), Error);  // wrong optimizer type
  EXPECT_THROW(opt.load_state_dict(broken([](OptimizerState& s) {
                 s.tensors["state.0.exp_avg"] = Tensor::zeros({6});
               })),
               Error);  // shape differs from the parameter's
  EXPECT_THROW(opt.load_state_dict(broken([](OptimizerState& s) {
                 s.tensors["state.2.exp_avg"] = Tensor::zeros({5});
               })),
               Error);  // no parameter 2
  EXPECT_THROW(opt.load_state_dict(broken([](OptimizerState& s) {
                 s.tensors["state.1.momentum_buffer"] = Tensor::zeros({5});
               })),
               Error);  // not an Adam state
  EXPECT_THROW(opt.load_state_dict(broken([](OptimizerState& s) { s.tensors["exp_avg"] = Tensor::zeros({5}); })),
               Error);
  EXPECT_THROW(opt.load_state_dict(broken([](OptimizerState& s) { s.scalars["beta1"] = 1.0; })), Error);
  EXPECT_THROW(opt.load_state_dict(broken([](OptimizerState& s) { s.scalars["gamma"] = 1.0; })), Error);
  EXPECT_THROW(opt.load_state_dict(broken([](OptimizerState& s) {
                 s.tensors["state.0.step"] = Tensor::scalar(1.5f);
               })),
               Error);
  // After all those refusals the optimizer still holds the good state.
  OptimizerState now = opt.state_dict();
  EXPECT_EQ(now.scalars, good.scalars);
  ASSERT_EQ(now.tensors.size(), good.tensors.size());
  for (const auto& [k, t] : good.tensors) EXPECT_EQ(now.tensors.at(k).to_vector(), t.to_vector()) << k;
  EXPECT_EQ(opt.step_count(0), 1);
}

// Minimise f(x) = |A x - b|^2 / (2 m) for a fixed well-conditioned A (20 x 4);
// the gradient A^T (A x - b) / m is computed here by plain loops.
TEST(Optimizer, LeastSquaresConvergesWithEachOptimizer) {
  const int m = 20, n = 4;
  Rng rng(7);
  std::vector<double> A(m * n), x_true = {1.5, -2.0, 0.25, 3.0}, b(m);
  for (double& v : A) v = rng.uniform(-1.0f, 1.0f);
  for (int i = 0; i < m; ++i) {
    b[i] = 0;
    for (int j = 0; j < n; ++j) b[i] += A[i * n + j] * x_true[j];
  }
  auto grad = [&](const std::vector<float>& x) {
    std::vector<float> g(n, 0.f);
    for (int i = 0; i < m; ++i) {
      double r = -b[i];
      for (int j = 0; j < n; ++j) r += A[i * n + j] * x[j];
      for (int j = 0; j < n; ++j) g[j] += static_cast<float>(A[i * n + j] * r / m);
    }
    return g;
  };
  struct Run {
    const char* name;
    Make make;
    double lr;
    double tol;  // max |x - x_true|
  };
  const std::vector<Run> runs = {
      {"SGD", maker<SGD>(sgd(0.5)), 0.5, 1e-3},
      {"SGD momentum", maker<SGD>(sgd(0.1, 0.9)), 0.1, 1e-3},
      {"SGD nesterov", maker<SGD>(sgd(0.1, 0.9, 0, 0, true)), 0.1, 1e-3},
      {"Adam", maker<Adam>(adam(0.05)), 0.05, 1e-3},
      {"AdamW", maker<AdamW>(adam(0.05, 0.9, 0.999, 1e-8, 1e-4)), 0.05, 1e-2},  // decay biases x a little
  };
  const int steps = 1500;
  for (const Run& run : runs) {
    SCOPED_TRACE(run.name);
    Tensor x = Tensor::zeros({n}).set_requires_grad();
    std::unique_ptr<Optimizer> opt = run.make({x});
    CosineAnnealingLR sched(run.lr, steps);  // anneal to 0 so adaptive methods settle
    for (int s = 0; s < steps; ++s) {
      opt->set_lr(sched.lr_at(s));
      opt->zero_grad();
      x.set_grad(Tensor::from_vector({n}, grad(x.to_vector())));
      opt->step();
    }
    const auto xv = x.to_vector();
    for (int j = 0; j < n; ++j) EXPECT_NEAR(xv[j], x_true[j], run.tol) << "x[" << j << "]";
  }
}

TEST(ClipGradNorm, LargeGradientsMatchNaiveLoopForAnyThreadCount) {
  // 5 x 8192 + 17 elements: several reduction blocks, so threads really split the work.
  Rng rng(5);
  const int64_t n = 5 * 8192 + 17;
  Tensor p = Tensor::zeros({n}).set_requires_grad();
  p.set_grad(Tensor::uniform({n}, -2, 2, rng));
  const auto g = p.grad().to_vector();
  double ss = 0, s3 = 0, mx = 0;
  for (float v : g) {
    ss += double(v) * v;
    s3 += std::pow(std::fabs(double(v)), 3.0);
    mx = std::max(mx, std::fabs(double(v)));
  }
  std::vector<double> norms[2];
  for (int threads : {1, 2}) {
    set_cpu_threads(threads);
    norms[threads - 1] = {grad_norm({p}), grad_norm({p}, 3.0), grad_norm({p}, INFINITY)};
  }
  set_cpu_threads(0);
  EXPECT_EQ(norms[0], norms[1]);  // fixed blocks: the same sums in the same order
  EXPECT_NEAR(norms[0][0], std::sqrt(ss), 1e-6 * std::sqrt(ss));
  EXPECT_NEAR(norms[0][1], std::cbrt(s3), 1e-6 * std::cbrt(s3));
  EXPECT_EQ(norms[0][2], mx);
}
