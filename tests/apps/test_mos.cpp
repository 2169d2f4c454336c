// Tests of the mean-opinion-score kit: Student's t quantile against printed
// table values, MOS and its 95% interval against a plain computation, the
// ratings CSV (codes, quoting, errors naming file and line), the seeded trial
// order, the page's data block (blind codes, embedded PNGs of the right size,
// hostile names), and `upres mos make` / `upres mos summarize` end to end.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "apps/upres/html.h"
#include "apps/upres/mos.h"
#include "data/image.h"
#include "engine/error.h"
#include "engine/json.h"
#include "metrics/mos.h"
#include "support/cli.h"

namespace fs = std::filesystem;
using upres::data::Image;
using upres::metrics::Rating;

namespace {

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const upres::Error& e) {
    return e.what();
  }
  return "(no error)";
}

Image flat(int w, int h, float v) { return Image(w, h, 3, v); }

// The JSON data block of a MOS page.
upres::json::Value page_data(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"mos-data\">";
  const size_t b = page.find(open);
  EXPECT_NE(b, std::string::npos);
  const size_t s = b + open.size(), e = page.find("</script>", s);
  return upres::json::parse(page.substr(s, e - s));
}

Image decode_uri(const std::string& uri) {
  const std::string tag = "data:image/png;base64,";
  EXPECT_EQ(uri.rfind(tag, 0), 0u);
  const std::string bytes = upres::html::base64_decode(uri.substr(tag.size()));
  return upres::data::decode_image(std::vector<unsigned char>(bytes.begin(), bytes.end()), "uri");
}

}  // namespace

// Two-sided 95% values of printed t tables (and scipy.stats.t.ppf(0.975, df)).
TEST(MosStats, StudentTQuantileKnownValues) {
  const std::vector<std::pair<double, double>> table = {{1, 12.7062}, {2, 4.3027}, {3, 3.1824}, {4, 2.7764},
                                                        {9, 2.2622},  {29, 2.0452}, {30, 2.0423}, {120, 1.9799},
                                                        {1e6, 1.95997}};
  for (const auto& [df, t] : table) EXPECT_NEAR(upres::metrics::student_t_quantile(0.975, df), t, 1e-4) << "df " << df;
  // Other levels: t_{0.995,5} = 4.0321, t_{0.9,10} = 1.3722; symmetric; the CDF inverts it.
  EXPECT_NEAR(upres::metrics::student_t_quantile(0.995, 5), 4.0321, 1e-4);
  EXPECT_NEAR(upres::metrics::student_t_quantile(0.9, 10), 1.3722, 1e-4);
  EXPECT_NEAR(upres::metrics::student_t_quantile(0.025, 4), -2.7764, 1e-4);
  for (double df : {1.0, 2.5, 7.0, 50.0})
    for (double p : {0.6, 0.9, 0.975, 0.999})
      EXPECT_NEAR(upres::metrics::student_t_cdf(upres::metrics::student_t_quantile(p, df), df), p, 1e-10);
  // df = 1 is the Cauchy distribution: CDF(t) = 1/2 + atan(t)/pi.
  EXPECT_NEAR(upres::metrics::student_t_cdf(2.0, 1), 0.5 + std::atan(2.0) / M_PI, 1e-12);
  EXPECT_THROW(upres::metrics::student_t_quantile(1.0, 3), upres::Error);
  EXPECT_THROW(upres::metrics::student_t_quantile(0.5, 0), upres::Error);
}

