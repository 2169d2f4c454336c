// resize_weights.cpp - imresize's weight tables in double, stored as float (see resize_weights.h).
#include "engine/resize_weights.h"

#include <cmath>

#include "engine/error.h"

namespace upres {

namespace {

// MATLAB's kernels (imresize.m: cubic, triangle, box) and their widths.
double cubic(double x) {
  const double a = std::fabs(x), a2 = a * a, a3 = a2 * a;
  if (a <= 1.0) return 1.5 * a3 - 2.5 * a2 + 1.0;
  if (a <= 2.0) return -0.5 * a3 + 2.5 * a2 - 4.0 * a + 2.0;
  return 0.0;
}
double triangle(double x) {
  if (x >= -1.0 && x < 0.0) return x + 1.0;
  if (x >= 0.0 && x <= 1.0) return 1.0 - x;
  return 0.0;
}
double box(double x) { return (x >= -0.5 && x < 0.5) ? 1.0 : 0.0; }

double kernel_value(ResizeKernelKind k, double x) {
  switch (k) {
    case ResizeKernelKind::nearest: return box(x);
    case ResizeKernelKind::bilinear: return triangle(x);
    case ResizeKernelKind::bicubic: return cubic(x);
  }
  return 0.0;
}
double kernel_width(ResizeKernelKind k) {
  switch (k) {
    case ResizeKernelKind::nearest: return 1.0;
    case ResizeKernelKind::bilinear: return 2.0;
    case ResizeKernelKind::bicubic: return 4.0;
  }
  return 0.0;
}

// MATLAB's 'symmetric' padding for a 0-based position: period 2n, mirrored halves.
int32_t mirror(int64_t i, int64_t n) {
  const int64_t period = 2 * n;
  int64_t j = i % period;
  if (j < 0) j += period;
  return static_cast<int32_t>(j < n ? j : period - 1 - j);
}

}  // namespace

ResizeWeights resize_weights(int64_t in, int64_t out, double scale, ResizeKernelKind kernel, bool antialias) {
  UPRES_CHECK(in >= 1 && out >= 1, "resize_weights: lengths in ", in, ", out ", out, " must be positive");
  UPRES_CHECK(scale > 0 && std::isfinite(scale), "resize_weights: scale ", scale, " must be positive and finite");
  const bool stretch = antialias && scale < 1.0 && kernel != ResizeKernelKind::nearest;
  const double width = stretch ? kernel_width(kernel) / scale : kernel_width(kernel);
  const int64_t P = static_cast<int64_t>(std::ceil(width)) + 2;
  std::vector<int64_t> pos(static_cast<size_t>(out * P));  // 1-based, unmirrored
  std::vector<double> wt(static_cast<size_t>(out * P));
  for (int64_t o = 0; o < out; ++o) {
    const double x = static_cast<double>(o + 1);
    const double u = x / scale + 0.5 * (1.0 - 1.0 / scale);
    const int64_t left = static_cast<int64_t>(std::floor(u - width / 2.0));
    double sum = 0.0;
    for (int64_t k = 0; k < P; ++k) {
      const double d = u - static_cast<double>(left + k);
      const double v = stretch ? scale * kernel_value(kernel, scale * d) : kernel_value(kernel, d);
      pos[o * P + k] = left + k;
      wt[o * P + k] = v;
      sum += v;
    }
    UPRES_CHECK(sum != 0.0, "resize_weights: output ", o, " has no input samples under the kernel");
    for (int64_t k = 0; k < P; ++k) wt[o * P + k] /= sum;
  }
  // Drop the table columns that are zero for every output (MATLAB's `kill`).
  std::vector<int64_t> keep;
  for (int64_t k = 0; k < P; ++k) {
    bool any = false;
    for (int64_t o = 0; o < out && !any; ++o) any = wt[o * P + k] != 0.0;
    if (any) keep.push_back(k);
  }
  ResizeWeights t;
  t.in = in;
  t.out = out;
  t.taps = static_cast<int64_t>(keep.size());
  t.index.resize(static_cast<size_t>(out * t.taps));
  t.weight.resize(static_cast<size_t>(out * t.taps));
  for (int64_t o = 0; o < out; ++o)
    for (int64_t j = 0; j < t.taps; ++j) {
      t.index[o * t.taps + j] = mirror(pos[o * P + keep[j]] - 1, in);
      t.weight[o * t.taps + j] = static_cast<float>(wt[o * P + keep[j]]);
    }
  return t;
}

ResizeWeights transpose_resize_weights(const ResizeWeights& t) {
  std::vector<int64_t> count(static_cast<size_t>(t.in), 0);
  for (int64_t e = 0; e < t.out * t.taps; ++e) ++count[t.index[e]];
  int64_t taps = 1;  // at least one (padding) column, so every row is well-formed
  for (int64_t c : count) taps = c > taps ? c : taps;
  ResizeWeights r;
  r.in = t.out;
  r.out = t.in;
  r.taps = taps;
  r.index.assign(static_cast<size_t>(t.in * taps), 0);
  r.weight.assign(static_cast<size_t>(t.in * taps), 0.0f);
  std::vector<int64_t> fill(static_cast<size_t>(t.in), 0);
  for (int64_t o = 0; o < t.out; ++o)  // output-major, then tap: the order the gather adds them
    for (int64_t k = 0; k < t.taps; ++k) {
      const int32_t i = t.index[o * t.taps + k];
      const int64_t slot = i * taps + fill[i]++;
      r.index[slot] = static_cast<int32_t>(o);
      r.weight[slot] = t.weight[o * t.taps + k];
    }
  return r;
}

}  // namespace upres
