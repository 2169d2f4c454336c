// tv.cpp - total variation on the CPU: a chunked float64 reduction and a gather backward.
#include "kernels/cpu/tv.h"

#include <algorithm>
#include <cmath>

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

namespace {

double power_of(double d, int p) { return p == 1 ? std::fabs(d) : d * d; }
// f'(d): sign(d) (0 at 0) for p = 1, 2 d for p = 2.
double slope_of(double d, int p) { return p == 1 ? (d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0) : 2.0 * d; }

// 1 / count, or 0 when there are no differences in that direction.
double inverse_count(int64_t count) { return count > 0 ? 1.0 / static_cast<double>(count) : 0.0; }

}  // namespace

void tv_forward(const kern::Context& ctx, const kern::TvShape& s, const float* x, double* work, float* out) {
  const int64_t H = s.height, W = s.width, rows = s.planes * H;
  // Fixed chunks of whole rows: the partition (and so the rounding) is independent of threads.
  const int64_t chunks = std::max<int64_t>(1, std::min<int64_t>(kern::kTvMaxPartials, (rows * W + 4095) / 4096));
  parallel_for(
      ctx, chunks,
      [&](int64_t lo, int64_t hi) {
        for (int64_t c = lo; c < hi; ++c) {
          double sv = 0.0, sh = 0.0;
          for (int64_t r = rows * c / chunks; r < rows * (c + 1) / chunks; ++r) {
            const float* row = x + r * W;
            const bool last_row = r % H == H - 1;
            for (int64_t j = 0; j < W; ++j) {
              if (!last_row) sv += power_of(static_cast<double>(row[j + W]) - row[j], s.power);
              if (j + 1 < W) sh += power_of(static_cast<double>(row[j + 1]) - row[j], s.power);
            }
          }
          work[2 * c] = sv;
          work[2 * c + 1] = sh;
        }
      },
      1);
  double sv = 0.0, sh = 0.0;
  for (int64_t c = 0; c < chunks; ++c) {
    sv += work[2 * c];
    sh += work[2 * c + 1];
  }
  const int64_t nv = s.planes * (H - 1) * W, nh = s.planes * H * (W - 1);
  out[0] = static_cast<float>(sv * inverse_count(nv) + sh * inverse_count(nh));
}

void tv_backward(const kern::Context& ctx, const kern::TvShape& s, const float* gy, const float* x, float* dx) {
  const int64_t H = s.height, W = s.width, n = s.planes * H * W;
  const int64_t nv = s.planes * (H - 1) * W, nh = s.planes * H * (W - 1);
  const double g = gy[0];
  const double kv = g * inverse_count(nv), kh = g * inverse_count(nh);
  const int p = s.power;
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t q = lo; q < hi; ++q) {
      const int64_t i = (q / W) % H, j = q % W;
      const double v = x[q];
      double acc = 0.0;
      if (i > 0) acc += kv * slope_of(v - x[q - W], p);      // d_v(i-1, j) = x(i,j) - x(i-1,j)
      if (i + 1 < H) acc -= kv * slope_of(x[q + W] - v, p);  // d_v(i, j)
      if (j > 0) acc += kh * slope_of(v - x[q - 1], p);
      if (j + 1 < W) acc -= kh * slope_of(x[q + 1] - v, p);
      dx[q] = static_cast<float>(acc);
    }
  });
}

}  // namespace upres::cpu
