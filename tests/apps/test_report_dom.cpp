// The report and MOS pages as a browser sees them: headless Chromium loads each
// page from a file:// URL, runs its scripts, and prints the resulting DOM
// (--dump-dom), which the tests search. This proves the pages work offline and
// that the MOS script built its first trial (an element #trial holding the
// image). Skipped, with a message, where no `chromium` is installed (Debian's
// package takes over 2 minutes to install, so CI does not install it; see README).
// One test also drives the MOS page (key presses, the Download button) with a
// few lines of script added to a copy, and reads the CSV it would download.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "apps/upres/mos.h"
#include "apps/upres/report.h"
#include "data/image.h"
#include "engine/fileio.h"
#include "metrics/mos.h"
#include "support/cli.h"

namespace fs = std::filesystem;
using upres::data::Image;

namespace {

std::string chromium() {
  for (const char* name : {"chromium", "chromium-browser"}) {
    const std::string probe = std::string("command -v ") + name + " > /dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return name;
  }
  return "";
}

// The DOM after the page's scripts ran; "" when chromium failed.
std::string dump_dom(const std::string& browser, const fs::path& page, const fs::path& dir) {
  const fs::path out = dir / "dom.html", err = dir / "chromium.txt";
  const std::string cmd = "timeout 120 " + browser + " --headless --disable-gpu --no-sandbox --no-first-run" +
                          " --user-data-dir=\"" + (dir / "profile").string() + "\" --dump-dom \"file://" +
                          fs::absolute(page).string() + "\" > \"" + out.string() + "\" 2> \"" + err.string() + "\"";
  if (std::system(cmd.c_str()) != 0) return "";
  return upres::testing::slurp(out);
}

Image ramp(int w, int h) {
  Image img(w, h, 3);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) img.at(c, y, x) = static_cast<float>((x + y + c) % 8) / 8.0f;
  return img;
}

}  // namespace

TEST(ReportDom, ChromiumRendersTableCropsAndCharts) {
  const std::string browser = chromium();
  if (browser.empty()) GTEST_SKIP() << "chromium is not installed (apt-get install chromium): the DOM check is skipped";
  const fs::path d = upres::testing::scratch_dir("report_dom", "report");
  upres::report::ReportData r;
  r.dataset = "Set5";
  r.scale = 2;
  r.model = "espcn";
  r.protocol = "standard";
  r.rows = {{"<script>document.title='owned'</script>.png", 33.5, 0.93, 36.25, 0.95}};
  const Image hr = ramp(16, 12);
  r.crops.push_back(upres::report::make_crop("bird.png", hr, ramp(16, 12), hr, 8));
  std::ofstream(d / "t.log.csv") << "step,loss,lr,steps_per_s,val_psnr_y,val_ssim_y\n1,0.1,1e-3,5,,\n2,0.05,1e-3,5,,\n"
                                    "2,-1,1e-3,0,30,0.9\n3,0.04,1e-3,5,,\n4,-1,1e-3,0,31,0.91\n";
  r.training_log = (d / "t.log.csv").string();
  upres::report::write_report((d / "report").string(), r);
  const std::string dom = dump_dom(browser, d / "report" / "index.html", d);
  ASSERT_FALSE(dom.empty()) << "chromium failed: " << upres::testing::slurp(d / "chromium.txt");
  EXPECT_NE(dom.find("<table id=\"metrics\">"), std::string::npos);
  EXPECT_NE(dom.find("<td>36.25</td>"), std::string::npos);
  EXPECT_NE(dom.find("&lt;script&gt;document.title='owned'&lt;/script&gt;.png"), std::string::npos);  // shown as text
  EXPECT_EQ(dom.find("<title>owned</title>"), std::string::npos);                                   // not run
  EXPECT_EQ(std::regex_search(dom, std::regex("<img class=\"crop[^>]*src=\"data:image/png;base64,")), true);
  EXPECT_NE(dom.find("<svg"), std::string::npos);
  EXPECT_NE(dom.find("<polyline"), std::string::npos);
  // The zoom script ran: it set --zoom on the root and wrote the slider's value.
  EXPECT_NE(dom.find("--zoom: 3"), std::string::npos) << dom.substr(0, 400);
  EXPECT_NE(dom.find("<span id=\"zoom-value\">3x</span>"), std::string::npos);
}

