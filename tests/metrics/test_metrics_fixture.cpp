// Metrics against independent implementations: tests/fixtures/metrics/metrics.txt
// holds PSNR (scikit-image), SSIM (scikit-image), VIFp (sewar), MS-SSIM (numpy,
// cross-checked with pytorch-msssim) and IFCp (numpy), computed offline by
// make_metrics_fixture.py on the same integer-defined images (metric_images.h)
// and on a Set5 crop; each must agree to 1e-6 relative, on RGB and on Y.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "data/image.h"
#include "metrics/metrics.h"
#include "metrics/ms_ssim.h"
#include "metric_images.h"

using upres::data::Image;
using namespace upres::testing;
namespace metrics = upres::metrics;

namespace {

struct Row {
  std::string name, mode;
  double v[5];  // psnr ssim ms_ssim vif ifc
};

std::vector<Row> read_fixture() {
  std::ifstream f(std::string(UPRES_SOURCE_DIR) + "/tests/fixtures/metrics/metrics.txt");
  std::vector<Row> rows;
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream is(line);
    Row r;
    is >> r.name >> r.mode >> r.v[0] >> r.v[1] >> r.v[2] >> r.v[3] >> r.v[4];
    if (is) rows.push_back(r);
  }
  return rows;
}

void expect_rel(double got, double want, const std::string& what) {
  const double tol = 1e-6 * std::max(std::abs(want), 1e-3);
  EXPECT_NEAR(got, want, tol) << what;
}

// Compares every fixture row named `name` (modes rgb and y) with metrics::evaluate.
void check(const std::string& name, const Image& ref, const Image& test) {
  static const std::vector<Row> rows = read_fixture();
  ASSERT_FALSE(rows.empty()) << "tests/fixtures/metrics/metrics.txt is missing or empty";
  int found = 0;
  for (const Row& r : rows) {
    if (r.name != name) continue;
    ++found;
    metrics::Protocol p;
    p.y = r.mode == "y";
    const metrics::Scores s = metrics::evaluate(ref, test, p);
    const std::string tag = name + " " + r.mode;
    expect_rel(s.psnr, r.v[0], tag + " psnr");
    expect_rel(s.ssim, r.v[1], tag + " ssim");
    expect_rel(s.ms_ssim, r.v[2], tag + " ms_ssim");
    expect_rel(s.vif, r.v[3], tag + " vif");
    expect_rel(s.ifc, r.v[4], tag + " ifc");
  }
  EXPECT_GT(found, 0) << "no fixture row for " << name;
}

}  // namespace

TEST(MetricsFixture, Rgb45x51NoiseBlurContrastInverted) {
  const Image ref = metric_reference(45, 51, 3, 1);
  check("noise", ref, metric_noisy(ref, 2));
  check("blur", ref, metric_blurred(ref));
  check("contrast", ref, metric_contrast(ref));
  check("inverted", ref, metric_inverted(ref));
}

TEST(MetricsFixture, Grey171x165FiveMsSsimScales) {
  const Image ref = metric_reference(171, 165, 1, 3);
  EXPECT_EQ(metrics::ms_ssim_scales(171, 165), 5);
  check("grey_noise", ref, metric_noisy(ref, 4));
}

TEST(MetricsFixture, Grey176x176SameAsPytorchMsssim) {
  const Image ref = metric_reference(176, 176, 1, 7);
  check("even_noise", ref, metric_noisy(ref, 8));
}

TEST(MetricsFixture, Set5ButterflyCropVsBoxBlur) {
  const std::string path = std::string(UPRES_SHARED_DATA_DIR) + "/Set5/butterfly.png";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path << " (../shared/data is absent)";
  const Image crop = upres::data::crop(upres::data::load_image(path), 40, 30, 167, 173);
  check("set5_butterfly_crop", crop, metric_blurred(crop));
}
