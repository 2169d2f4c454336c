// html.h - the few pieces the tool's self-contained HTML pages are built from:
// escaping text, embedding images as base64 PNG data URIs, and SVG line charts.
//
// Self-contained means a page opens offline, from a file:// URL, with nothing
// fetched: an image is "data:image/png;base64,...." inside the <img> tag (base64
// turns 3 bytes into 4 characters, so a 96x96 RGB crop of ~20 KB of PNG costs
// ~27 KB of page), and a chart is an <svg> element written into the page.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "data/image.h"

namespace upres::html {

// Text for an element's content or a quoted attribute: & < > " ' become
// &amp; &lt; &gt; &quot; &#39;.
std::string escape(std::string_view text);

// Base64 (RFC 4648, standard alphabet, '=' padding), and its inverse; decode
// throws upres::Error on a character outside the alphabet or a bad length.
std::string base64_encode(std::string_view bytes);
std::string base64_decode(std::string_view text);

// "data:image/png;base64,..." of the image as an 8-bit PNG (data::encode_png).
std::string png_data_uri(const data::Image& img);

// One polyline of a chart.
struct Series {
  std::string name;          // legend text
  std::string colour;        // CSS colour, e.g. "#1f77b4"
  std::vector<double> x, y;  // equal lengths; non-finite points are skipped
};

struct ChartOptions {
  std::string title, x_label, y_label;
  int width = 560, height = 300;  // CSS pixels of the <svg>
  bool log_y = false;             // log10 y axis (for a loss); non-positive y skipped
};

// An <svg> line chart: axes with 5 "nice" ticks each (1, 2, 5 x 10^k steps),
// one polyline per series, a legend. Escapes every text. A chart without any
// finite point says "no data" instead of drawing axes.
std::string svg_line_chart(const std::vector<Series>& series, const ChartOptions& opt);

}  // namespace upres::html
