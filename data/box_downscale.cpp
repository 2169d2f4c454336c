// box_downscale.cpp - block averaging; 1 read and 1/factor^2 write per input sample.
#include "data/box_downscale.h"

#include "engine/error.h"

namespace upres::data {

Image box_downscale(const Image& img, int factor) {
  UPRES_CHECK(factor >= 1, "box_downscale: factor ", factor, " must be >= 1");
  UPRES_CHECK(img.width >= factor && img.height >= factor, "box_downscale: a ", img.width, "x", img.height,
              " image is smaller than the factor ", factor);
  const int w = img.width / factor, h = img.height / factor;
  Image out(w, h, img.channels);
  const double inv = 1.0 / (static_cast<double>(factor) * factor);
  for (int c = 0; c < img.channels; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        double s = 0.0;
        for (int i = 0; i < factor; ++i)
          for (int j = 0; j < factor; ++j) s += img.at(c, y * factor + i, x * factor + j);
        out.at(c, y, x) = static_cast<float>(s * inv);
      }
  return out;
}

}  // namespace upres::data
