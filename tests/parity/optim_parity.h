// optim_parity.h - parity checks for the optimizer kernels (kernels/cuda/optim) against the cpu
// kernels, shared by tests/parity (simt, every scheduling order) and tests/gpu (cuda); and the
// engine's optimizers, clip_grad_norm and a tiny conv net trained with Adam on a device vs cpu.
//
// Tolerances, and why:
//  - SGD (plain, L2, momentum, dampening, nesterov): float formulas whose multiply-adds are
//    explicit FMAs on both sides: bit for bit on simt (same compiler and formulas); on a GPU
//    against a cpu built without FMA, one rounding apart: rtol 2.5e-7 (2 ulp), atol 1e-7.
//  - Adam/AdamW: as SGD plus a sqrt and a divide, both IEEE-rounded on either side; a few ulp
//    over three steps: rtol 5e-7 (~4 ulp), atol 1e-7 (where m and v cancel near 0). On simt
//    both SGD and Adam were measured bit for bit (every order); the slack is for a GPU.
//  - sums for the norms: doubles added in another order, then rounded to float: equal but for
//    a tie: rtol 1e-6. max_abs and scale_in_place: bit for bit.
//  - the trained conv net: conv sums in another order (1e-5 in conv_parity.h) pass through 5
//    Adam steps, whose normalised step lr * m / sqrt(v) amplifies tiny gradient differences
//    only where v ~ 0: rtol 1e-5 on the weights, atol 1e-6.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/ops.h"
#include "engine/optim.h"
#include "engine/rng.h"
#include "kernels/cpu/optim.h"
#include "parity/parity.h"

