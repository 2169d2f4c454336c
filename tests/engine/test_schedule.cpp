// Tests of the learning-rate schedules: 30-step sequences against PyTorch's
// schedulers (tests/fixtures/optim, make_optim_fixture.py), plus closed-form
// spot checks and argument checks.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/schedule.h"
#include "support/text_fixture.h"

using namespace upres;

namespace {

// Compares lr_at(0..29) with the fixture's sequence `sched.<name>`.
void check_sequence(const LRSchedule& s, const std::string& name) {
  static const upres::testing::TextFixture f =
      upres::testing::load_text_fixture("tests/fixtures/optim/optim.txt");
  const std::vector<double>& expected = upres::testing::record(f, "sched." + name);
  ASSERT_EQ(expected.size(), 30u) << name;
  std::vector<float> got;
  for (int64_t t = 0; t < 30; ++t) got.push_back(s.lr_at(t));
  EXPECT_TRUE(upres::testing::all_close(got, expected, 1e-6, 1e-9)) << name;
}

}  // namespace

TEST(MultiStepLR, MatchesPyTorchWithRepeatedMilestone) {
  check_sequence(MultiStepLR(0.1, {12, 5, 20, 12}, 0.5), "multistep");  // order does not matter
}

TEST(CosineAnnealingLR, MatchesPyTorchIncludingPastTMax) {
  check_sequence(CosineAnnealingLR(0.1, 10, 0.001), "cosine");
  // Closed form far out: the period is 2 T_max.
  CosineAnnealingLR s(0.1, 10, 0.001);
  EXPECT_FLOAT_EQ(s.lr_at(1000000 + 10), 0.001f);
  EXPECT_FLOAT_EQ(s.lr_at(2000000), 0.1f);
}

TEST(CosineAnnealingWarmRestarts, MatchesPyTorchTMult1And2) {
  check_sequence(CosineAnnealingWarmRestarts(0.1, 7, 1, 0.0), "restarts_mult1");
  check_sequence(CosineAnnealingWarmRestarts(0.1, 3, 2, 1e-4), "restarts_mult2");
  // Restarts of T_0 = 3, T_mult = 2 begin at 0, 3, 9, 21, 45, ...: lr = base there.
  CosineAnnealingWarmRestarts s(0.1, 3, 2, 1e-4);
  for (int64_t t : std::vector<int64_t>{0, 3, 9, 21, 45, 93, 3 * ((int64_t{1} << 40) - 1)}) EXPECT_FLOAT_EQ(s.lr_at(t), 0.1f) << t;
  // Half way through the cycle [21, 45): the mean of base and eta_min.
  EXPECT_FLOAT_EQ(s.lr_at(33), static_cast<float>((0.1 + 1e-4) / 2));
}

TEST(LinearWarmup, MatchesPyTorchSequentialLRAroundCosineMultiStepAndRestarts) {
  check_sequence(LinearWarmup(std::make_shared<CosineAnnealingLR>(0.1, 20), 5, 0.1), "warmup_cosine");
  check_sequence(LinearWarmup(std::make_shared<MultiStepLR>(0.1, std::vector<int64_t>{4, 10}, 0.5), 3),
                 "warmup_multistep");
  check_sequence(LinearWarmup(std::make_shared<CosineAnnealingWarmRestarts>(0.1, 5, 2, 0.01), 4, 0.25),
                 "warmup_restarts");
  // No warm-up: the inner schedule itself.
  LinearWarmup none(std::make_shared<CosineAnnealingLR>(0.1, 20), 0);
  EXPECT_EQ(none.lr_at(7), CosineAnnealingLR(0.1, 20).lr_at(7));
}

TEST(LRSchedule, BadArgumentsThrow) {
  EXPECT_THROW(MultiStepLR(-0.1, {1}), Error);
  EXPECT_THROW(MultiStepLR(0.1, {-1}), Error);
  EXPECT_THROW(MultiStepLR(0.1, {1}, 0.0), Error);
  EXPECT_THROW(MultiStepLR(0.1, {1}).lr_at(-1), Error);
  EXPECT_THROW(CosineAnnealingLR(0.1, 0), Error);
  EXPECT_THROW(CosineAnnealingLR(0.1, 10, -1.0), Error);
  EXPECT_THROW(CosineAnnealingWarmRestarts(0.1, 0), Error);
  EXPECT_THROW(CosineAnnealingWarmRestarts(0.1, 5, 0), Error);
  EXPECT_THROW(LinearWarmup(nullptr, 5), Error);
  EXPECT_THROW(LinearWarmup(std::make_shared<CosineAnnealingLR>(0.1, 20), -1), Error);
  EXPECT_THROW(LinearWarmup(std::make_shared<CosineAnnealingLR>(0.1, 20), 5, 0.0), Error);
  EXPECT_THROW(LinearWarmup(std::make_shared<CosineAnnealingLR>(0.1, 20), 5, 1.5), Error);
}
