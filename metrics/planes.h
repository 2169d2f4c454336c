// planes.h - images as metrics see them, and the evaluation protocol of SR papers.
//
// Metrics work on Planes: float64 samples on the 8-bit scale [0, 255], planar
// (channel-major). data::Image stores [0, 1] floats; to_planes multiplies by 255
// in double and snaps a result within 1e-4 of an integer to that integer, so an
// image read from an 8-bit file gives back its exact 8-bit levels (float32 holds
// k / 255 only to ~6e-8 relative) while unquantised values (a network's output)
// stay as they are, give or take 1e-4 of a level.
//
// The protocol of published SR tables (DESIGN.md) is what to_planes applies:
//   - y = true: the BT.601 luma of data/color.h, Y = 16 + (65.481 R + 128.553 G
//     + 24.966 B) / 255 for 8-bit R, G, B, computed in double (not rounded to
//     an integer, not through a float Image); a grey image is taken as Y already.
//   - y = false: the colour planes; alpha (the last plane of grey+alpha or RGBA)
//     is dropped, it is not part of what the picture shows.
//   - border: that many pixels removed at each of the four sides ("shave"),
//     usually the scale factor, because SR methods treat borders differently.
#pragma once

#include <cstdint>
#include <vector>

#include "data/image.h"

namespace upres::metrics {

struct Planes {
  int width = 0, height = 0, channels = 0;
  std::vector<double> samples;  // channels * height * width, [0, 255]

  Planes() = default;
  Planes(int w, int h, int c) : width(w), height(h), channels(c), samples(static_cast<size_t>(w) * h * c, 0.0) {}
  int64_t plane_size() const { return static_cast<int64_t>(width) * height; }
  double* plane(int c) { return samples.data() + c * plane_size(); }
  const double* plane(int c) const { return samples.data() + c * plane_size(); }
};

struct Protocol {
  bool y = false;   // luma only (else the colour planes)
  int border = 0;   // pixels removed at each side
};

// The planes a metric compares. Throws upres::Error when the border leaves
// nothing or the image has no pixels.
Planes to_planes(const data::Image& img, const Protocol& protocol);

// Throws upres::Error naming `metric` and both sizes unless a and b have the same
// width, height and channel count.
void check_same_size(const char* metric, const Planes& a, const Planes& b);

}  // namespace upres::metrics
