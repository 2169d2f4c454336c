// planes.cpp - image -> float64 planes on the 8-bit scale, with the SR evaluation protocol.
#include "metrics/planes.h"

#include <cmath>

#include "data/color.h"
#include "engine/error.h"

namespace upres::metrics {

namespace {

// 255 v, snapped to the nearest integer when within 1e-4 of it: a float32 image
// read from an 8-bit file holds float(k / 255), and 255 times that misses k by
// up to ~1.5e-5; snapping returns k exactly, as tools that read uint8 see it.
double level(double v) {
  const double s = 255.0 * v, r = std::nearbyint(s);
  return std::abs(s - r) < 1e-4 ? r : s;
}

}  // namespace

Planes to_planes(const data::Image& img, const Protocol& p) {
  UPRES_CHECK(!img.empty() && img.width > 0 && img.height > 0, "metrics: the image is empty");
  UPRES_CHECK(p.border >= 0, "metrics: border is ", p.border, ", expected >= 0");
  const int w = img.width - 2 * p.border, h = img.height - 2 * p.border;
  UPRES_CHECK(w > 0 && h > 0, "metrics: removing ", p.border, " pixels at each border of a ", img.width, "x",
              img.height, " image leaves nothing");
  const bool colour = img.channels >= 3;
  const int colour_planes = colour ? 3 : 1;  // alpha, if any, is the plane after these
  const int out_c = p.y ? 1 : colour_planes;
  Planes out(w, h, out_c);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const int sy = y + p.border, sx = x + p.border;
      const int64_t o = static_cast<int64_t>(y) * w + x;
      if (p.y && colour) {
        const double r = level(img.at(0, sy, sx)), g = level(img.at(1, sy, sx)), b = level(img.at(2, sy, sx));
        out.plane(0)[o] = 255.0 * data::luma_bt601(r / 255.0, g / 255.0, b / 255.0);
      } else {
        for (int c = 0; c < out_c; ++c) out.plane(c)[o] = level(img.at(c, sy, sx));
      }
    }
  return out;
}

void check_same_size(const char* metric, const Planes& a, const Planes& b) {
  UPRES_CHECK(a.width == b.width && a.height == b.height && a.channels == b.channels, metric,
              ": images differ in size: reference ", a.width, "x", a.height, "x", a.channels, ", test ", b.width,
              "x", b.height, "x", b.channels, " (width x height x channels); expected equal sizes");
}

}  // namespace upres::metrics
