// metric_images.h - the test images of the metrics tests, defined by integer
// formulas that tests/fixtures/metrics/make_metrics_fixture.py mirrors exactly,
// so the fixture stores only metric values. Images hold 8-bit integers k as k / 255.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "data/image.h"

namespace upres::testing {

inline uint32_t hash3(uint32_t x, uint32_t y, uint32_t c, uint32_t seed) {
  uint32_t h = x * 374761393u + y * 668265263u + c * 2246822519u + seed * 3266489917u;
  h = (h ^ (h >> 13)) * 1274126177u;
  return h ^ (h >> 16);
}

// The 8-bit integer at (c, y, x) of an image that holds k / 255.
inline int level(const data::Image& img, int c, int y, int x) {
  return static_cast<int>(std::lround(img.at(c, y, x) * 255.0));
}

template <typename F>
data::Image image_from(int w, int h, int ch, F&& value) {
  data::Image img(w, h, ch);
  for (int c = 0; c < ch; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) img.at(c, y, x) = static_cast<float>(value(c, y, x) / 255.0);
  return img;
}

inline data::Image metric_reference(int w, int h, int ch, uint32_t seed) {
  return image_from(w, h, ch, [&](int c, int y, int x) {
    return static_cast<int>((3 * x + 2 * y + 50 * c + hash3(x, y, c, seed) % 48) % 256);
  });
}

inline data::Image metric_noisy(const data::Image& ref, uint32_t seed) {
  return image_from(ref.width, ref.height, ref.channels, [&](int c, int y, int x) {
    return std::clamp(level(ref, c, y, x) + static_cast<int>(hash3(x, y, c, seed) % 41) - 20, 0, 255);
  });
}

inline data::Image metric_blurred(const data::Image& ref) {  // 3x3 box mean, clamped borders, floor
  return image_from(ref.width, ref.height, ref.channels, [&](int c, int y, int x) {
    int s = 0;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx)
        s += level(ref, c, std::clamp(y + dy, 0, ref.height - 1), std::clamp(x + dx, 0, ref.width - 1));
    return s / 9;
  });
}

inline data::Image metric_contrast(const data::Image& ref) {
  return image_from(ref.width, ref.height, ref.channels,
                    [&](int c, int y, int x) { return std::clamp(level(ref, c, y, x) * 3 / 2 - 64, 0, 255); });
}

inline data::Image metric_inverted(const data::Image& ref) {
  return image_from(ref.width, ref.height, ref.channels,
                    [&](int c, int y, int x) { return 255 - level(ref, c, y, x); });
}

}  // namespace upres::testing
