// train_folder.h - a tiny folder of HR training images for the `upres train` tests
// (tests/apps/test_train_cli.cpp, test_train_gan.cpp): two RGB pictures with detail
// everywhere, of odd sizes, so patches come from both and from anywhere in them.
#pragma once

#include <filesystem>

#include "data/image.h"

namespace upres::testing {

inline data::Image training_picture(int w, int h, int seed) {
  data::Image img(w, h, 3);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        img.at(c, y, x) = static_cast<float>((x * 29 + y * 47 + c * 83 + x * y * (5 + seed)) % 256) / 255.0f;
  return img;
}

// `d`/a.png (40x36) and `d`/b.png (33x47), creating `d`.
inline void make_training_folder(const std::filesystem::path& d) {
  std::filesystem::create_directories(d);
  data::save_png(training_picture(40, 36, 0), (d / "a.png").string());
  data::save_png(training_picture(33, 47, 1), (d / "b.png").string());
}

}  // namespace upres::testing