namespace upres::testing::parity {

struct OptimKernels {
  decltype(&cpu::sgd_step) sgd_step;
  decltype(&cpu::adam_step) adam_step;
  decltype(&cpu::sum_squares) sum_squares;
  decltype(&cpu::sum_abs_pow) sum_abs_pow;
  decltype(&cpu::max_abs) max_abs;
  decltype(&cpu::scale_in_place) scale_in_place;
};

#define UPRES_OPTIM_KERNELS(ns)                                                                  \
  ::upres::testing::parity::OptimKernels {                                                       \
    &ns::sgd_step, &ns::adam_step, &ns::sum_squares, &ns::sum_abs_pow, &ns::max_abs, &ns::scale_in_place \
  }

// 1, a 7x9 plane, 13 channels x 7x9 x batch 2, and more than the cpu's 8192-element reduction
// block and several rounds of the 1024-thread norm block.
inline const std::vector<int64_t>& optim_sizes() {
  static const std::vector<int64_t> sizes = {1, 63, 2 * 13 * 7 * 9, 9001};
  return sizes;
}

struct SgdCase {
  const char* name;
  double lr, momentum, dampening, weight_decay;
  bool nesterov;
};
struct AdamCase {
  const char* name;
  double lr, beta1, beta2, eps, weight_decay;
  bool decoupled;
};

inline void check_sgd_kernel(const Backend& b, const OptimKernels& k) {
  const std::vector<SgdCase> cases = {{"sgd", 0.1, 0, 0, 0, false},
                                      {"sgd l2", 0.05, 0, 0, 0.01, false},
                                      {"momentum", 0.1, 0.9, 0, 0, false},
                                      {"momentum dampening l2", 0.03, 0.8, 0.3, 1e-3, false},
                                      {"nesterov l2", 0.07, 0.9, 0, 0.02, true}};
  const int steps = 3;
  for (const SgdCase& c : cases)
    for (int64_t n : optim_sizes()) {
      const auto p0 = random_values(n, 31);
      std::vector<std::vector<float>> grads;
      for (int s = 0; s < steps; ++s) grads.push_back(random_values(n, 32 + s));
      std::vector<float> p = p0, buf(n, 0.0f);
      for (int s = 0; s < steps; ++s)
        cpu::sgd_step(cpu_ctx(), n, p.data(), grads[s].data(), c.momentum != 0 ? buf.data() : nullptr, c.lr,
                      c.momentum, c.dampening, c.weight_decay, c.nesterov, s == 0);
      const std::string what = std::string(c.name) + " n=" + std::to_string(n);
      for_each_order(b, [&](const std::string& order) {
        Tensor tp = on(b, p0), tbuf = empty_on(b, n);  // NaN on simt: the first step must not read it
        for (int s = 0; s < steps; ++s) {
          Tensor tg = on(b, grads[s]);
          k.sgd_step(ctx(b), n, tp.data(), tg.data(), c.momentum != 0 ? tbuf.data() : nullptr, c.lr, c.momentum,
                     c.dampening, c.weight_decay, c.nesterov, s == 0);
        }
        expect_match(tp.to_vector(), p, 2.5e-7, 1e-7, what + " param " + order);
        if (c.momentum != 0) expect_match(tbuf.to_vector(), buf, 2.5e-7, 1e-7, what + " momentum " + order);
      });
    }
}

inline void check_adam_kernel(const Backend& b, const OptimKernels& k) {
  const std::vector<AdamCase> cases = {{"adam", 1e-2, 0.9, 0.999, 1e-8, 0, false},
                                       {"adam l2", 3e-3, 0.9, 0.99, 1e-6, 0.05, false},
                                       {"adamw", 1e-2, 0.9, 0.999, 1e-8, 0.1, true},
                                       // 1 - beta1 >= 0.5: lerp from the other end
                                       {"adamw beta1=0.3", 5e-3, 0.3, 0.9, 1e-3, 0.01, true}};
  const int steps = 3;
  for (const AdamCase& c : cases)
    for (int64_t n : optim_sizes()) {
      const auto p0 = random_values(n, 41);
      std::vector<std::vector<float>> grads;
      for (int s = 0; s < steps; ++s) grads.push_back(random_values(n, 42 + s));
      std::vector<float> p = p0, m(n, 0.0f), v(n, 0.0f);
      for (int s = 0; s < steps; ++s)
        cpu::adam_step(cpu_ctx(), n, p.data(), grads[s].data(), m.data(), v.data(), c.lr, c.beta1, c.beta2, c.eps,
                       c.weight_decay, c.decoupled, s + 1);
      const std::string what = std::string(c.name) + " n=" + std::to_string(n);
      for_each_order(b, [&](const std::string& order) {
        Tensor tp = on(b, p0), tm = on(b, std::vector<float>(n, 0.0f)), tv = on(b, std::vector<float>(n, 0.0f));
        for (int s = 0; s < steps; ++s) {
          Tensor tg = on(b, grads[s]);
          k.adam_step(ctx(b), n, tp.data(), tg.data(), tm.data(), tv.data(), c.lr, c.beta1, c.beta2, c.eps,
                      c.weight_decay, c.decoupled, s + 1);
        }
        expect_match(tp.to_vector(), p, 5e-7, 1e-7, what + " param " + order);
        expect_match(tm.to_vector(), m, 5e-7, 1e-7, what + " exp_avg " + order);
        expect_match(tv.to_vector(), v, 5e-7, 1e-7, what + " exp_avg_sq " + order);
      });
    }
}

inline void check_norm_kernels(const Backend& b, const OptimKernels& k) {
  std::vector<int64_t> sizes = optim_sizes();
  sizes.insert(sizes.begin(), 0);  // an empty gradient: every reduction writes 0
  for (int64_t n : sizes) {
    auto x = random_values(n, 51);
    const std::string what = "n=" + std::to_string(n);
    float sq = -1, mx = -1;
    cpu::sum_squares(cpu_ctx(), n, x.data(), &sq);
    cpu::max_abs(cpu_ctx(), n, x.data(), &mx);
    std::vector<float> pw;
    for (double p : {1.0, 3.0, 0.5}) {
      float o = -1;
      cpu::sum_abs_pow(cpu_ctx(), n, x.data(), p, &o);
      pw.push_back(o);
    }
    std::vector<float> scaled = x;
    cpu::scale_in_place(cpu_ctx(), n, 0.37f, scaled.data());
    for_each_order(b, [&](const std::string& order) {
      Tensor tx = on(b, x), out = empty_on(b, 1);
      k.sum_squares(ctx(b), n, tx.data(), out.data());
      expect_match(out.to_vector(), {sq}, 1e-6, 0, "sum_squares " + what + " " + order);
      k.max_abs(ctx(b), n, tx.data(), out.data());
      expect_match(out.to_vector(), {mx}, 0, 0, "max_abs " + what + " " + order);
      int i = 0;
      for (double p : {1.0, 3.0, 0.5}) {
        k.sum_abs_pow(ctx(b), n, tx.data(), p, out.data());
        expect_match(out.to_vector(), {pw[i++]}, 1e-6, 0, "sum_abs_pow p=" + std::to_string(p) + " " + what + " " + order);
      }
      k.scale_in_place(ctx(b), n, 0.37f, tx.data());
      expect_match(tx.to_vector(), scaled, 0, 0, "scale_in_place " + what + " " + order);
    });
  }
  // A NaN anywhere makes max_abs NaN (the infinity norm of a diverged gradient), wherever it sits.
  for (int64_t pos : {int64_t{0}, int64_t{1500}, int64_t{9000}}) {
    auto x = random_values(9001, 52);
    x[pos] = std::numeric_limits<float>::quiet_NaN();
    for_each_order(b, [&](const std::string& order) {
      Tensor tx = on(b, x), out = on(b, {0.0f});  // not NaN before the call
      k.max_abs(ctx(b), 9001, tx.data(), out.data());
      EXPECT_TRUE(std::isnan(out.to_vector()[0])) << "max_abs with a NaN at " << pos << " " << order;
    });
  }
}

// ---- engine level: the optimizers on `dev` against the same on cpu --------------------------

// Odd parameter shapes: a 13-channel 3x3 conv weight, a bias of 7, a 5x3 matrix, a scalar.
inline std::vector<Shape> optim_param_shapes() { return {{13, 1, 3, 3}, {7}, {5, 3}, {1}}; }

// Runs `steps` steps of the optimizer made by make_opt on parameters on cpu and on dev with the
// same seeded gradients (set directly, optionally clipped by clip_grad_norm with norm_type
// `clip`), and compares parameters, the norms clip_grad_norm returns and the optimizer state.
template <typename MakeOpt>
void check_optimizer_on_device(Device dev, const std::string& name, MakeOpt make_opt, double clip, double rtol,
                               double atol, int steps = 3) {
  std::vector<Tensor> pc, pd;
  uint64_t seed = 60;
  for (const Shape& s : optim_param_shapes()) {
    Rng rng(seed++);
    Tensor t = Tensor::randn(s, rng);
    pc.push_back(t.clone().set_requires_grad());
    pd.push_back(t.to(dev).set_requires_grad());
  }
  auto oc = make_opt(pc);
  auto od = make_opt(pd);
  for (int s = 0; s < steps; ++s) {
    for (size_t i = 0; i < pc.size(); ++i) {
      Rng rng(100 + 10 * s + i);
      Tensor g = Tensor::randn(pc[i].shape(), rng);
      pc[i].set_grad(g);
      pd[i].set_grad(g.to(dev));
    }
    if (clip != 0) {
      const double nc = clip_grad_norm(pc, 0.5, clip), nd = clip_grad_norm(pd, 0.5, clip);
      EXPECT_NEAR(nd, nc, 1e-6 * std::fabs(nc)) << name << " step " << s << " norm " << clip;
      for (size_t i = 0; i < pc.size(); ++i)
        expect_match(pd[i].grad().to_vector(), pc[i].grad().to_vector(), 1e-6, 1e-7,
                     name + " clipped gradient " + std::to_string(i) + " step " + std::to_string(s));
    }
    oc.step();
    od.step();
  }
  for (size_t i = 0; i < pc.size(); ++i) {
    EXPECT_EQ(pd[i].device(), dev) << name;
    expect_match(pd[i].to_vector(), pc[i].to_vector(), rtol, atol,
                 name + " parameter " + std::to_string(i) + " on " + to_string(dev));
  }
  const OptimizerState sc = oc.state_dict(), sd = od.state_dict();
  ASSERT_EQ(sd.tensors.size(), sc.tensors.size()) << name;
  for (const auto& [key, t] : sc.tensors)
    expect_match(sd.tensors.at(key).to_vector(), t.to_vector(), rtol, atol, name + " state " + key);
}

inline void check_optimizers_on_device(Device dev) {
  auto sgd = [](SGDOptions o) { return [o](std::vector<Tensor> p) { return SGD(std::move(p), o); }; };
  auto adam = [](AdamOptions o) { return [o](std::vector<Tensor> p) { return Adam(std::move(p), o); }; };
  auto adamw = [](AdamOptions o) { return [o](std::vector<Tensor> p) { return AdamW(std::move(p), o); }; };
  const double inf = std::numeric_limits<double>::infinity();
  check_optimizer_on_device(dev, "SGD", sgd({0.1, 0, 0, 0, false}), 0, 2.5e-7, 1e-7);
  check_optimizer_on_device(dev, "SGD momentum", sgd({0.1, 0.9, 0.1, 1e-3, false}), 2.0, 1e-6, 1e-7);
  check_optimizer_on_device(dev, "SGD nesterov", sgd({0.05, 0.9, 0, 0.01, true}), inf, 1e-6, 1e-7);
  check_optimizer_on_device(dev, "Adam", adam({1e-2, 0.9, 0.999, 1e-8, 0.0}), 1.0, 1e-6, 1e-7);
  check_optimizer_on_device(dev, "AdamW", adamw({1e-2, 0.9, 0.999, 1e-8, 0.1}), 3.0, 1e-6, 1e-7);
}

// A tiny SR net: conv 1->4 3x3, tanh, conv 4->4 3x3, pixel_shuffle 2, on 2 patches of 6x6 with
// 12x12 targets, trained for 5 Adam steps from the same seed on cpu and on dev.
inline void check_tiny_net_training(Device dev) {
  Rng rng(2024);
  const Tensor x = Tensor::uniform({2, 1, 6, 6}, -1, 1, rng), target = Tensor::uniform({2, 1, 12, 12}, -1, 1, rng);
  const std::vector<Tensor> init = {Tensor::uniform({4, 1, 3, 3}, -0.5f, 0.5f, rng),
                                    Tensor::uniform({4}, -0.1f, 0.1f, rng),
                                    Tensor::uniform({4, 4, 3, 3}, -0.3f, 0.3f, rng),
                                    Tensor::uniform({4}, -0.1f, 0.1f, rng)};
  auto train = [&](Device d) {
    std::vector<Tensor> p;
    for (const Tensor& t : init) p.push_back(t.to(d).set_requires_grad());
    Adam opt(p, AdamOptions{1e-2, 0.9, 0.999, 1e-8, 0.0});
    const Tensor xd = x.to(d), td = target.to(d);
    const ConvParams same = ConvParams::same(3);
    std::vector<float> losses;
    for (int s = 0; s < 5; ++s) {
      opt.zero_grad();
      Tensor h = upres::tanh(conv2d(xd, p[0], p[1], same));
      Tensor y = pixel_shuffle(conv2d(h, p[2], p[3], same), 2);
      Tensor loss = mse_loss(y, td);
      losses.push_back(loss.item());
      loss.backward();
      opt.step();
    }
    return std::make_pair(p, losses);
  };
  const auto [pc, lc] = train(Device::cpu);
  const auto [pd, ld] = train(dev);
  EXPECT_LT(lc.back(), lc.front()) << "the net does not learn on cpu";
  expect_match(ld, lc, 1e-5, 1e-6, std::string("tiny net losses on ") + to_string(dev));
  for (size_t i = 0; i < pc.size(); ++i)
    expect_match(pd[i].to_vector(), pc[i].to_vector(), 1e-5, 1e-6,
                 "tiny net parameter " + std::to_string(i) + " on " + to_string(dev));
}

}  // namespace upres::testing::parity
