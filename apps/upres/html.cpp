// html.cpp - escaping, base64 data URIs and SVG line charts (see html.h).
#include "apps/upres/html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/error.h"

namespace upres::html {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {
const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
}  // namespace

// Every 3 bytes (24 bits) become 4 characters of 6 bits; a last group of 1 or 2
// bytes is padded with '=' to 4 characters.
std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string base64_decode(std::string_view text) {
  UPRES_CHECK(text.size() % 4 == 0, "base64: the length ", text.size(), " is not a multiple of 4");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int pad = 0;
    unsigned v = 0;
    for (size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      int d;
      if (c == '=' && last && k >= 2) {
        ++pad;
        d = 0;
      } else {
        d = base64_value(c);
        UPRES_CHECK(d >= 0 && pad == 0, "base64: unexpected character '", c, "' at offset ", i + k);
      }
      v = (v << 6) | static_cast<unsigned>(d);
    }
    out += static_cast<char>((v >> 16) & 255);
    if (pad < 2) out += static_cast<char>((v >> 8) & 255);
    if (pad < 1) out += static_cast<char>(v & 255);
  }
  return out;
}

std::string png_data_uri(const data::Image& img) {
  const std::vector<unsigned char> png = data::encode_png(img);
  return "data:image/png;base64," +
         base64_encode(std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
}

namespace {

std::string num(double v, int digits = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// A tick label: as few decimals as the step needs ("0.5", "1e-3" for tiny).
std::string tick_label(double v, double step) {
  if (std::abs(v) < step * 1e-9) v = 0;
  const int digits = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  if (digits > 6 || std::abs(v) >= 1e6) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
  }
  return num(v, digits);
}

// A step of 1, 2 or 5 x 10^k so that [lo, hi] holds about `count` intervals.
double nice_step(double lo, double hi, int count) {
  const double raw = (hi - lo) / count;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  const double m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

struct Range {
  double lo = INFINITY, hi = -INFINITY;
  void add(double v) { lo = std::min(lo, v), hi = std::max(hi, v); }
  bool empty() const { return !(lo <= hi); }
  // Widen a single value to a visible interval.
  void widen() {
    if (hi - lo < 1e-12 * std::max(1.0, std::abs(hi))) {
      const double d = std::max(std::abs(hi) * 0.05, 1e-3);
      lo -= d, hi += d;
    }
  }
};

}  // namespace

// Layout: a margin on the left for the y tick labels, at the bottom for the x
// labels, a plot box inside; data (x, y) maps linearly to the box (y up).
std::string svg_line_chart(const std::vector<Series>& series, const ChartOptions& opt) {
  const double W = opt.width, H = opt.height, ml = 64, mr = 16, mt = 28, mb = 44;
  const double pw = W - ml - mr, ph = H - mt - mb;
  auto ty = [&](double y) { return opt.log_y ? std::log10(y) : y; };
  auto usable = [&](double x, double y) { return std::isfinite(x) && std::isfinite(y) && (!opt.log_y || y > 0); };
  Range rx, ry;
  for (const Series& s : series) {
    UPRES_CHECK(s.x.size() == s.y.size(), "svg_line_chart: series '", s.name, "' has ", s.x.size(), " x and ",
                s.y.size(), " y values");
    for (size_t i = 0; i < s.x.size(); ++i)
      if (usable(s.x[i], s.y[i])) rx.add(s.x[i]), ry.add(ty(s.y[i]));
  }
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" + num(W, 0) +
                    "\" height=\"" + num(H, 0) + "\" viewBox=\"0 0 " + num(W, 0) + " " + num(H, 0) +
                    "\" role=\"img\" aria-label=\"" + escape(opt.title) + "\">\n";
  out += "<text x=\"" + num(W / 2) + "\" y=\"18\" text-anchor=\"middle\" font-weight=\"bold\">" + escape(opt.title) +
         "</text>\n";
  if (rx.empty()) {
    out += "<text x=\"" + num(W / 2) + "\" y=\"" + num(H / 2) + "\" text-anchor=\"middle\">no data</text>\n</svg>\n";
    return out;
  }
  rx.widen();
  ry.widen();
  const double sx = nice_step(rx.lo, rx.hi, 4), sy = nice_step(ry.lo, ry.hi, 4);
  // Extend the y range to whole steps so the top and bottom ticks frame the lines.
  ry.lo = std::floor(ry.lo / sy) * sy, ry.hi = std::ceil(ry.hi / sy) * sy;
  auto px = [&](double x) { return ml + (x - rx.lo) / (rx.hi - rx.lo) * pw; };
  auto py = [&](double y) { return mt + ph - (y - ry.lo) / (ry.hi - ry.lo) * ph; };

  out += "<rect x=\"" + num(ml) + "\" y=\"" + num(mt) + "\" width=\"" + num(pw) + "\" height=\"" + num(ph) +
         "\" fill=\"none\" stroke=\"#888\"/>\n";
  for (double t = std::ceil(rx.lo / sx) * sx; t <= rx.hi + sx * 1e-9; t += sx) {
    out += "<line x1=\"" + num(px(t)) + "\" y1=\"" + num(mt + ph) + "\" x2=\"" + num(px(t)) + "\" y2=\"" +
           num(mt + ph + 4) + "\" stroke=\"#888\"/><text x=\"" + num(px(t)) + "\" y=\"" + num(mt + ph + 16) +
           "\" text-anchor=\"middle\" font-size=\"11\">" + tick_label(t, sx) + "</text>\n";
  }
  for (double t = ry.lo; t <= ry.hi + sy * 1e-9; t += sy) {
    const std::string label = opt.log_y ? tick_label(std::pow(10.0, t), std::pow(10.0, t) / 10) : tick_label(t, sy);
    out += "<line x1=\"" + num(ml) + "\" y1=\"" + num(py(t)) + "\" x2=\"" + num(ml + pw) + "\" y2=\"" + num(py(t)) +
           "\" stroke=\"#eee\"/><text x=\"" + num(ml - 6) + "\" y=\"" + num(py(t) + 4) +
           "\" text-anchor=\"end\" font-size=\"11\">" + label + "</text>\n";
  }
  out += "<text x=\"" + num(ml + pw / 2) + "\" y=\"" + num(H - 8) + "\" text-anchor=\"middle\" font-size=\"12\">" +
         escape(opt.x_label) + "</text>\n";
  out += "<text transform=\"translate(14," + num(mt + ph / 2) +
         ") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">" + escape(opt.y_label) + "</text>\n";
  double legend_y = mt + 14;
  for (const Series& s : series) {
    std::string points;
    for (size_t i = 0; i < s.x.size(); ++i)
      if (usable(s.x[i], s.y[i])) points += num(px(s.x[i]), 2) + "," + num(py(ty(s.y[i])), 2) + " ";
    if (points.empty()) continue;
    points.pop_back();
    out += "<polyline class=\"series\" fill=\"none\" stroke=\"" + escape(s.colour) +
           "\" stroke-width=\"1.5\" points=\"" + points + "\"><title>" + escape(s.name) + "</title></polyline>\n";
    out += "<text x=\"" + num(ml + pw - 6) + "\" y=\"" + num(legend_y) + "\" text-anchor=\"end\" font-size=\"11\" fill=\"" +
           escape(s.colour) + "\">" + escape(s.name) + "</text>\n";
    legend_y += 14;
  }
  out += "</svg>\n";
  return out;
}

}  // namespace upres::html
