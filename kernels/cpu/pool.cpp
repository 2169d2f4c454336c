// pool.cpp - pooling as a loop over output pixels of independent planes.
//
// Napkin math: a k x k window costs k*k adds or compares per output; with
// stride s the input is read about (k/s)^2 times, mostly from cache. So
// pooling is memory bound for k <= s (each input byte used once) and becomes
// compute bound only for heavily overlapping windows.
//
// The backward scatters into dx; windows of one plane may overlap, so a plane is
// the unit of parallel work (no two threads write the same element).
#include "kernels/cpu/pool.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

namespace {

// The in-image part [lo, hi) of the window starting at `start` (may be negative).
struct Range {
  int64_t lo, hi;
};
Range clip(int64_t start, int64_t kernel, int64_t size) {
  return {std::max<int64_t>(start, 0), std::min<int64_t>(start + kernel, size)};
}

// Adaptive pooling: cell i of `out` covers [floor(i*in/out), ceil((i+1)*in/out)).
Range adaptive(int64_t i, int64_t in, int64_t out) {
  return {(i * in) / out, ((i + 1) * in + out - 1) / out};
}

int64_t plane_grain(const kern::PoolShape& s, int64_t per_output) {
  return 1 + 32768 / std::max<int64_t>(s.out_h * s.out_w * per_output, 1);
}

// Row-major index of the first largest in-image value of a window (padding is
// -inf; a NaN wins, as in PyTorch, so it propagates).
int64_t window_argmax(const float* xp, const kern::PoolShape& s, Range r, Range c) {
  int64_t best_i = r.lo * s.in_w + c.lo;
  float best = -std::numeric_limits<float>::infinity();
  for (int64_t iy = r.lo; iy < r.hi; ++iy)
    for (int64_t ix = c.lo; ix < c.hi; ++ix) {
      float v = xp[iy * s.in_w + ix];
      if (v > best || std::isnan(v)) {
        best = v;
        best_i = iy * s.in_w + ix;
      }
    }
  return best_i;
}

// Visits every output (oy, ox) of plane p with the clipped window rows/cols.
template <typename Body>
void for_each_window(const kern::PoolShape& s, int64_t p, Body&& body) {
  for (int64_t oy = 0; oy < s.out_h; ++oy) {
    Range r = clip(oy * s.stride - s.padding, s.kernel, s.in_h);
    for (int64_t ox = 0; ox < s.out_w; ++ox) {
      Range c = clip(ox * s.stride - s.padding, s.kernel, s.in_w);
      body((p * s.out_h + oy) * s.out_w + ox, r, c);
    }
  }
}

}  // namespace

void avg_pool2d_forward(const kern::Context& ctx, const kern::PoolShape& s, const float* x, float* y) {
  const float inv = 1.0f / static_cast<float>(s.kernel * s.kernel);
  parallel_for(ctx, s.planes, [&](int64_t lo, int64_t hi) {
    for (int64_t p = lo; p < hi; ++p) {
      const float* xp = x + p * s.in_h * s.in_w;
      for_each_window(s, p, [&](int64_t o, Range r, Range c) {
        float acc = 0.0f;
        for (int64_t iy = r.lo; iy < r.hi; ++iy)
          for (int64_t ix = c.lo; ix < c.hi; ++ix) acc += xp[iy * s.in_w + ix];
        y[o] = acc * inv;
      });
    }
  }, plane_grain(s, s.kernel * s.kernel));
}

void avg_pool2d_backward(const kern::Context& ctx, const kern::PoolShape& s, const float* dy, float* dx) {
  const float inv = 1.0f / static_cast<float>(s.kernel * s.kernel);
  parallel_for(ctx, s.planes, [&](int64_t lo, int64_t hi) {
    for (int64_t p = lo; p < hi; ++p) {
      float* dxp = dx + p * s.in_h * s.in_w;
      std::fill(dxp, dxp + s.in_h * s.in_w, 0.0f);
      for_each_window(s, p, [&](int64_t o, Range r, Range c) {
        const float g = dy[o] * inv;
        for (int64_t iy = r.lo; iy < r.hi; ++iy)
          for (int64_t ix = c.lo; ix < c.hi; ++ix) dxp[iy * s.in_w + ix] += g;
      });
    }
  }, plane_grain(s, s.kernel * s.kernel));
}

