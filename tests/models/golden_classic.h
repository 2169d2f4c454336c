// golden_classic.h - shared by the golden tests of SRCNN, VDSR, FSRCNN, LapSRN
// and DSPNet (tests/models/test_golden_<name>.cpp).
//
// Each fixture tests/fixtures/models/<name>_golden.safetensors is written by
// make_<name>_golden.py (PyTorch, output computed in float64): a state dict with
// no metadata, as a converted PyTorch checkpoint, plus "golden.*" tensors (the
// input and the expected outputs). open_golden() splits the two, writes the
// state dict alone to a temporary file and loads it with models::load_network
// given only the architecture name (and what no shape tells), so the key names,
// the layouts and infer() are all exercised.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "engine/safetensors.h"
#include "models/load.h"
#include "tests/support/temp_dir.h"

namespace upres::testing {

struct Golden {
  models::LoadedNetwork loaded;
  std::map<std::string, Tensor> expected;  // "input", "output", ... (the "golden." prefix removed)
};

inline Golden open_golden(const std::string& name, const std::string& arch, const models::Hyper& overrides = {}) {
  const std::string path = std::string(UPRES_SOURCE_DIR) + "/tests/fixtures/models/" + name + "_golden.safetensors";
  SafetensorsData file = read_safetensors(path);
  NamedTensors weights;
  Golden g;
  const std::string prefix = "golden.";
  for (auto& [key, t] : file.tensors) {
    if (key.compare(0, prefix.size(), prefix) == 0)
      g.expected[key.substr(prefix.size())] = t;
    else
      weights.emplace_back(key, t);
  }
  TempDir dir;
  const std::string bare = dir.file(name + ".safetensors");
  write_safetensors(bare, weights);
  models::LoadOptions opt;
  opt.arch = arch;
  opt.overrides = overrides;
  g.loaded = models::load_network(bare, opt);
  return g;
}

// max |a - b| / max |b|, after a shape check.
inline double golden_rel_error(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape(), b.shape());
  auto va = a.to_vector(), vb = b.to_vector();
  double err = 0, mag = 0;
  for (size_t i = 0; i < va.size() && i < vb.size(); ++i) {
    err = std::max(err, std::fabs(static_cast<double>(va[i]) - vb[i]));
    mag = std::max(mag, std::fabs(static_cast<double>(vb[i])));
  }
  return err / std::max(mag, 1e-30);
}

}  // namespace upres::testing
