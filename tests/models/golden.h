// golden.h - the PyTorch golden fixtures of tests/fixtures/models/, run through upres.
//
// Each fixture (written by tests/fixtures/models/make_<net>_golden.py, outputs computed
// in PyTorch) is a state dict with no upres metadata, as a converted PyTorch or BasicSR
// checkpoint, plus "golden.*" tensors: the input and the expected output(s). open_golden()
// splits the two, writes the state dict alone to a temporary file (optionally under a
// wrapper prefix such as BasicSR's "params_ema.") and loads it with models::load_network
// given only the architecture name and what no shape tells, so the key names, the layouts
// and the hyperparameter inference are all exercised. run_golden() also runs the input.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "engine/autograd.h"
#include "engine/safetensors.h"
#include "models/load.h"
#include "tests/support/temp_dir.h"

namespace upres::testing {

struct Golden {
  models::LoadedNetwork loaded;
  std::map<std::string, Tensor> expected;  // "input", "output", ... (the "golden." prefix removed)
};

// `file` is a name in tests/fixtures/models/ ("srcnn_golden.safetensors", "edsr_x4.safetensors").
inline Golden open_golden(const std::string& file, const std::string& arch, const models::Hyper& overrides = {},
                          const std::string& key_prefix = "") {
  SafetensorsData data = read_safetensors(std::string(UPRES_SOURCE_DIR) + "/tests/fixtures/models/" + file);
  NamedTensors weights;
  Golden g;
  const std::string golden = "golden.";
  for (auto& [key, t] : data.tensors) {
    if (key.compare(0, golden.size(), golden) == 0)
      g.expected[key.substr(golden.size())] = t;
    else
      weights.emplace_back(key_prefix + key, t);
  }
  TempDir dir;
  const std::string bare = dir.file("weights.safetensors");
  write_safetensors(bare, weights);
  models::LoadOptions opt;
  opt.arch = arch;
  opt.overrides = overrides;
  g.loaded = models::load_network(bare, opt);
  return g;
}

struct GoldenRun {
  Tensor output, expected;
  models::Hyper hyper;  // what load_network settled on
};

// open_golden, then the network on "golden.input", to compare with "golden.output".
inline GoldenRun run_golden(const std::string& file, const std::string& arch, const models::Hyper& overrides = {},
                            const std::string& key_prefix = "") {
  Golden g = open_golden(file, arch, overrides, key_prefix);
  GoldenRun r;
  EXPECT_TRUE(g.expected.count("input") && g.expected.count("output")) << file << " lacks golden.input/output";
  if (!g.expected.count("input") || !g.expected.count("output")) return r;
  r.expected = g.expected.at("output");
  r.hyper = g.loaded.hyper;
  NoGradGuard ng;
  r.output = g.loaded.net->forward(g.expected.at("input"));
  return r;
}

// max |a - b| / max |b|, after a shape check (a mismatch fails and returns 1e30).
inline double golden_rel_error(const Tensor& a, const Tensor& b) {
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

}  // namespace upres::testing