void max_pool2d_forward(const kern::Context& ctx, const kern::PoolShape& s, const float* x, float* y) {
  parallel_for(ctx, s.planes, [&](int64_t lo, int64_t hi) {
    for (int64_t p = lo; p < hi; ++p) {
      const float* xp = x + p * s.in_h * s.in_w;
      for_each_window(s, p, [&](int64_t o, Range r, Range c) { y[o] = xp[window_argmax(xp, s, r, c)]; });
    }
  }, plane_grain(s, s.kernel * s.kernel));
}

void max_pool2d_backward(const kern::Context& ctx, const kern::PoolShape& s, const float* x, const float* dy,
                         float* dx) {
  parallel_for(ctx, s.planes, [&](int64_t lo, int64_t hi) {
    for (int64_t p = lo; p < hi; ++p) {
      const float* xp = x + p * s.in_h * s.in_w;
      float* dxp = dx + p * s.in_h * s.in_w;
      std::fill(dxp, dxp + s.in_h * s.in_w, 0.0f);
      for_each_window(s, p, [&](int64_t o, Range r, Range c) { dxp[window_argmax(xp, s, r, c)] += dy[o]; });
    }
  }, plane_grain(s, s.kernel * s.kernel));
}

void adaptive_avg_pool2d_forward(const kern::Context& ctx, const kern::PoolShape& s, const float* x, float* y) {
  parallel_for(ctx, s.planes, [&](int64_t lo, int64_t hi) {
    for (int64_t p = lo; p < hi; ++p) {
      const float* xp = x + p * s.in_h * s.in_w;
      for (int64_t oy = 0; oy < s.out_h; ++oy) {
        Range r = adaptive(oy, s.in_h, s.out_h);
        for (int64_t ox = 0; ox < s.out_w; ++ox) {
          Range c = adaptive(ox, s.in_w, s.out_w);
          float acc = 0.0f;
          for (int64_t iy = r.lo; iy < r.hi; ++iy)
            for (int64_t ix = c.lo; ix < c.hi; ++ix) acc += xp[iy * s.in_w + ix];
          y[(p * s.out_h + oy) * s.out_w + ox] = acc / static_cast<float>((r.hi - r.lo) * (c.hi - c.lo));
        }
      }
    }
  }, plane_grain(s, 1 + (s.in_h / std::max<int64_t>(s.out_h, 1)) * (s.in_w / std::max<int64_t>(s.out_w, 1))));
}

void adaptive_avg_pool2d_backward(const kern::Context& ctx, const kern::PoolShape& s, const float* dy, float* dx) {
  parallel_for(ctx, s.planes, [&](int64_t lo, int64_t hi) {
    for (int64_t p = lo; p < hi; ++p) {
      float* dxp = dx + p * s.in_h * s.in_w;
      std::fill(dxp, dxp + s.in_h * s.in_w, 0.0f);
      for (int64_t oy = 0; oy < s.out_h; ++oy) {
        Range r = adaptive(oy, s.in_h, s.out_h);
        for (int64_t ox = 0; ox < s.out_w; ++ox) {
          Range c = adaptive(ox, s.in_w, s.out_w);
          const float g = dy[(p * s.out_h + oy) * s.out_w + ox] /
                          static_cast<float>((r.hi - r.lo) * (c.hi - c.lo));
          for (int64_t iy = r.lo; iy < r.hi; ++iy)
            for (int64_t ix = c.lo; ix < c.hi; ++ix) dxp[iy * s.in_w + ix] += g;
        }
      }
    }
  }, plane_grain(s, 1 + (s.in_h / std::max<int64_t>(s.out_h, 1)) * (s.in_w / std::max<int64_t>(s.out_w, 1))));
}

}  // namespace upres::cpu
