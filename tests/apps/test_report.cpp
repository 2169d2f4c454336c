// Tests of the HTML pieces of `upres eval --report` (apps/upres/html.h,
// report.h): escaping, base64 against RFC 4648's vectors, data URIs that decode
// to the embedded image, SVG charts, the worst-error window against a plain
// search, and the page's table, crops, escaping of hostile names and training
// curves read from a trainer-style CSV log.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "apps/upres/html.h"
#include "apps/upres/report.h"
#include "data/image.h"
#include "engine/error.h"
#include "engine/json.h"
#include "support/cli.h"

namespace fs = std::filesystem;
using upres::data::Image;

namespace {

Image pattern(int w, int h, int c, int salt) {
  Image img(w, h, c);
  for (int k = 0; k < c; ++k)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) img.at(k, y, x) = static_cast<float>(((x * 7 + y * 13 + k * 29 + salt) % 256) / 255.0);
  return img;
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + what.size())) ++n;
  return n;
}

// Every "data:image/png;base64,..." in the text, decoded to an image.
std::vector<Image> embedded_pngs(const std::string& page) {
  std::vector<Image> out;
  const std::string tag = "data:image/png;base64,";
  for (size_t p = page.find(tag); p != std::string::npos; p = page.find(tag, p + 1)) {
    const size_t b = p + tag.size(), e = page.find_first_of("\"'", b);
    const std::string bytes = upres::html::base64_decode(page.substr(b, e - b));
    out.push_back(upres::data::decode_image(std::vector<unsigned char>(bytes.begin(), bytes.end()), "data URI"));
  }
  return out;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const upres::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(Html, EscapeHostileText) {
  EXPECT_EQ(upres::html::escape("<script>alert('x&y')</script>\""),
            "&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt;&quot;");
  EXPECT_EQ(upres::html::escape("plain name.png"), "plain name.png");
}

TEST(Html, Base64Rfc4648Vectors) {
  const std::vector<std::pair<std::string, std::string>> v = {{"", ""},         {"f", "Zg=="},     {"fo", "Zm8="},
                                                              {"foo", "Zm9v"},  {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                                              {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, coded] : v) {
    EXPECT_EQ(upres::html::base64_encode(plain), coded);
    EXPECT_EQ(upres::html::base64_decode(coded), plain);
  }
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(upres::html::base64_decode(upres::html::base64_encode(all)), all);
  for (const char* bad : {"Zg=", "Z!==", "=Zg=", "Zg==Zg=="}) EXPECT_THROW(upres::html::base64_decode(bad), upres::Error) << bad;
}

TEST(Html, PngDataUriDecodesToTheImage) {
  for (int c : {1, 3}) {
    const Image img = pattern(7, 5, c, c);
    const std::vector<Image> back = embedded_pngs("<img src=\"" + upres::html::png_data_uri(img) + "\">");
    ASSERT_EQ(back.size(), 1u);
    EXPECT_EQ(back[0].width, 7);
    EXPECT_EQ(back[0].height, 5);
    ASSERT_EQ(back[0].channels, c);
    for (size_t i = 0; i < img.pixels.size(); ++i) ASSERT_NEAR(back[0].pixels[i], img.pixels[i], 0.5 / 255 + 1e-6);
  }
}

TEST(Html, SvgLineChartDrawsEachSeriesAndEscapes) {
  upres::html::Series a{"<b>loss</b>", "#123456", {0, 10, 20, 30}, {1.0, 0.5, NAN, 0.2}};
  upres::html::Series b{"other", "red", {0, 30}, {0.3, 0.4}};
  const std::string svg = upres::html::svg_line_chart({a, b}, {"T & t", "step", "loss", 400, 200, false});
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(count(svg, "<polyline"), 2u);
  EXPECT_NE(svg.find("&lt;b&gt;loss&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_NE(svg.find("T &amp; t"), std::string::npos);
  // The NaN point is skipped: 3 points in the first polyline.
  const std::smatch m = [&] {
    std::smatch mm;
    std::regex_search(svg, mm, std::regex("stroke=\"#123456\" stroke-width=\"1.5\" points=\"([^\"]*)\""));
    return mm;
  }();
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(count(m[1].str(), ","), 3u);
  // log axis: non-positive values skipped; nothing finite: "no data".
  const std::string log_svg = upres::html::svg_line_chart({{"l", "blue", {1, 2, 3}, {0.1, -1, 0.01}}}, {"L", "x", "y", 300, 200, true});
  EXPECT_EQ(count(log_svg, "<polyline"), 1u);
  const std::string empty = upres::html::svg_line_chart({{"e", "blue", {}, {}}}, {"E", "x", "y", 300, 200, false});
  EXPECT_NE(empty.find("no data"), std::string::npos);
  EXPECT_EQ(count(empty, "<polyline"), 0u);
  EXPECT_THROW(upres::html::svg_line_chart({{"bad", "blue", {1, 2}, {1}}}, {}), upres::Error);
}

// The worst window against a search that sums each window plainly.
TEST(Report, WorstWindowMatchesAPlainSearch) {
  struct Case {
    int w, h, c, size;
  };
  for (const Case& k : std::vector<Case>{{20, 16, 3, 4}, {9, 7, 1, 5}, {13, 5, 3, 8}, {6, 6, 1, 6}}) {
    const Image hr = pattern(k.w, k.h, k.c, 1);
    Image model = hr;
    for (int y = 0; y < k.h; ++y)
      for (int x = 0; x < k.w; ++x) model.at(0, y, x) += static_cast<float>(((x * 31 + y * 17) % 11) / 100.0);
    int bt = 0, bl = 0;
    double best = -1;
    const int sh = std::min(k.size, k.h), sw = std::min(k.size, k.w);
    for (int t = 0; t + sh <= k.h; ++t)
      for (int l = 0; l + sw <= k.w; ++l) {
        double s = 0;
        for (int c = 0; c < k.c; ++c)
          for (int y = t; y < t + sh; ++y)
            for (int x = l; x < l + sw; ++x) s += std::abs(double(model.at(c, y, x)) - hr.at(c, y, x));
        if (s > best + 1e-9) best = s, bt = t, bl = l;
      }
    const auto [t, l] = upres::report::worst_window(hr, model, k.size);
    EXPECT_EQ(t, bt) << k.w << "x" << k.h << " window " << k.size;
    EXPECT_EQ(l, bl) << k.w << "x" << k.h << " window " << k.size;
  }
  const Image same = pattern(11, 9, 3, 2);
  EXPECT_EQ(upres::report::worst_window(same, same, 4), std::make_pair(2, 3));  // the centre
  EXPECT_THROW(upres::report::worst_window(same, pattern(10, 9, 3, 2), 4), upres::Error);
}

TEST(Report, MakeCropCutsTheSameWindowOfEachImage) {
  const Image hr = pattern(20, 16, 3, 1), bic = pattern(20, 16, 3, 5);
  Image model = hr;
  model.at(1, 12, 15) = 1.0f - model.at(1, 12, 15);
  const upres::report::Crop c = upres::report::make_crop("x.png", hr, bic, model, 4);
  EXPECT_TRUE(c.top <= 12 && 12 < c.top + 4 && c.left <= 15 && 15 < c.left + 4) << c.top << "," << c.left;
  EXPECT_EQ(c.hr.width, 4);
  EXPECT_EQ(c.model.height, 4);
  EXPECT_EQ(c.bicubic.at(2, 1, 2), bic.at(2, c.top + 1, c.left + 2));
  EXPECT_EQ(c.model.at(1, 12 - c.top, 15 - c.left), model.at(1, 12, 15));
}

namespace {

upres::report::ReportData sample_report() {
  upres::report::ReportData r;
  r.dataset = "Set<5>";
  r.scale = 3;
  r.model = "espcn & co";
  r.protocol = "standard";
  r.rows = {{"<script>alert(1)</script>.png", 30.1251, 0.91234, 31.5, 0.93001},
            {"b\"ird\".png", 20.0, 0.5, 19.0, 0.4}};
  const Image hr = pattern(12, 10, 3, 0), bic = pattern(12, 10, 3, 9), model = pattern(12, 10, 3, 4);
  r.crops.push_back(upres::report::make_crop("<img src=x onerror=alert(1)>.png", hr, bic, model, 6));
  return r;
}

}  // namespace

TEST(Report, TableValuesAndMeans) {
  const std::string page = upres::report::render_report(sample_report());
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  // Values rounded as printed: PSNR to 2 decimals, SSIM to 4, gain signed.
  for (const char* cell : {"<td>30.13</td>", "<td>0.9123</td>", "<td>31.50</td>", "<td>0.9300</td>", ">+1.37</td>",
                           "<td>20.00</td>", "<td>19.00</td>", ">-1.00</td>"})
    EXPECT_NE(page.find(cell), std::string::npos) << cell;
  // Means: bicubic (30.1251 + 20) / 2 = 25.06255 -> 25.06; model 25.25; SSIM (0.91234+0.5)/2 = 0.70617 -> 0.7062.
  for (const char* cell : {"mean (2 images)", "<td>25.06</td>", "<td>0.7062</td>", "<td>25.25</td>", "<td>0.6650</td>",
                           ">+0.19</td>"})
    EXPECT_NE(page.find(cell), std::string::npos) << cell;
  EXPECT_EQ(count(page, "<tr"), 4u);  // header, two images, mean
}

TEST(Report, HostileNamesAreEscaped) {
  const std::string page = upres::report::render_report(sample_report());
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_EQ(page.find("<img src=x"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;.png"), std::string::npos);
  EXPECT_NE(page.find("b&quot;ird&quot;.png"), std::string::npos);
  EXPECT_NE(page.find("Set&lt;5&gt;"), std::string::npos);
  EXPECT_NE(page.find("espcn &amp; co"), std::string::npos);
  // Self-contained: nothing is fetched from elsewhere.
  EXPECT_EQ(page.find("src=\"http"), std::string::npos);
  EXPECT_EQ(page.find("href=\"http"), std::string::npos);
  EXPECT_EQ(count(page, "<script>"), 1u);  // the zoom script, and no other
}

TEST(Report, CropsAreEmbeddedPngsOfTheCropSize) {
  const upres::report::ReportData r = sample_report();
  const std::string page = upres::report::render_report(r);
  const std::vector<Image> imgs = embedded_pngs(page);
  ASSERT_EQ(imgs.size(), 3u);  // HR, bicubic, model
  const Image* expect[3] = {&r.crops[0].hr, &r.crops[0].bicubic, &r.crops[0].model};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(imgs[i].width, 6);
    EXPECT_EQ(imgs[i].height, 6);
    for (size_t k = 0; k < imgs[i].pixels.size(); ++k)
      ASSERT_NEAR(imgs[i].pixels[k], expect[i]->pixels[k], 0.5 / 255 + 1e-6) << "image " << i;
  }
  EXPECT_NE(page.find("image-rendering: pixelated"), std::string::npos);
  EXPECT_NE(page.find("id=\"zoom\" type=\"range\""), std::string::npos);
  // Without crops: no images, no script.
  upres::report::ReportData bare = r;
  bare.crops.clear();
  const std::string p2 = upres::report::render_report(bare);
  EXPECT_EQ(p2.find("data:image/png"), std::string::npos);
  EXPECT_EQ(p2.find("<script"), std::string::npos);
}

TEST(Report, TrainingCurvesFromTheCsvLog) {
  const fs::path d = upres::testing::scratch_dir("report", "log");
  const fs::path log = d / "run.log.csv";
  {
    std::ofstream f(log);
    f << "step,loss,lr,steps_per_s,val_psnr_y,val_ssim_y,l1\n"
         "10,0.08,0.001,5.5,,,0.08\n"
         "20,0.05,0.001,5.6,,,0.05\n"
         "20,-1,0.001,0,30.5,0.91,\n"
         "30,0.04,0.001,5.4,,,\n"
         "40,0.03,0.0005,5.4,,,\n"
         "40,-1,0.0005,0,31.25,0.92,\n";
  }
  upres::report::ReportData r = sample_report();
  r.training_log = log.string();
  const std::string page = upres::report::render_report(r);
  EXPECT_EQ(count(page, "<svg"), 2u);
  EXPECT_NE(page.find("training loss"), std::string::npos);
  EXPECT_NE(page.find("validation PSNR-Y"), std::string::npos);
  std::smatch m;
  std::string rest = page;
  std::vector<size_t> points;
  while (std::regex_search(rest, m, std::regex("points=\"([^\"]*)\""))) {
    points.push_back(count(m[1].str(), ",") );
    rest = m.suffix();
  }
  EXPECT_EQ(points, (std::vector<size_t>{4, 2}));  // 4 training rows, 2 validation rows

  // A malformed row names the file and the line.
  {
    std::ofstream f(log, std::ios::app);
    f << "50,abc,0.001,5,,,\n";
  }
  const std::string msg = message_of([&] { upres::report::render_report(r); });
  EXPECT_NE(msg.find("line 8"), std::string::npos) << msg;
  EXPECT_NE(msg.find("run.log.csv"), std::string::npos) << msg;
  r.training_log = (d / "missing.csv").string();
  EXPECT_NE(message_of([&] { upres::report::render_report(r); }).find("missing.csv"), std::string::npos);
}

TEST(Report, WriteReportMakesTheFolderAndIndexHtml) {
  const fs::path d = upres::testing::scratch_dir("report", "write") / "deeper" / "report";
  const upres::report::ReportData r = sample_report();
  upres::report::write_report(d.string(), r);
  EXPECT_EQ(upres::testing::slurp(d / "index.html"), upres::report::render_report(r));
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(d)) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);  // no temporary file left beside it
}

namespace {

std::string two_decimals(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

// `upres eval --report`: the page's model column is eval's own --json numbers,
// its bicubic column those of `eval -m bicubic`; one crop triple per image.
TEST(ReportCli, EvalWritesTheReport) {
  const fs::path d = upres::testing::scratch_dir("report", "eval");
  fs::create_directories(d / "set");
  Image a = pattern(40, 36, 3, 3), b = pattern(30, 26, 3, 8);
  for (float& v : b.pixels) v = 1.0f - v * 0.5f;
  upres::data::save_image(a, (d / "set" / "a.png").string());
  upres::data::save_image(b, (d / "set" / "<b>.png").string());
  std::ofstream(d / "x.log.csv") << "step,loss,lr,steps_per_s,val_psnr_y,val_ssim_y\n10,0.5,0.001,3,,\n10,-1,0.001,0,25,0.8\n"
                                    "20,0.25,0.001,3,,\n";
  const std::string set = "-s 2 -d \"" + (d / "set").string() + "\" --json";
  auto r = upres::testing::run_upres("eval -m espcn " + set + " --report \"" + (d / "rep").string() +
                                         "\" --training-log \"" + (d / "x.log.csv").string() + "\"",
                                     d);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto model = upres::json::parse(r.out.substr(0, r.out.find_last_not_of('\n') + 1));
  r = upres::testing::run_upres("eval -m bicubic " + set, d);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto bic = upres::json::parse(r.out.substr(0, r.out.find_last_not_of('\n') + 1));
  const std::string page = upres::testing::slurp(d / "rep" / "index.html");
  ASSERT_FALSE(page.empty());
  for (size_t i = 0; i < 2; ++i) {
    const auto& m = model.find("images")->as_array()[i];
    const auto& bb = bic.find("images")->as_array()[i];
    const std::string row = "<tr><td>" + upres::html::escape(m.find("name")->as_string()) + "</td><td>" +
                            two_decimals(bb.find("psnr_y")->as_double()) + "</td>";
    EXPECT_NE(page.find(row), std::string::npos) << row;
    EXPECT_NE(page.find("<td>" + two_decimals(m.find("psnr_y")->as_double()) + "</td>"), std::string::npos);
  }
  EXPECT_NE(page.find("&lt;b&gt;.png"), std::string::npos);
  EXPECT_EQ(page.find("<b>.png"), std::string::npos);
  const std::vector<Image> imgs = embedded_pngs(page);
  ASSERT_EQ(imgs.size(), 6u);  // HR, bicubic, model for each image; crops no larger than the images
  EXPECT_EQ(imgs[0].width, 30);  // "<b>.png" sorts before "a.png"
  EXPECT_EQ(imgs[3].width, 40);
  EXPECT_EQ(count(page, "<svg"), 2u);
  r = upres::testing::run_upres("eval -m bicubic -s 2 -d \"" + (d / "set").string() + "\" --report \"" +
                                    (d / "rep2").string() + "\" --training-log nothing.csv",
                                d);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("nothing.csv"), std::string::npos);
}
