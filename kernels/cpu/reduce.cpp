// reduce.cpp - CPU sums over dims (see kernels/shapes/reduce.h for the merged
// K/R description) and the fused L1/MSE losses.
//
// Two layouts, by the role of the innermost (contiguous) block:
//  * innermost reduced (sum over all, over H*W, per channel): each output sums
//    rows of L contiguous floats. Rows are cut into pieces of kPiece floats;
//    pass 1 sums every piece in parallel, pass 2 adds each output's pieces.
//  * innermost kept (sum over the batch, sum_to [1,1,1,W]): each output row of K
//    floats is the sum of rows of K floats; the rows are split into at most 64
//    groups (pass 1 in parallel), then the group sums are added (pass 2).
// Napkin: both read each input float once (4 B) for 1 add; the partial sums are
// at most in_numel/kPiece or 64*out_numel doubles, small next to the input.
#include "kernels/cpu/reduce.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

namespace {

constexpr int64_t kPiece = 8192;  // floats per partial sum (32 KiB: one L1 cache)

// A list of dims with their element strides in the input, for index -> offset.
struct DimList {
  int n = 0;
  int64_t size[kern::kMaxReduceDims];
  int64_t stride[kern::kMaxReduceDims];
  int64_t count = 1;
  void add(int64_t sz, int64_t st) {
    size[n] = sz;
    stride[n] = st;
    ++n;
    count *= sz;
  }
  // Input offset of the idx-th element of this sub-grid (row-major over the list).
  int64_t offset(int64_t idx) const {
    int64_t off = 0;
    for (int d = n - 1; d >= 0; --d) {
      off += (idx % size[d]) * stride[d];
      idx /= size[d];
    }
    return off;
  }
};

// Four independent accumulators: one double add has ~4 cycles of latency, so a
// single running sum would stall on itself (~1 G adds/s); four keep the adder busy
// and the loop vectorises. The order is fixed, so the result is reproducible.
double sum_contiguous(const float* x, int64_t n) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += x[i];
    s1 += x[i + 1];
    s2 += x[i + 2];
    s3 += x[i + 3];
  }
  for (; i < n; ++i) s0 += x[i];
  return (s0 + s1) + (s2 + s3);
}

int64_t items_grain(int64_t work_per_item) { return std::max<int64_t>(1, 32768 / std::max<int64_t>(1, work_per_item)); }

}  // namespace

void sum_reduce(const kern::Context& ctx, const kern::ReduceShape& s, float scale, const float* x,
                float* y) {
  const int64_t out_n = s.out_numel;
  if (out_n == 0) return;
  if (s.in_numel == 0) {  // empty sums are 0; scaled, an empty mean is 0 * inf = NaN, as torch
    for (int64_t o = 0; o < out_n; ++o) y[o] = scale * 0.0f;
    return;
  }
  if (s.ndim == 0) {
    y[0] = scale * x[0];
    return;
  }
  // Element strides of the merged dims, then split them into kept / reduced lists.
  int64_t stride[kern::kMaxReduceDims];
  int64_t st = 1;
  for (int d = s.ndim - 1; d >= 0; --d) {
    stride[d] = st;
    st *= s.size[d];
  }
  const int last = s.ndim - 1;
  DimList kept, red;  // without the innermost block
  for (int d = 0; d < last; ++d) (s.reduced[d] ? red : kept).add(s.size[d], stride[d]);
  const int64_t inner = s.size[last];

  if (s.reduced[last]) {
    const int64_t pieces = (inner + kPiece - 1) / kPiece;
    const int64_t per_out = red.count * pieces;  // partial sums per output
    if (per_out == 1) {  // one contiguous row per output: sum it directly
      parallel_for(ctx, out_n, [&](int64_t lo, int64_t hi) {
        for (int64_t o = lo; o < hi; ++o)
          y[o] = static_cast<float>(scale * sum_contiguous(x + kept.offset(o), inner));
      }, items_grain(inner));
      return;
    }
    std::vector<double> part(static_cast<size_t>(out_n * per_out));
    parallel_for(ctx, out_n * per_out, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) {
        int64_t o = i / per_out, j = i % per_out, r = j / pieces, p = j % pieces;
        int64_t begin = p * kPiece, len = std::min(kPiece, inner - begin);
        part[i] = sum_contiguous(x + kept.offset(o) + red.offset(r) + begin, len);
      }
    }, items_grain(std::min(inner, kPiece)));
    parallel_for(ctx, out_n, [&](int64_t lo, int64_t hi) {
      for (int64_t o = lo; o < hi; ++o) {
        double acc = 0.0;
        for (int64_t j = 0; j < per_out; ++j) acc += part[o * per_out + j];
        y[o] = static_cast<float>(scale * acc);
      }
    }, items_grain(per_out));
    return;
  }

  // Innermost block kept: output row o (kept.count of them) of `inner` floats.
  constexpr int64_t kChunk = 256;  // floats of a row accumulated at once (2 KiB of doubles)
  const int64_t rows = red.count;
  const int64_t groups = rows <= 256 ? 1 : std::min<int64_t>(64, (rows + 255) / 256);
  const int64_t per_group = (rows + groups - 1) / groups;
  const int64_t chunks = (inner + kChunk - 1) / kChunk;
  // Pass 1: item (o, g, c) sums rows [g*per_group, ...) of chunk c of output row o.
  std::vector<double> part(groups == 1 ? 0 : static_cast<size_t>(kept.count * groups * inner));
  parallel_for(ctx, kept.count * groups * chunks, [&](int64_t lo, int64_t hi) {
    double acc[kChunk];
    for (int64_t i = lo; i < hi; ++i) {
      int64_t o = i / (groups * chunks), g = (i / chunks) % groups, c = i % chunks;
      int64_t k0 = c * kChunk, len = std::min(kChunk, inner - k0);
      for (int64_t k = 0; k < len; ++k) acc[k] = 0.0;
      int64_t r_end = std::min(rows, (g + 1) * per_group);
      const float* base = x + kept.offset(o) + k0;
      for (int64_t r = g * per_group; r < r_end; ++r) {
        const float* row = base + red.offset(r);
        for (int64_t k = 0; k < len; ++k) acc[k] += row[k];
      }
      if (groups == 1) {
        for (int64_t k = 0; k < len; ++k) y[o * inner + k0 + k] = static_cast<float>(scale * acc[k]);
      } else {
        double* dst = part.data() + (o * groups + g) * inner + k0;
        for (int64_t k = 0; k < len; ++k) dst[k] = acc[k];
      }
    }
  }, items_grain(per_group * std::min(inner, kChunk)));
  if (groups == 1) return;
  // Pass 2: add the group sums of each output element, in group order.
  parallel_for(ctx, out_n, [&](int64_t lo, int64_t hi) {
    for (int64_t e = lo; e < hi; ++e) {
      int64_t o = e / inner, k = e % inner;
      double acc = 0.0;
      for (int64_t g = 0; g < groups; ++g) acc += part[(o * groups + g) * inner + k];
      y[e] = static_cast<float>(scale * acc);
    }
  }, items_grain(groups));
}