TEST(MosStats, MeanAndIntervalMatchAPlainComputation) {
  std::vector<Rating> r;
  const std::vector<int> a = {4, 5, 3, 4, 4, 5, 2, 4, 5, 3}, b = {2, 3, 2, 1, 3};
  for (int s : a) r.push_back({"r", "img.png", "espcn", s, 0, 0});
  for (int s : b) r.push_back({"r", "img.png", "bicubic", s, 0, 0});
  r.push_back({"r", "img.png", "once", 5, 0, 0});
  const auto mos = upres::metrics::mean_opinion_scores(r);
  ASSERT_EQ(mos.size(), 3u);
  EXPECT_EQ(mos[0].method, "once");  // sorted by MOS: 5, 3.9, 2.2
  EXPECT_EQ(mos[1].method, "espcn");
  EXPECT_EQ(mos[2].method, "bicubic");
  auto check = [](const upres::metrics::MethodMos& m, const std::vector<int>& s, double t) {
    double mean = 0, ss = 0;
    for (int v : s) mean += v;
    mean /= s.size();
    for (int v : s) ss += (v - mean) * (v - mean);
    const double hw = t * std::sqrt(ss / (s.size() - 1)) / std::sqrt(double(s.size()));
    EXPECT_EQ(m.n, static_cast<int64_t>(s.size()));
    EXPECT_NEAR(m.mos, mean, 1e-12);
    EXPECT_NEAR(m.half_width, hw, 1e-4);
    EXPECT_NEAR(m.ci_low, mean - hw, 1e-4);
    EXPECT_NEAR(m.ci_high, mean + hw, 1e-4);
  };
  check(mos[1], a, 2.2622);  // n = 10: t_{0.975,9}
  check(mos[2], b, 2.7764);  // n = 5: t_{0.975,4}
  EXPECT_EQ(mos[0].n, 1);
  EXPECT_TRUE(std::isnan(mos[0].half_width));  // one rating: no interval
}

TEST(MosStats, CsvDecodesCodesAndQuotes) {
  const std::string csv =
      "#code,a1b2c3,espcn\n"
      "# a comment\n"
      "#code,ffff00,\"bi,cubic\"\n"
      "rater,image,method,score,trial,time_ms\r\n"
      "ann,\"x,\"\"y\"\".png\",a1b2c3,4,1,1200\n"
      "\"#bob\",z.png,ffff00,2,2,\n"
      "\n"
      "ann,z.png,plainname,5,3,800.5\n";
  const std::vector<Rating> r = upres::metrics::parse_ratings_csv(csv, "r.csv");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].image, "x,\"y\".png");
  EXPECT_EQ(r[0].method, "espcn");
  EXPECT_EQ(r[0].score, 4);
  EXPECT_EQ(r[0].time_ms, 1200);
  EXPECT_EQ(r[1].rater, "#bob");
  EXPECT_EQ(r[1].method, "bi,cubic");
  EXPECT_EQ(r[2].method, "plainname");  // no code: the cell itself
  EXPECT_EQ(r[2].trial, 3);
  EXPECT_DOUBLE_EQ(r[2].time_ms, 800.5);
}

TEST(MosStats, MalformedRowsNameTheFileAndLine) {
  const std::string head = "rater,image,method,score,trial,time_ms\n" "a,x.png,m,3,1,10\n";
  const std::vector<std::pair<std::string, std::string>> bad = {
      {head + "a,x.png,m,6,2,10\n", "ratings.csv line 3: score '6'"},
      {head + "a,x.png,m,0,2,10\n", "ratings.csv line 3: score '0'"},
      {head + "a,x.png,m,3.5,2,10\n", "ratings.csv line 3: score '3.5'"},
      {head + "a,x.png,m,,2,10\n", "ratings.csv line 3: score ''"},
      {head + "a,x.png,m,3,2\n", "ratings.csv line 3: expected 6 fields"},
      {head + "a,\"x.png,m,3,2,1\n", "ratings.csv line 3: a quoted field is not closed"},
      {head + "a,x.png,,3,2,1\n", "ratings.csv line 3: the method field is empty"},
      {head + "a,x.png,m,3,two,1\n", "ratings.csv line 3: trial 'two'"},
      {head + "\n\na,x.png,m,3,2,fast\n", "ratings.csv line 5: time_ms 'fast'"},
      {"rater,image,score\n", "ratings.csv line 1: expected the header"},
      {"#code,a\n" + head, "ratings.csv line 1: a code line"},
      {"#code,a,x\n#code,a,y\n" + head, "ratings.csv line 2: the code 'a' is declared twice"},
      {"", "ratings.csv: no header line"},
  };
  for (const auto& [text, expect] : bad) {
    const std::string msg = message_of([&] { upres::metrics::parse_ratings_csv(text, "ratings.csv"); });
    EXPECT_NE(msg.find(expect), std::string::npos) << "expected '" << expect << "' in: " << msg;
  }
}

