// test_zoo.cpp - the models upres ships (models/zoo): each file names an
// architecture and scale that match its file name, loads strictly, and on Set5
// (standard protocol, Y, border = scale) scores what models/zoo/README.md says
// it scores - a guard against any engine change that silently degrades the
// shipped networks. Skipped without ../shared/data.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "engine/json.h"
#include "engine/safetensors.h"
#include "models/load.h"
#include "support/cli.h"

namespace fs = std::filesystem;

namespace {

const fs::path kZoo = fs::path(UPRES_SOURCE_DIR) / "models" / "zoo";

struct Shipped {
  const char* name;
  int scale;
  double set5_psnr;  // models/zoo/README.md, rounded down to 0.05 dB
};

// What the README reports (standard protocol), minus a little slack for float summation order.
const Shipped kShipped[] = {
    {"fsrcnn", 2, 36.85}, {"fsrcnn", 3, 33.00}, {"fsrcnn", 4, 30.50},
    {"espcn", 2, 36.40},    {"espcn", 3, 32.40},  {"espcn", 4, 30.20},
};

}  // namespace

TEST(Zoo, EveryShippedFileNamesItsArchitectureAndScale) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(kZoo)) {
    if (e.path().extension() != ".safetensors") continue;
    ++n;
    const std::string stem = e.path().stem().string();  // "<arch>_x<scale>"
    const auto x = stem.rfind("_x");
    ASSERT_NE(x, std::string::npos) << stem;
    upres::models::LoadedNetwork net = upres::models::load_network(e.path().string());
    EXPECT_EQ(net.net->arch(), stem.substr(0, x)) << e.path();
    EXPECT_EQ(std::to_string(net.net->scale()), stem.substr(x + 2)) << e.path();
    EXPECT_EQ(net.metadata.at("trained_by"), "upres train") << e.path();
  }
  EXPECT_GE(n, 6);
}

TEST(Zoo, ShippedModelsScoreTheirDocumentedSet5Psnr) {
  const fs::path set5 = fs::path(UPRES_SHARED_DATA_DIR) / "Set5";
  if (!fs::is_directory(set5)) GTEST_SKIP() << "no " << set5 << " (../shared/data is absent)";
  for (const Shipped& s : kShipped) {
    const fs::path model = kZoo / (std::string(s.name) + "_x" + std::to_string(s.scale) + ".safetensors");
    const fs::path d = upres::testing::scratch_dir("zoo", s.name);
    upres::testing::CliRun r = upres::testing::run_upres(
        "eval -m \"" + model.string() + "\" -s " + std::to_string(s.scale) + " -d \"" + set5.string() + "\" --json", d);
    ASSERT_EQ(r.code, 0) << r.err;
    const upres::json::Value v = upres::json::parse(r.out.substr(0, r.out.find_last_not_of("\n") + 1));
    const double psnr = v.find("psnr_y")->as_double();
    EXPECT_GE(psnr, s.set5_psnr) << s.name << " x" << s.scale;
    EXPECT_LT(psnr, s.set5_psnr + 0.2) << s.name << " x" << s.scale << ": better than documented? update the README";
  }
}
