// color.cpp - BT.601 RGB <-> YCbCr on planar images.
#include "data/color.h"

#include "engine/error.h"

namespace upres::data {

namespace {

// Rows: Y, Cb, Cr; columns: R, G, B (inputs in [0, 1], outputs in 8-bit units).
constexpr double kForward[3][3] = {{65.481, 128.553, 24.966},
                                   {-37.797, -74.203, 112.0},
                                   {112.0, -93.786, -18.214}};
constexpr double kOffset[3] = {16.0, 128.0, 128.0};

struct Inverse {
  double m[3][3];
  Inverse() {  // the inverse of kForward by the adjugate (cofactors) / determinant
    const auto& a = kForward;
    double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
                 a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
                 a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) {
        // cofactor of a[j][i], transposed into m[i][j]
        int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
        m[i][j] = (a[r0][c0] * a[r1][c1] - a[r0][c1] * a[r1][c0]) / det;
      }
  }
};

const Inverse& inverse() {
  static const Inverse inv;
  return inv;
}

void check_rgb(const char* op, const Image& img, bool allow_alpha) {
  UPRES_CHECK(img.channels == 3 || (allow_alpha && img.channels == 4), op, ": image ", img.width, "x",
              img.height, " has ", img.channels, " channels, expected 3", allow_alpha ? " (or 4 with alpha)" : "");
}

}  // namespace

Image rgb_to_y(const Image& rgb) {
  if (rgb.channels == 1) return rgb;
  check_rgb("rgb_to_y", rgb, true);
  Image y(rgb.width, rgb.height, 1);
  const float *r = rgb.plane(0), *g = rgb.plane(1), *b = rgb.plane(2);
  float* o = y.plane(0);
  for (int64_t i = 0; i < rgb.plane_size(); ++i) o[i] = static_cast<float>(luma_bt601(r[i], g[i], b[i]));
  return y;
}

Image rgb_to_ycbcr(const Image& rgb) {
  check_rgb("rgb_to_ycbcr", rgb, false);
  Image out(rgb.width, rgb.height, 3);
  const float* in[3] = {rgb.plane(0), rgb.plane(1), rgb.plane(2)};
  for (int k = 0; k < 3; ++k) {
    float* o = out.plane(k);
    for (int64_t i = 0; i < rgb.plane_size(); ++i)
      o[i] = static_cast<float>(
          (kOffset[k] + kForward[k][0] * in[0][i] + kForward[k][1] * in[1][i] + kForward[k][2] * in[2][i]) /
          255.0);
  }
  return out;
}

Image ycbcr_to_rgb(const Image& ycbcr) {
  UPRES_CHECK(ycbcr.channels == 3, "ycbcr_to_rgb: image ", ycbcr.width, "x", ycbcr.height, " has ",
              ycbcr.channels, " channels, expected 3 (Y, Cb, Cr)");
  const auto& m = inverse().m;
  Image out(ycbcr.width, ycbcr.height, 3);
  const float* in[3] = {ycbcr.plane(0), ycbcr.plane(1), ycbcr.plane(2)};
  for (int64_t i = 0; i < ycbcr.plane_size(); ++i) {
    double d[3];  // offsets removed, back in 8-bit units
    for (int k = 0; k < 3; ++k) d[k] = 255.0 * in[k][i] - kOffset[k];
    for (int k = 0; k < 3; ++k) out.plane(k)[i] = static_cast<float>(m[k][0] * d[0] + m[k][1] * d[1] + m[k][2] * d[2]);
  }
  return out;
}

}  // namespace upres::data