TEST(MosPage, TrialOrderIsASeededPermutation) {
  const auto a = upres::mos::trial_order(5, 3, 42), b = upres::mos::trial_order(5, 3, 42),
             c = upres::mos::trial_order(5, 3, 43);
  ASSERT_EQ(a.size(), 15u);
  std::set<std::pair<int, int>> seen;
  for (const auto& t : a) seen.insert({t.image, t.method});
  EXPECT_EQ(seen.size(), 15u);  // every pair exactly once
  bool same_ab = true, same_ac = true, sorted = true;
  for (size_t i = 0; i < a.size(); ++i) {
    same_ab &= a[i].image == b[i].image && a[i].method == b[i].method;
    same_ac &= a[i].image == c[i].image && a[i].method == c[i].method;
    sorted &= a[i].image == static_cast<int>(i / 3) && a[i].method == static_cast<int>(i % 3);
  }
  EXPECT_TRUE(same_ab);
  EXPECT_FALSE(same_ac);
  EXPECT_FALSE(sorted);
  const auto codes = upres::mos::method_codes(40, 7);
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), 40u);
  for (const auto& k : codes) EXPECT_EQ(k.size(), 6u);
}

TEST(MosPage, DataBlockIsBlindAndEmbedsEveryImage) {
  upres::mos::MosPage p;
  p.title = "<b>study</b>";
  p.methods = {"</script><script>alert(1)</script>", "espcn"};
  p.images = {"a.png", "<i>b</i>.png"};
  p.outputs = {{flat(7, 5, 0.1f), flat(9, 4, 0.2f)}, {flat(7, 5, 0.3f), flat(9, 4, 0.4f)}};
  p.reference = {flat(7, 5, 0.5f), flat(9, 4, 0.6f)};
  p.seed = 3;
  const std::string page = upres::mos::render_mos_page(p);
  EXPECT_EQ(page.find("</script><script>alert"), std::string::npos);
  EXPECT_EQ(page.find("<b>study"), std::string::npos);
  EXPECT_NE(page.find("&lt;b&gt;study&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(page.find("src=\"http"), std::string::npos);
  // The visible page (outside the data block) names no method.
  const std::string visible = page.substr(0, page.find("<script type=\"application/json\""));
  EXPECT_EQ(visible.find("espcn"), std::string::npos);

  const upres::json::Value d = page_data(page);
  const auto& codes = d.find("codes")->as_array();
  ASSERT_EQ(codes.size(), 2u);
  EXPECT_EQ(codes[0].as_array()[1].as_string(), p.methods[0]);  // the name survives the escaping
  const auto& trials = d.find("trials")->as_array();
  ASSERT_EQ(trials.size(), 4u);
  const auto order = upres::mos::trial_order(2, 2, 3);
  const auto& srcs = d.find("srcs")->as_array();
  for (size_t k = 0; k < trials.size(); ++k) {
    const int img = static_cast<int>(trials[k].find("image")->as_int64());
    EXPECT_EQ(img, order[k].image);
    EXPECT_EQ(trials[k].find("code")->as_string(), codes[order[k].method].as_array()[0].as_string());
    // The trial's picture is its method's output for its image.
    const Image shown = decode_uri(srcs[trials[k].find("src")->as_int64()].as_string());
    const Image& want = p.outputs[order[k].method][img];
    EXPECT_EQ(shown.width, want.width);
    EXPECT_EQ(shown.height, want.height);
    EXPECT_NEAR(shown.pixels[0], want.pixels[0], 0.5 / 255 + 1e-6);
  }
  const auto& refs = d.find("refs")->as_array();
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(decode_uri(refs[1].as_string()).width, 9);
  EXPECT_EQ(d.find("images")->as_array()[1].as_string(), "<i>b</i>.png");

  p.outputs[1].pop_back();
  EXPECT_NE(message_of([&] { upres::mos::render_mos_page(p); }).find("method 'espcn' has 1 images, expected 2"),
            std::string::npos);
}

namespace {

fs::path make_method_dir(const fs::path& root, const std::string& name, const std::vector<std::string>& files,
                         float v) {
  const fs::path d = root / name;
  fs::create_directories(d);
  for (const auto& f : files) upres::data::save_image(flat(12, 10, v), (d / f).string());
  return d;
}

}  // namespace