TEST(MosDom, ChromiumBuildsTheFirstTrial) {
  const std::string browser = chromium();
  if (browser.empty()) GTEST_SKIP() << "chromium is not installed (apt-get install chromium): the DOM check is skipped";
  const fs::path d = upres::testing::scratch_dir("report_dom", "mos");
  upres::mos::MosPage p;
  p.methods = {"bicubic", "espcn"};
  p.images = {"a.png", "b.png", "c.png"};
  p.outputs = {{ramp(8, 6), ramp(8, 6), ramp(8, 6)}, {ramp(8, 6), ramp(8, 6), ramp(8, 6)}};
  p.reference = {ramp(8, 6), ramp(8, 6), ramp(8, 6)};
  upres::write_file_atomic((d / "mos.html").string(), upres::mos::render_mos_page(p));
  const std::string dom = dump_dom(browser, d / "mos.html", d);
  ASSERT_FALSE(dom.empty()) << "chromium failed: " << upres::testing::slurp(d / "chromium.txt");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom, m, std::regex("<div id=\"trial\">(.*?)</div>"))) << dom.substr(0, 2000);
  const std::string trial = m[1].str();
  // Reference and the rated image, both embedded; no method name shown.
  size_t imgs = 0;
  for (size_t q = trial.find("<img src=\"data:image/png;base64,"); q != std::string::npos;
       q = trial.find("<img src=\"data:image/png;base64,", q + 1))
    ++imgs;
  EXPECT_EQ(imgs, 2u) << trial.substr(0, 300);
  EXPECT_EQ(trial.find("espcn"), std::string::npos);
  EXPECT_EQ(trial.find("bicubic"), std::string::npos);
  EXPECT_NE(dom.find("<span id=\"progress\">1 / 6 (rated 0)</span>"), std::string::npos);
  EXPECT_NE(dom.find("Download CSV"), std::string::npos);
}

// Keys 3, 5, 1, 2 rate the four trials; Download CSV's text (Blob replaced by a
// stub that shows it) parses with metrics::parse_ratings_csv, whose decoded
// methods match the trial order of mos::trial_order.
TEST(MosDom, KeysAndDownloadGiveACsvThatSummarizeReads) {
  const std::string browser = chromium();
  if (browser.empty()) GTEST_SKIP() << "chromium is not installed (apt-get install chromium): the DOM check is skipped";
  const fs::path d = upres::testing::scratch_dir("report_dom", "mos_csv");
  upres::mos::MosPage p;
  p.methods = {"bicubic", "espcn"};
  p.images = {"a,1.png", "b.png"};
  p.outputs = {{ramp(8, 6), ramp(8, 6)}, {ramp(8, 6), ramp(8, 6)}};
  p.seed = 5;
  std::string page = upres::mos::render_mos_page(p);
  const std::string stubs =
      "<script>window.Blob = function (parts) { var p = document.createElement('pre'); p.id = 'csv';"
      " p.textContent = parts.join(''); document.body.appendChild(p); };"
      " URL.createObjectURL = function () { return 'about:blank'; }; URL.revokeObjectURL = function () {};"
      " HTMLAnchorElement.prototype.click = function () {};</script>\n";
  const std::string drive =
      "<script>['3', '5', '1', '2'].forEach(function (k) { document.dispatchEvent(new KeyboardEvent('keydown', {key: k})); });"
      " document.getElementById('rater').value = '#eve'; document.getElementById('download').click();</script>\n";
  page.insert(page.find("<script type=\"application/json\""), stubs);
  page.insert(page.rfind("</body>"), drive);
  upres::write_file_atomic((d / "mos.html").string(), page);
  const std::string dom = dump_dom(browser, d / "mos.html", d);
  ASSERT_FALSE(dom.empty()) << "chromium failed: " << upres::testing::slurp(d / "chromium.txt");
  EXPECT_NE(dom.find("<p id=\"done\">"), std::string::npos);
  const std::string open = "<pre id=\"csv\">";
  const size_t b = dom.find(open), e = dom.find("</pre>", b);
  ASSERT_NE(b, std::string::npos) << dom.substr(0, 2000);
  std::string csv = dom.substr(b + open.size(), e - b - open.size());
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{{"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}})
    for (size_t q = csv.find(from); q != std::string::npos; q = csv.find(from, q + to.size())) csv.replace(q, from.size(), to);
  const std::vector<upres::metrics::Rating> r = upres::metrics::parse_ratings_csv(csv, "downloaded.csv");
  ASSERT_EQ(r.size(), 4u) << csv;
  const auto order = upres::mos::trial_order(2, 2, 5);
  const int scores[] = {3, 5, 1, 2};
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(r[k].rater, "#eve");
    EXPECT_EQ(r[k].image, p.images[order[k].image]);
    EXPECT_EQ(r[k].method, p.methods[order[k].method]);
    EXPECT_EQ(r[k].score, scores[k]);
    EXPECT_EQ(r[k].trial, static_cast<int64_t>(k + 1));
  }
}
