// BasicSR's networks (edsr, edsr-baseline, msrresnet, srvgg, rrdbnet) beyond the
// forward: every parameter is reached by the backward (nothing is detached, so
// the networks train), and the same tiny network moved to the simt device (the
// CUDA kernels run by the emulator) gives the cpu output within 1e-5 of its
// largest magnitude.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "engine/autograd.h"
#include "engine/backends.h"
#include "engine/ops.h"
#include "models/registry.h"

namespace upres {
namespace {

const char* kArchs[] = {"edsr", "edsr-baseline", "msrresnet", "srvgg", "rrdbnet"};

Tensor lr_image(int64_t c, int64_t h, int64_t w, uint64_t seed) {
  Rng rng(seed);
  Tensor t = Tensor::zeros({1, c, h, w});
  float* p = t.data();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = rng.uniform();
  return t;
}

std::shared_ptr<models::SRNetwork> tiny(const std::string& arch, int64_t scale) {
  models::Hyper h = models::find_arch(arch).tiny;
  h["scale"] = std::to_string(scale);
  Rng rng(21);
  return models::build_network(arch, h, rng);
}

TEST(BasicsrNets, EveryParameterGetsAGradient) {
  // One scale each, chosen so x4's second upsampling stage and rrdbnet's unshuffle are covered.
  const std::pair<const char*, int64_t> cases[] = {
      {"edsr", 2}, {"edsr-baseline", 4}, {"msrresnet", 4}, {"srvgg", 3}, {"rrdbnet", 2}};
  for (const auto& [arch, scale] : cases) {
    SCOPED_TRACE(std::string(arch) + " x" + std::to_string(scale));
    auto net = tiny(arch, scale);
    Tensor y = net->forward(lr_image(net->channels(), 6, 5, 3));
    sum(square(y)).backward();
    for (const auto& [name, p] : net->named_parameters()) {
      ASSERT_TRUE(p.grad().defined()) << name << " got no gradient";
      auto g = p.grad().to_vector();
      double mag = 0;
      for (float v : g) mag = std::max(mag, std::fabs(static_cast<double>(v)));
      EXPECT_GT(mag, 0.0) << name << " has an all-zero gradient";
    }
  }
}

TEST(BasicsrNets, SimtForwardMatchesCpu) {
  if (!device_available(Device::simt)) GTEST_SKIP() << "no simt device";
  for (const char* arch : kArchs) {
    SCOPED_TRACE(arch);
    auto net = tiny(arch, 2);
    net->eval();
    Tensor x = lr_image(net->channels(), 5, 7, 4);  // odd sizes: rrdbnet x2 pads on simt too
    NoGradGuard ng;
    Tensor y_cpu = net->forward(x);
    net->to(Device::simt);
    Tensor y_simt = net->forward(x.to(Device::simt));
    ASSERT_EQ(y_simt.device(), Device::simt);
    auto a = y_simt.to(Device::cpu).to_vector(), b = y_cpu.to_vector();
    ASSERT_EQ(a.size(), b.size());
    double err = 0, mag = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      err = std::max(err, std::fabs(static_cast<double>(a[i]) - b[i]));
      mag = std::max(mag, std::fabs(static_cast<double>(b[i])));
    }
    EXPECT_LT(err, 1e-5 * mag);
  }
}

}  // namespace
}  // namespace upres
