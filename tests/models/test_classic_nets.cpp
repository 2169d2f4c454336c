// Training-path checks for SRCNN, VDSR, FSRCNN, LapSRN and DSPNet (their
// forward values are pinned by the golden tests): a backward pass reaches every
// parameter, LapSRN's forward_levels returns one image per x2 level, and the
// networks reject inputs with the wrong channel count by name.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "engine/autograd.h"
#include "engine/error.h"
#include "engine/ops.h"
#include "models/lapsrn.h"
#include "models/registry.h"

namespace upres {
namespace {

TEST(ClassicNets, BackwardReachesEveryParameter) {
  for (const char* name : {"srcnn", "vdsr", "fsrcnn", "lapsrn", "dspnet"}) {
    SCOPED_TRACE(name);
    const models::ArchSpec& spec = models::find_arch(name);
    models::Hyper h = spec.tiny;
    h["scale"] = std::to_string(spec.scales.front());
    Rng rng(2);
    auto net = models::build_network(name, h, rng);
    const int64_t s = net->pre_upsampling() ? net->scale() : 1;
    Tensor x = Tensor::uniform({2, net->channels(), 5 * s, 7 * s}, 0.0f, 1.0f, rng);
    Tensor loss = mean(square(net->forward(x)));
    loss.backward();
    for (auto& [pname, p] : net->named_parameters()) {
      ASSERT_TRUE(p.grad().defined()) << pname << " got no gradient";
      double norm = 0;
      for (float g : p.grad().to_vector()) {
        ASSERT_TRUE(std::isfinite(g)) << pname;
        norm += static_cast<double>(g) * g;
      }
      EXPECT_GT(norm, 0.0) << pname << " has an all-zero gradient";
    }
  }
}

TEST(Lapsrn, ForwardLevelsGivesOneImagePerPyramidLevel) {
  for (int64_t scale : {2, 4, 8}) {
    Rng rng(4);
    models::Hyper h = models::find_arch("lapsrn").tiny;
    h["scale"] = std::to_string(scale);
    auto net = std::dynamic_pointer_cast<models::Lapsrn>(models::build_network("lapsrn", h, rng));
    ASSERT_TRUE(net);
    Tensor x = Tensor::uniform({1, 1, 3, 5}, 0.0f, 1.0f, rng);
    NoGradGuard ng;
    std::vector<Tensor> levels = net->forward_levels(x);
    ASSERT_EQ(static_cast<int64_t>(levels.size()), scale == 2 ? 1 : scale == 4 ? 2 : 3);
    for (size_t k = 0; k < levels.size(); ++k) {
      const int64_t f = int64_t{2} << k;
      EXPECT_EQ(levels[k].shape(), (Shape{1, 1, 3 * f, 5 * f})) << "level " << k + 1;
    }
    Tensor y = net->forward(x);
    EXPECT_EQ(y.to_vector(), levels.back().to_vector());
  }
}

TEST(ClassicNets, WrongChannelCountIsAClearError) {
  for (const char* name : {"srcnn", "vdsr", "fsrcnn", "lapsrn", "dspnet"}) {
    Rng rng(1);
    auto net = models::build_network(name, models::find_arch(name).tiny, rng);
    Tensor x = Tensor::zeros({1, net->channels() + 1, 8, 8});
    try {
      net->forward(x);
      ADD_FAILURE() << name << ": no throw";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace upres