namespace {

// scale * sum_i f(a_i - b_i), in pieces of kPiece, combined in order.
template <typename F>
void diff_sum(const kern::Context& ctx, int64_t n, const float* a, const float* b, float scale,
              float* out, F f) {
  const int64_t pieces = (n + kPiece - 1) / kPiece;
  std::vector<double> part(static_cast<size_t>(pieces));
  parallel_for(ctx, pieces, [&](int64_t lo, int64_t hi) {
    for (int64_t p = lo; p < hi; ++p) {
      double acc[4] = {0.0, 0.0, 0.0, 0.0};  // independent sums, as in sum_contiguous
      const int64_t e = std::min(n, (p + 1) * kPiece);
      int64_t i = p * kPiece;
      for (; i + 4 <= e; i += 4)
        for (int k = 0; k < 4; ++k) acc[k] += f(static_cast<double>(a[i + k]) - static_cast<double>(b[i + k]));
      for (; i < e; ++i) acc[0] += f(static_cast<double>(a[i]) - static_cast<double>(b[i]));
      part[p] = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    }
  }, 4);
  double acc = 0.0;
  for (double v : part) acc += v;
  out[0] = static_cast<float>(scale * acc);
}

template <typename F>
void diff_backward(const kern::Context& ctx, int64_t n, const float* a, const float* b, float c,
                   float* ga, float* gb, F f) {
  parallel_for(ctx, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      float v = c * f(a[i] - b[i]);
      if (ga) ga[i] = v;
      if (gb) gb[i] = -v;
    }
  });
}

}  // namespace

void l1_loss_forward(const kern::Context& ctx, int64_t n, const float* a, const float* b, float scale,
                     float* out) {
  diff_sum(ctx, n, a, b, scale, out, [](double d) { return std::fabs(d); });
}

void mse_loss_forward(const kern::Context& ctx, int64_t n, const float* a, const float* b,
                      float scale, float* out) {
  diff_sum(ctx, n, a, b, scale, out, [](double d) { return d * d; });
}

void l1_loss_backward(const kern::Context& ctx, int64_t n, const float* a, const float* b,
                      const float* g, float scale, float* ga, float* gb) {
  diff_backward(ctx, n, a, b, scale * g[0], ga, gb,
                [](float d) { return d > 0.0f ? 1.0f : (d < 0.0f ? -1.0f : 0.0f); });
}

void mse_loss_backward(const kern::Context& ctx, int64_t n, const float* a, const float* b,
                       const float* g, float scale, float* ga, float* gb) {
  diff_backward(ctx, n, a, b, 2.0f * scale * g[0], ga, gb, [](float d) { return d; });
}

}  // namespace upres::cpu
