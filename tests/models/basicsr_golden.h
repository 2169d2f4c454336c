// basicsr_golden.h - runs one of the PyTorch golden fixtures of
// tests/fixtures/models/ (written by make_<net>_golden.py) through upres.
// Namespace upres::testing::basicsr: the other golden helpers' inline
// functions live in upres::testing, and same-named ones would collide (ODR).
//
// A fixture holds a BasicSR-keyed state dict with no metadata, plus
// "golden.input" and "golden.output". The helper takes the two golden tensors
// out, writes the rest to a temporary file (optionally under a wrapper prefix
// such as "params_ema.", as BasicSR's training saves them), loads that with
// models::load_network given only the architecture name - so every
// hyperparameter comes from the tensors' names and shapes - and runs it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/autograd.h"
#include "engine/safetensors.h"
#include "models/load.h"
#include "tests/support/temp_dir.h"

namespace upres::testing::basicsr {

struct GoldenRun {
  Tensor output, expected;
  models::Hyper hyper;  // what load_network settled on
};

inline GoldenRun run_golden(const std::string& fixture, const std::string& arch,
                           const models::Hyper& overrides = {}, const std::string& prefix = "") {
  GoldenRun r;
  SafetensorsData file = read_safetensors(std::string(UPRES_SOURCE_DIR) + "/tests/fixtures/models/" + fixture);
  Tensor input;
  NamedTensors weights;
  for (const auto& [name, t] : file.tensors) {
    if (name == "golden.input")
      input = t;
    else if (name == "golden.output")
      r.expected = t;
    else
      weights.emplace_back(prefix + name, t);
  }
  EXPECT_TRUE(input.defined() && r.expected.defined()) << fixture << " lacks golden.input/golden.output";
  if (!input.defined() || !r.expected.defined()) return r;
  TempDir dir;
  const std::string path = dir.file("weights.safetensors");
  write_safetensors(path, weights);
  models::LoadOptions opt;
  opt.arch = arch;
  opt.overrides = overrides;
  models::LoadedNetwork loaded = models::load_network(path, opt);
  r.hyper = loaded.hyper;
  NoGradGuard ng;
  r.output = loaded.net->forward(input);
  return r;
}

// max |a - b| / max |b|, after a shape check.
inline double rel_error(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape(), b.shape());
  if (a.shape() != b.shape()) return 1e30;
  auto va = a.to_vector(), vb = b.to_vector();
  double err = 0, mag = 0;
  for (size_t i = 0; i < va.size(); ++i) {
    err = std::max(err, std::fabs(static_cast<double>(va[i]) - vb[i]));
    mag = std::max(mag, std::fabs(static_cast<double>(vb[i])));
  }
  return err / std::max(mag, 1e-30);
}

}  // namespace upres::testing::basicsr
