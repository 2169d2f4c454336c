// Tests of `upres bench` as a user runs it: --json prints one object with the
// timing, FLOP and memory keys, of the right types; its "gflop" equals the
// convolution multiply-adds counted here by hand for ESPCN (x2 and x3, inference,
// and x3 for a training step); an unknown architecture is a usage error (2).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "engine/json.h"
#include "support/cli.h"

namespace fs = std::filesystem;

namespace {

upres::json::Value bench_json(const std::string& args, const std::string& name) {
  const fs::path d = upres::testing::scratch_dir("bench_cli", name);
  const upres::testing::CliRun r = upres::testing::run_upres("bench " + args + " --json --threads 1", d);
  EXPECT_EQ(r.code, 0) << r.err;
  return upres::json::parse(r.out.substr(0, r.out.find_last_not_of("\n") + 1));
}

// ESPCN with the registry defaults (1 channel, 64 and 32 features): 5x5 1->64,
// 3x3 64->32, 3x3 32->s*s, each "same" padded on an h x w LR image. FLOPs = 2 x MACs.
double espcn_gflop(int64_t n, int64_t h, int64_t w, int64_t s) {
  const double pixels = static_cast<double>(n * h * w);
  const double macs = pixels * (1 * 64 * 25 + 64 * 32 * 9 + 32 * s * s * 9);
  return 2.0 * macs / 1e9;
}

}  // namespace

TEST(BenchCli, JsonHasTimingFlopAndMemoryKeysOfTheRightTypes) {
  const upres::json::Value v = bench_json("--arch espcn -s 2 --size 9 --repeat 3 --warmup 1", "keys");
  ASSERT_TRUE(v.is_object());
  for (const char* key : {"median_ms", "min_ms", "runs", "gflop", "gflops", "peak_bytes", "peak_rss_bytes"}) {
    const upres::json::Value* k = v.find(key);
    ASSERT_NE(k, nullptr) << key;
    ASSERT_TRUE(k->is_number()) << key;
    EXPECT_GT(k->as_double(), 0.0) << key;
  }
  EXPECT_EQ(v.find("runs")->as_double(), 3.0);
  EXPECT_LE(v.find("min_ms")->as_double(), v.find("median_ms")->as_double());
  // Peak tensor bytes hold at least the weights and the 64-channel activation.
  EXPECT_GE(v.find("peak_bytes")->as_double(), 4.0 * (64 * 25 + 64 * 32 * 9 + 64 * 9 * 9));
  EXPECT_EQ(v.find("arch")->as_string(), "espcn");
  EXPECT_EQ(v.find("mode")->as_string(), "inference");
}

TEST(BenchCli, EspcnGflopMatchesAHandCountInferenceAndTraining) {
  const upres::json::Value x2 = bench_json("--arch espcn -s 2 --size 7 --repeat 1 --warmup 0", "x2");
  EXPECT_NEAR(x2.find("gflop")->as_double(), espcn_gflop(1, 7, 7, 2), 1e-12);
  const upres::json::Value x3 = bench_json("--arch espcn -s 3 --size 5 --repeat 1 --warmup 0", "x3");
  EXPECT_NEAR(x3.find("gflop")->as_double(), espcn_gflop(1, 5, 5, 3), 1e-12);
  // Training step: batch 2 of 6 x 6 patches, 3 x the forward's FLOPs.
  const upres::json::Value t =
      bench_json("--arch espcn -s 3 --train --batch 2 --patch 6 --repeat 1 --warmup 1", "train");
  EXPECT_EQ(t.find("mode")->as_string(), "train");
  EXPECT_NEAR(t.find("gflop")->as_double(), 3.0 * espcn_gflop(2, 6, 6, 3), 1e-12);
}

TEST(BenchCli, UnknownArchitectureIsAUsageError) {
  const fs::path d = upres::testing::scratch_dir("bench_cli", "unknown");
  const upres::testing::CliRun r = upres::testing::run_upres("bench --arch no-such-net", d);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no-such-net"), std::string::npos) << r.err;
}
