// Golden test for D-DBPN (models/dbpn.h): two small instances written in
// PyTorch by tests/fixtures/models/make_dbpn_golden.py (x2: n0 16, nr 8, T 2;
// x4: n0 16, nr 4, T 3, which adds the dense 1x1 reductions) must give the
// same output through upres, to 1e-5 of the output's largest magnitude
// (float32 here, float64 in the reference). The weights are loaded by name
// through load_network with only the architecture given, so the key names and
// the shape inference of every hyperparameter are exercised too.
//
// Also: finite-difference gradient checks of the up- and down-projection
// units over a table of scales, widths and dense inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/error.h"
#include "engine/ops.h"
#include "engine/safetensors.h"
#include "models/dbpn.h"
#include "models/load.h"
#include "tests/models/golden.h"
#include "tests/support/gradcheck.h"
#include "tests/support/temp_dir.h"

namespace upres {
namespace {

const std::string kFixture = std::string(UPRES_SOURCE_DIR) + "/tests/fixtures/models/dbpn_golden.safetensors";

struct GoldenCase {
  std::string tag;
  models::Hyper expect;  // what load_network must infer from the shapes
};

TEST(GoldenDbpn, ForwardMatchesPyTorchAtX2AndX4) {
  SafetensorsData data = read_safetensors(kFixture);
  const GoldenCase cases[] = {
      {"x2", {{"scale", "2"}, {"channels", "3"}, {"n0", "16"}, {"nr", "8"}, {"stages", "2"}}},
      {"x4", {{"scale", "4"}, {"channels", "3"}, {"n0", "16"}, {"nr", "4"}, {"stages", "3"}}},
  };
  testing::TempDir dir;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.tag);
    const std::string prefix = c.tag + ".net.";
    NamedTensors weights;
    for (const auto& [name, t] : data.tensors)
      if (name.compare(0, prefix.size(), prefix) == 0) weights.emplace_back(name.substr(prefix.size()), t);
    ASSERT_FALSE(weights.empty());
    const std::string file = dir.file(c.tag + ".safetensors");
    write_safetensors(file, weights);  // no metadata: as a converted PyTorch checkpoint

    models::LoadOptions opt;
    opt.arch = "dbpn";
    models::LoadedNetwork loaded = models::load_network(file, opt);
    EXPECT_EQ(loaded.hyper, c.expect);
    Tensor y;
    {
      NoGradGuard ng;
      y = loaded.net->forward(data.at(c.tag + ".input"));
    }
    EXPECT_LT(upres::testing::golden_rel_error(y, data.at(c.tag + ".output")), 1e-5);
  }
}

// The unit's parameters as gradcheck inputs: f copies probed values into the
// module, so one closure checks the input and every weight, bias and slope.
::testing::AssertionResult check_unit(Module& unit, const Tensor& x) {
  std::vector<Tensor> params = unit.parameters();
  std::vector<Tensor> inputs = {x};
  inputs.insert(inputs.end(), params.begin(), params.end());
  auto f = [&](const std::vector<Tensor>& in) {
    for (size_t k = 0; k < params.size(); ++k)
      if (!in[k + 1].same(params[k])) params[k].copy_(in[k + 1]);
    return unit.forward(in[0]);
  };
  // PReLU makes the unit piecewise linear; a shared slope or bias moves many
  // pre-activations at once, so the step is small to cross few kinks.
  testing::GradCheckOptions o;
  o.h = 1e-4;
  o.atol = 1e-2;
  o.rtol = 2e-2;
  o.max_elements = 16;
  ::testing::AssertionResult r = testing::gradcheck(f, inputs, o);
  // gradcheck's last probe of each element restores it, so the module ends as it began.
  return r;
}

struct UnitCase {
  int64_t scale, nr, in_units, batch, h, w;  // h, w: LR size
};
const UnitCase kUnitCases[] = {
    {2, 1, 1, 2, 5, 3},
    {2, 2, 2, 1, 3, 4},
    {4, 1, 3, 2, 3, 2},
    {8, 1, 1, 1, 2, 3},
};

TEST(DbpnProjection, UpProjectionGradientAllScalesAndDenseInputs) {
  for (const auto& c : kUnitCases) {
    SCOPED_TRACE("x" + std::to_string(c.scale) + " nr " + std::to_string(c.nr) + " in_units " +
                 std::to_string(c.in_units));
    Rng rng(static_cast<uint64_t>(100 + c.scale * 10 + c.in_units));
    models::DbpnUpProjection unit(c.nr, c.scale, c.in_units, rng);
    Tensor x = testing::rand_input({c.batch, c.in_units * c.nr, c.h, c.w}, rng);
    Tensor y = unit.forward(x.detach());
    ASSERT_EQ(y.shape(), (Shape{c.batch, c.nr, c.h * c.scale, c.w * c.scale}));
    EXPECT_TRUE(check_unit(unit, x));
  }
}

TEST(DbpnProjection, DownProjectionGradientAllScalesAndDenseInputs) {
  for (const auto& c : kUnitCases) {
    SCOPED_TRACE("x" + std::to_string(c.scale) + " nr " + std::to_string(c.nr) + " in_units " +
                 std::to_string(c.in_units));
    Rng rng(static_cast<uint64_t>(200 + c.scale * 10 + c.in_units));
    models::DbpnDownProjection unit(c.nr, c.scale, c.in_units, rng);
    Tensor x = testing::rand_input({c.batch, c.in_units * c.nr, c.h * c.scale, c.w * c.scale}, rng);
    Tensor y = unit.forward(x.detach());
    ASSERT_EQ(y.shape(), (Shape{c.batch, c.nr, c.h, c.w}));
    EXPECT_TRUE(check_unit(unit, x));
  }
}

TEST(DbpnProjection, WrongInputWidthAndScaleAreClearErrors) {
  Rng rng(3);
  models::DbpnUpProjection up(4, 2, 2, rng);
  try {
    up.forward(Tensor::zeros({1, 4, 3, 3}));
    FAIL() << "no throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected [N, 8, H, W]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(models::DbpnDownProjection(4, 3, 1, rng), Error);
  EXPECT_THROW(models::build_network("dbpn", {{"scale", "3"}}, rng), Error);
}

}  // namespace
}  // namespace upres
