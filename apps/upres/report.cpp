// report.cpp - the HTML evaluation report (see report.h): a table, crops and
// training curves in one offline page.
#include "apps/upres/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "apps/upres/html.h"
#include "engine/error.h"
#include "engine/fileio.h"

namespace upres::report {

namespace {

std::string fixed(double v, int digits) {
  if (!std::isfinite(v)) return std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

// Summed-area table S (one row and column larger, zeros on top/left) of the
// per-pixel error e = sum_c |model - hr|; the box sum of a window is then four
// lookups: S[b][r] - S[t][r] - S[b][l] + S[t][l]. O(H W C) to build, O(1) per
// window, so trying every position costs O(H W), not O(H W size^2).
std::pair<int, int> worst_window(const data::Image& hr, const data::Image& model, int size) {
  UPRES_CHECK(hr.width == model.width && hr.height == model.height && hr.channels == model.channels,
              "worst_window: HR is ", hr.width, "x", hr.height, "x", hr.channels, " but the model's image is ",
              model.width, "x", model.height, "x", model.channels, "; expected equal sizes");
  UPRES_CHECK(size > 0, "worst_window: the window size must be positive, got ", size);
  const int W = hr.width, H = hr.height, sh = std::min(size, H), sw = std::min(size, W);
  std::vector<double> S(static_cast<size_t>(W + 1) * (H + 1), 0.0);
  auto at = [&](int y, int x) -> double& { return S[static_cast<size_t>(y) * (W + 1) + x]; };
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      double e = 0;
      for (int c = 0; c < hr.channels; ++c) e += std::abs(double(model.at(c, y, x)) - hr.at(c, y, x));
      at(y + 1, x + 1) = e + at(y, x + 1) + at(y + 1, x) - at(y, x);
    }
  double best = 0;
  std::pair<int, int> where{(H - sh) / 2, (W - sw) / 2};  // the centre when nothing differs
  for (int t = 0; t + sh <= H; ++t)
    for (int l = 0; l + sw <= W; ++l) {
      const double s = at(t + sh, l + sw) - at(t, l + sw) - at(t + sh, l) + at(t, l);
      if (s > best) best = s, where = {t, l};
    }
  return where;
}

Crop make_crop(const std::string& name, const data::Image& hr, const data::Image& bicubic, const data::Image& model,
               int size) {
  UPRES_CHECK(bicubic.width == hr.width && bicubic.height == hr.height && bicubic.channels == hr.channels,
              "make_crop: bicubic image of '", name, "' is ", bicubic.width, "x", bicubic.height, "x",
              bicubic.channels, ", HR is ", hr.width, "x", hr.height, "x", hr.channels, "; expected equal sizes");
  const auto [top, left] = worst_window(hr, model, size);
  const int h = std::min(size, hr.height), w = std::min(size, hr.width);
  Crop c;
  c.name = name;
  c.top = top, c.left = left;
  c.hr = data::crop(hr, top, left, h, w);
  c.bicubic = data::crop(bicubic, top, left, h, w);
  c.model = data::crop(model, top, left, h, w);
  return c;
}

namespace {

// The trainer's CSV log: columns found by name in the header; a row whose loss
// cell is empty or negative is a validation row.
struct TrainingLog {
  std::vector<double> step, loss, val_step, val_psnr;
};

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream s(line);
  while (std::getline(s, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.push_back("");
  return cells;
}

bool parse_number(const std::string& cell, double& v) {
  if (cell.empty()) return false;
  char* end = nullptr;
  v = std::strtod(cell.c_str(), &end);
  return end == cell.c_str() + cell.size();
}

TrainingLog read_training_log(const std::string& path) {
  std::istringstream in(read_file(path));
  std::string line;
  UPRES_CHECK(std::getline(in, line), "report: the training log '", path, "' is empty; expected a header line");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const std::vector<std::string> header = split_csv_line(line);
  auto column = [&](const char* name) {
    auto it = std::find(header.begin(), header.end(), name);
    UPRES_CHECK(it != header.end(), "report: the training log '", path, "' has no column '", name,
                "' (header: ", line, ")");
    return static_cast<size_t>(it - header.begin());
  };
  const size_t cs = column("step"), cl = column("loss"), cp = column("val_psnr_y");
  TrainingLog log;
  for (int n = 2; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::vector<std::string> cells = split_csv_line(line);
    UPRES_CHECK(cells.size() == header.size(), "report: line ", n, " of the training log '", path, "' has ",
                cells.size(), " cells; the header has ", header.size());
    double step = 0, loss = 0, psnr = 0;
    UPRES_CHECK(parse_number(cells[cs], step), "report: line ", n, " of the training log '", path,
                "': step '", cells[cs], "' is not a number");
    const bool has_loss = parse_number(cells[cl], loss);
    UPRES_CHECK(has_loss || cells[cl].empty(), "report: line ", n, " of the training log '", path,
                "': loss '", cells[cl], "' is not a number");
    if (has_loss && loss >= 0) log.step.push_back(step), log.loss.push_back(loss);
    if (parse_number(cells[cp], psnr)) log.val_step.push_back(step), log.val_psnr.push_back(psnr);
  }
  return log;
}

const char* kStyle = R"(
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
tr.mean td { font-weight: bold; background: #f4f4f4; }
td.up { color: #070; } td.down { color: #a00; }
.crops { display: flex; gap: 0.5em; flex-wrap: wrap; margin-bottom: 1.5em; }
figure { margin: 0; } figcaption { font-size: 0.85em; text-align: center; }
img.crop { image-rendering: pixelated; width: calc(var(--w) * var(--zoom, 3) * 1px); height: auto; cursor: zoom-in; }
img.crop.one { width: calc(var(--w) * 1px); }
.charts { display: flex; gap: 1em; flex-wrap: wrap; }
)";

// Zoom: the slider sets --zoom on the page; a click on a crop toggles 1x.
const char* kScript = R"(
var zoom = document.getElementById('zoom');
function setZoom() {
  document.documentElement.style.setProperty('--zoom', zoom.value);
  document.getElementById('zoom-value').textContent = zoom.value + 'x';
}
zoom.addEventListener('input', setZoom);
setZoom();
document.querySelectorAll('img.crop').forEach(function (img) {
  img.addEventListener('click', function () { img.classList.toggle('one'); });
});
)";

std::string figure(const data::Image& img, const std::string& caption) {
  return "<figure><img class=\"crop\" style=\"--w:" + std::to_string(img.width) + "\" width=\"" +
         std::to_string(img.width) + "\" height=\"" + std::to_string(img.height) + "\" alt=\"" +
         html::escape(caption) + "\" src=\"" + html::png_data_uri(img) + "\"><figcaption>" + html::escape(caption) +
         "</figcaption></figure>";
}

}  // namespace

std::string render_report(const ReportData& r) {
  using html::escape;
  const std::string title = "upres eval: " + r.dataset + " x" + std::to_string(r.scale) + ", " + r.model;
  std::string o = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title) +
                  "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  o += "<h1>" + escape(title) + "</h1>\n<p id=\"setup\">Dataset <b>" + escape(r.dataset) + "</b>, scale <b>x" +
       std::to_string(r.scale) + "</b>, model <b>" + escape(r.model) + "</b>, protocol <b>" + escape(r.protocol) +
       "</b>: PSNR and SSIM on Y (BT.601), " + std::to_string(r.scale) + " px border removed.</p>\n";

