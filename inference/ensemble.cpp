// ensemble.cpp - the eight dihedral transforms and their average (ensemble.h).
#include "inference/ensemble.h"

#include "engine/error.h"

namespace upres::inference {

namespace {
data::Image mirror_x(const data::Image& a) {
  data::Image b(a.width, a.height, a.channels);
  for (int c = 0; c < a.channels; ++c)
    for (int y = 0; y < a.height; ++y)
      for (int x = 0; x < a.width; ++x) b.at(c, y, x) = a.at(c, y, a.width - 1 - x);
  return b;
}
data::Image mirror_y(const data::Image& a) {
  data::Image b(a.width, a.height, a.channels);
  for (int c = 0; c < a.channels; ++c)
    for (int y = 0; y < a.height; ++y)
      for (int x = 0; x < a.width; ++x) b.at(c, y, x) = a.at(c, a.height - 1 - y, x);
  return b;
}
data::Image transpose(const data::Image& a) {
  data::Image b(a.height, a.width, a.channels);
  for (int c = 0; c < a.channels; ++c)
    for (int y = 0; y < b.height; ++y)
      for (int x = 0; x < b.width; ++x) b.at(c, y, x) = a.at(c, x, y);
  return b;
}
void check_k(int k) { UPRES_CHECK(k >= 0 && k < 8, "dihedral: transform ", k, ", expected 0..7"); }
}  // namespace

data::Image dihedral(const data::Image& img, int k) {
  check_k(k);
  data::Image r = img;
  if (k & 1) r = mirror_x(r);
  if (k & 2) r = mirror_y(r);
  if (k & 4) r = transpose(r);
  return r;
}

data::Image dihedral_inverse(const data::Image& img, int k) {
  check_k(k);
  data::Image r = img;
  if (k & 4) r = transpose(r);
  if (k & 2) r = mirror_y(r);
  if (k & 1) r = mirror_x(r);
  return r;
}

data::Image self_ensemble(const std::function<data::Image(const data::Image&)>& fn, const data::Image& img) {
  data::Image sum;
  for (int k = 0; k < 8; ++k) {
    data::Image r = dihedral_inverse(fn(dihedral(img, k)), k);
    if (k == 0) {
      sum = std::move(r);
      continue;
    }
    UPRES_CHECK(r.width == sum.width && r.height == sum.height && r.channels == sum.channels,
                "self_ensemble: transform ", k, " gave ", r.width, "x", r.height, "x", r.channels, ", transform 0 ",
                sum.width, "x", sum.height, "x", sum.channels);
    for (size_t i = 0; i < sum.pixels.size(); ++i) sum.pixels[i] += r.pixels[i];
  }
  for (float& v : sum.pixels) v *= 0.125f;
  return sum;
}

}  // namespace upres::inference