TEST(MosCli, MakeThenSummarize) {
  const fs::path d = upres::testing::scratch_dir("mos", "make");
  const auto a = make_method_dir(d, "a", {"x.png", "y.png"}, 0.2f), b = make_method_dir(d, "b", {"x.png", "y.png"}, 0.7f),
             ref = make_method_dir(d, "ref", {"x.png", "y.png"}, 0.5f);
  const fs::path page = d / "page.html";
  auto r = upres::testing::run_upres("mos make --method bic=" + a.string() + " --method espcn=" + b.string() +
                                         " --reference " + ref.string() + " -o " + page.string() + " --seed 9 --crop 6",
                                     d);
  ASSERT_EQ(r.code, 0) << r.err;
  const upres::json::Value data = page_data(upres::testing::slurp(page));
  EXPECT_EQ(data.find("trials")->size(), 4u);
  for (const auto& s : data.find("srcs")->as_array()) {
    const Image img = decode_uri(s.as_string());
    EXPECT_EQ(img.width, 6);  // --crop 6: the centre 6x6
    EXPECT_EQ(img.height, 6);
  }
  EXPECT_EQ(data.find("refs")->size(), 2u);

  // A rater's export: the page's code table, then rows with codes.
  std::string csv;
  std::string code_of[2];
  for (const auto& c : data.find("codes")->as_array()) {
    csv += "#code," + c.as_array()[0].as_string() + "," + c.as_array()[1].as_string() + "\n";
    code_of[c.as_array()[1].as_string() == "bic" ? 0 : 1] = c.as_array()[0].as_string();
  }
  csv += "rater,image,method,score,trial,time_ms\n";
  const int bic_scores[] = {2, 3, 2, 1}, espcn_scores[] = {4, 5, 4, 4};
  for (int i = 0; i < 4; ++i) {
    csv += "r1,x.png," + code_of[0] + "," + std::to_string(bic_scores[i]) + ",1,100\n";
    csv += "r1,x.png," + code_of[1] + "," + std::to_string(espcn_scores[i]) + ",2,100\n";
  }
  std::ofstream(d / "ratings.csv") << csv;
  r = upres::testing::run_upres("mos summarize " + (d / "ratings.csv").string() + " --json", d);
  ASSERT_EQ(r.code, 0) << r.err;
  const upres::json::Value s = upres::json::parse(r.out.substr(0, r.out.find_last_not_of('\n') + 1));
  const auto& m = s.find("methods")->as_array();
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].find("method")->as_string(), "espcn");
  EXPECT_DOUBLE_EQ(m[0].find("mos")->as_double(), 4.25);
  EXPECT_EQ(m[0].find("n")->as_int64(), 4);
  // sd of {4,5,4,4} = 0.5; half width = t_{0.975,3} * 0.5 / 2 = 3.1824 * 0.25.
  EXPECT_NEAR(m[0].find("half_width")->as_double(), 3.18245 * 0.25, 1e-4);
  EXPECT_DOUBLE_EQ(m[1].find("mos")->as_double(), 2.0);
  r = upres::testing::run_upres("mos summarize " + (d / "ratings.csv").string(), d);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("espcn"), std::string::npos);
  EXPECT_LT(r.out.find("espcn"), r.out.find("bic"));
  EXPECT_NE(r.out.find("4.250"), std::string::npos) << r.out;
}

TEST(MosCli, Errors) {
  const fs::path d = upres::testing::scratch_dir("mos", "errors");
  const auto a = make_method_dir(d, "a", {"x.png", "y.png"}, 0.2f), b = make_method_dir(d, "b", {"x.png"}, 0.7f);
  auto r = upres::testing::run_upres("mos make --method one=" + a.string() + " --method two=" + b.string() + " -o " +
                                         (d / "p.html").string(),
                                     d);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("method 'two' has no image 'y.png'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d / "p.html"));
  r = upres::testing::run_upres("mos make --method one -o x.html", d);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("expected NAME=DIR"), std::string::npos) << r.err;
  r = upres::testing::run_upres("mos make --method one=" + a.string() + " --method one=" + b.string() + " -o x.html", d);
  EXPECT_EQ(r.code, 2);
  r = upres::testing::run_upres("mos frobnicate", d);
  EXPECT_EQ(r.code, 2);
  std::ofstream(d / "bad.csv") << "rater,image,method,score,trial,time_ms\nr,x.png,m,9,1,1\n";
  r = upres::testing::run_upres("mos summarize " + (d / "bad.csv").string(), d);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("bad.csv line 2: score '9'"), std::string::npos) << r.err;
  r = upres::testing::run_upres("mos summarize", d);
  EXPECT_EQ(r.code, 2);
}