  // 1. the metrics table
  o += "<h2>Metrics</h2>\n<table id=\"metrics\">\n<thead><tr><th>image</th><th>bicubic PSNR-Y</th><th>bicubic "
       "SSIM-Y</th><th>" + escape(r.model) + " PSNR-Y</th><th>" + escape(r.model) +
       " SSIM-Y</th><th>gain (dB)</th></tr></thead>\n<tbody>\n";
  double sum[4] = {0, 0, 0, 0};
  auto row = [&](const std::string& cls, const std::string& name, double bp, double bs, double mp, double ms) {
    const double gain = mp - bp;
    const std::string g = std::isfinite(gain) ? gain > 0 ? "up" : gain < 0 ? "down" : "" : "";
    o += "<tr" + (cls.empty() ? std::string() : " class=\"" + cls + "\"") + "><td>" + escape(name) + "</td><td>" +
         fixed(bp, 2) + "</td><td>" + fixed(bs, 4) + "</td><td>" + fixed(mp, 2) + "</td><td>" + fixed(ms, 4) +
         "</td><td" + (g.empty() ? "" : " class=\"" + g + "\"") + ">" + (gain > 0 ? "+" : "") + fixed(gain, 2) +
         "</td></tr>\n";
  };
  for (const ImageRow& ir : r.rows) {
    row("", ir.name, ir.bicubic_psnr, ir.bicubic_ssim, ir.model_psnr, ir.model_ssim);
    sum[0] += ir.bicubic_psnr, sum[1] += ir.bicubic_ssim, sum[2] += ir.model_psnr, sum[3] += ir.model_ssim;
  }
  if (!r.rows.empty()) {
    const double n = static_cast<double>(r.rows.size());
    row("mean", "mean (" + std::to_string(r.rows.size()) + " images)", sum[0] / n, sum[1] / n, sum[2] / n,
        sum[3] / n);
  }
  o += "</tbody>\n</table>\n";

  // 2. crops
  if (!r.crops.empty()) {
    o += "<h2>Crops</h2>\n<p>The window where the model's error is largest. Zoom <input id=\"zoom\" type=\"range\" "
         "min=\"1\" max=\"8\" step=\"1\" value=\"3\"> <span id=\"zoom-value\">3x</span> (click a crop for 1x).</p>\n";
    for (const Crop& c : r.crops) {
      o += "<h3>" + escape(c.name) + " <small>(" + std::to_string(c.hr.width) + "x" + std::to_string(c.hr.height) +
           " at top " + std::to_string(c.top) + ", left " + std::to_string(c.left) + ")</small></h3>\n";
      o += "<div class=\"crops\">" + figure(c.hr, "HR") + figure(c.bicubic, "bicubic") + figure(c.model, r.model) +
           "</div>\n";
    }
  }

  // 3. training curves
  if (!r.training_log.empty()) {
    const TrainingLog log = read_training_log(r.training_log);
    html::ChartOptions loss_opt{"training loss", "step", "loss (log scale)", 560, 300, true};
    html::ChartOptions psnr_opt{"validation PSNR-Y", "step", "PSNR-Y (dB)", 560, 300, false};
    o += "<h2>Training</h2>\n<p>From " + escape(std::filesystem::path(r.training_log).filename().string()) +
         ".</p>\n<div class=\"charts\">\n";
    o += html::svg_line_chart({{"loss", "#1f77b4", log.step, log.loss}}, loss_opt);
    o += html::svg_line_chart({{"val PSNR-Y", "#d62728", log.val_step, log.val_psnr}}, psnr_opt);
    o += "</div>\n";
  }
  if (!r.crops.empty()) o += std::string("<script>") + kScript + "</script>\n";
  o += "</body>\n</html>\n";
  return o;
}

void write_report(const std::string& dir, const ReportData& r) {
  const std::string page = render_report(r);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  UPRES_CHECK(!ec, "report: cannot create the folder '", dir, "': ", ec.message());
  write_file_atomic((std::filesystem::path(dir) / "index.html").string(), page);
}

}  // namespace upres::report
