// tiling.cpp - the tile grid, the blend ramps and the tiled run (tiling.h).
#include "inference/tiling.h"

#include <algorithm>
#include <deque>

#include "engine/error.h"

namespace upres::inference {

std::vector<Span> split_axis(int64_t length, int64_t tile, int64_t overlap) {
  UPRES_CHECK(length > 0, "tiling: image side ", length, ", expected > 0");
  UPRES_CHECK(overlap >= 0, "tiling: overlap ", overlap, ", expected >= 0");
  UPRES_CHECK(tile <= 0 || tile >= 2 * overlap, "tiling: tile ", tile, " is smaller than twice the overlap ", overlap,
              " (the blend bands on a tile's two sides would meet); use tile >= ", 2 * overlap);
  if (tile <= 0 || tile >= length) return {Span{0, length, 0, length}};
  // n cores of floor(length / n) or that + 1 pixels: the first (length % n) get the extra one.
  const int64_t n = (length + tile - 1) / tile, base = length / n, extra = length % n;
  std::vector<Span> spans;
  int64_t at = 0;
  for (int64_t i = 0; i < n; ++i) {
    Span s;
    s.begin = at;
    s.end = at + base + (i < extra ? 1 : 0);
    s.win_begin = std::max<int64_t>(0, s.begin - overlap);
    s.win_end = std::min<int64_t>(length, s.end + overlap);
    at = s.end;
    spans.push_back(s);
  }
  // length > (n-1) tile and tile >= 2 overlap give cores > overlap * 2(n-1)/n >= overlap:
  // two bands of overlap/2 fit in every core.
  UPRES_CHECK(base >= overlap, "tiling: internal: core of ", base, " pixels < overlap ", overlap);
  return spans;
}

float blend_weight(const std::vector<Span>& spans, size_t i, int64_t X, int64_t scale, int64_t overlap) {
  const double p = (static_cast<double>(X) + 0.5) / static_cast<double>(scale);  // LR coordinate of the pixel centre
  const double h = 0.5 * static_cast<double>(overlap);                           // half the band
  double w = 1.0;
  if (i > 0) {  // left (top) boundary: ramp 0 -> 1 across [begin - h, begin + h)
    const double b = static_cast<double>(spans[i].begin);
    w *= h > 0 ? std::clamp((p - (b - h)) / (2 * h), 0.0, 1.0) : (p >= b ? 1.0 : 0.0);
  }
  if (i + 1 < spans.size()) {  // right (bottom) boundary: ramp 1 -> 0 across [end - h, end + h)
    const double e = static_cast<double>(spans[i].end);
    w *= h > 0 ? std::clamp(((e + h) - p) / (2 * h), 0.0, 1.0) : (p < e ? 1.0 : 0.0);
  }
  return static_cast<float>(w);
}

data::Image run_tiled(const TileFn& fn, const data::Image& img, int64_t scale, int64_t tile, int64_t overlap) {
  UPRES_CHECK(scale >= 1, "run_tiled: scale ", scale, ", expected >= 1");
  UPRES_CHECK(!img.empty(), "run_tiled: empty image");
  const std::vector<Span> ys = split_axis(img.height, tile, overlap), xs = split_axis(img.width, tile, overlap);
  if (ys.size() == 1 && xs.size() == 1) return fn(img);  // one tile: exactly the untiled run

  const int64_t W = img.width * scale, H = img.height * scale;
  data::Image out(static_cast<int>(W), static_cast<int>(H), img.channels);
  std::vector<float> wsum(static_cast<size_t>(W * H), 0.0f);
  for (size_t iy = 0; iy < ys.size(); ++iy) {
    for (size_t ix = 0; ix < xs.size(); ++ix) {
      const Span& sy = ys[iy];
      const Span& sx = xs[ix];
      const int64_t wh = sy.win_end - sy.win_begin, ww = sx.win_end - sx.win_begin;
      data::Image window = data::crop(img, static_cast<int>(sy.win_begin), static_cast<int>(sx.win_begin),
                                      static_cast<int>(wh), static_cast<int>(ww));
      data::Image r = fn(window);
      UPRES_CHECK(r.width == ww * scale && r.height == wh * scale && r.channels == img.channels,
                  "run_tiled: a ", ww, "x", wh, "x", img.channels, " tile came back ", r.width, "x", r.height, "x",
                  r.channels, ", expected ", ww * scale, "x", wh * scale, "x", img.channels);
      // Per-axis weights of the window's HR pixels.
      std::vector<float> wy(static_cast<size_t>(wh * scale)), wx(static_cast<size_t>(ww * scale));
      for (int64_t y = 0; y < wh * scale; ++y) wy[y] = blend_weight(ys, iy, sy.win_begin * scale + y, scale, overlap);
      for (int64_t x = 0; x < ww * scale; ++x) wx[x] = blend_weight(xs, ix, sx.win_begin * scale + x, scale, overlap);
      for (int64_t y = 0; y < wh * scale; ++y) {
        if (wy[y] == 0.0f) continue;
        const int64_t Y = sy.win_begin * scale + y;
        for (int64_t x = 0; x < ww * scale; ++x) {
          const float w = wy[y] * wx[x];
          if (w == 0.0f) continue;
          const int64_t X = sx.win_begin * scale + x;
          wsum[Y * W + X] += w;
          for (int c = 0; c < img.channels; ++c) out.at(c, static_cast<int>(Y), static_cast<int>(X)) += w * r.at(c, y, x);
        }
      }
    }
  }
  // The weights of a pixel sum to 1 in exact arithmetic (the ramps of two neighbours
  // are complementary); dividing removes the rounding of that sum.
  for (int c = 0; c < img.channels; ++c) {
    float* p = out.plane(c);
    for (int64_t i = 0; i < W * H; ++i) p[i] /= wsum[i];
  }
  return out;
}

void run_banded(const TileFn& fn, const data::Image& img, int64_t scale, int64_t band, int64_t overlap,
                const RowSink& sink) {
  UPRES_CHECK(scale >= 1, "run_banded: scale ", scale, ", expected >= 1");
  UPRES_CHECK(!img.empty(), "run_banded: empty image");
  const std::vector<Span> ys = split_axis(img.height, band, overlap);
  const int64_t W = img.width * scale;
  const int C = img.channels;
  auto check = [&](const data::Image& r, int64_t lr_rows) {
    UPRES_CHECK(r.width == W && r.height == lr_rows * scale && r.channels == C, "run_banded: a ", img.width, "x",
                lr_rows, "x", C, " band came back ", r.width, "x", r.height, "x", r.channels, ", expected ", W, "x",
                lr_rows * scale, "x", C);
  };
  if (ys.size() == 1) {  // one band: exactly the unbanded run
    const data::Image r = fn(img);
    check(r, img.height);
    sink(r, 0);
    return;
  }
  // Output rows that bands have written to but that a later band may still
  // reach: row first + k is pending[k], its C planes side by side, and its weight.
  struct Row {
    std::vector<float> v;  // [C][W]
    float w = 0.0f;
  };
  std::deque<Row> pending;
  int64_t first = 0;  // the output row pending.front() is
  auto emit = [&](int64_t upto) {  // rows [first, upto) are final: normalise and send them
    const int64_t k = upto - first;
    if (k <= 0) return;
    data::Image rows(static_cast<int>(W), static_cast<int>(k), C);
    for (int64_t y = 0; y < k; ++y) {
      const Row& r = pending[static_cast<size_t>(y)];
      for (int c = 0; c < C; ++c) {
        float* dst = rows.plane(c) + y * W;
        const float* src = r.v.data() + c * W;
        for (int64_t x = 0; x < W; ++x) dst[x] = src[x] / r.w;  // the weights sum to 1 up to rounding
      }
    }
    pending.erase(pending.begin(), pending.begin() + k);
    sink(rows, first);
    first = upto;
  };
  for (size_t i = 0; i < ys.size(); ++i) {
    const Span& sy = ys[i];
    const int64_t wh = sy.win_end - sy.win_begin;
    const data::Image r = fn(data::crop(img, static_cast<int>(sy.win_begin), 0, static_cast<int>(wh), img.width));
    check(r, wh);
    for (int64_t y = 0; y < wh * scale; ++y) {
      const int64_t Y = sy.win_begin * scale + y;
      const float w = blend_weight(ys, i, Y, scale, overlap);
      if (w == 0.0f) continue;
      UPRES_CHECK(Y >= first, "run_banded: internal: row ", Y, " was already sent");
      while (first + static_cast<int64_t>(pending.size()) <= Y)
        pending.push_back(Row{std::vector<float>(static_cast<size_t>(C * W), 0.0f), 0.0f});
      Row& row = pending[static_cast<size_t>(Y - first)];
      row.w += w;
      for (int c = 0; c < C; ++c) {
        const float* src = r.plane(c) + y * W;
        float* dst = row.v.data() + c * W;
        for (int64_t x = 0; x < W; ++x) dst[x] += w * src[x];
      }
    }
    // The next band's window starts at its win_begin: rows above it are final.
    emit(i + 1 < ys.size() ? ys[i + 1].win_begin * scale : img.height * scale);
  }
}

}  // namespace upres::inference
