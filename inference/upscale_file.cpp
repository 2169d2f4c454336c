// upscale_file.cpp - decode, enlarge by bands, encode row by row (upscale_file.h).
#include "inference/upscale_file.h"

#include <algorithm>

#include "data/image.h"
#include "data/png_writer.h"
#include "engine/error.h"

namespace upres::inference {

int64_t band_rows(int64_t overlap) { return std::max<int64_t>(64, 16 * overlap); }

void upscale_file(const TileFn& enlarge, int64_t scale, int64_t overlap, const std::string& in,
                  const std::string& out, const std::function<void()>& between) {
  UPRES_CHECK(scale >= 1 && overlap >= 0, "upscale_file: scale ", scale, " and overlap ", overlap,
              ", expected >= 1 and >= 0");
  const data::ImageFormat format = data::format_from_path(out);  // before the work: a bad name fails fast
  const data::Image img = data::load_image(in);
  auto check_point = [&] {
    if (between) between();
  };
  if (format != data::ImageFormat::png) {
    const data::Image big = enlarge(img);
    check_point();
    data::save_image(big, out);
    return;
  }
  const int64_t W = img.width * scale, H = img.height * scale;
  UPRES_CHECK(W <= 0x7FFFFFFF && H <= 0x7FFFFFFF, "cannot write '", out, "': a ", W, "x", H,
              " image is larger than PNG allows (2^31 - 1 pixels per side)");
  data::PngWriter png(out, static_cast<int>(W), static_cast<int>(H), img.channels, img.bit_depth == 16 ? 16 : 8);
  auto band = [&](const data::Image& b) {
    check_point();
    return enlarge(b);
  };
  run_banded(band, img, scale, band_rows(overlap), overlap,
             [&](const data::Image& rows, int64_t) { png.write_rows(rows); });
  check_point();
  png.finish();
}

}  // namespace upres::inference
