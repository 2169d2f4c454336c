// shape.cpp - CPU copies and padding.
//
// strided_copy moves rows of `cols` contiguous floats with memcpy: purely
// bandwidth-bound, 8 bytes of traffic per float. Padding precomputes, per output
// row and column, the source index (pad_source), so the inner loop is a gather
// along one row: out_h * out_w reads and writes per plane.
#include "kernels/cpu/shape.h"

#include <cstring>
#include <vector>

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

void strided_copy(const kern::Context& ctx, const kern::CopyShape& s, const float* src, float* dst) {
  if (s.cols <= 0) return;
  const int64_t nrows = s.planes * s.rows;
  const size_t bytes = static_cast<size_t>(s.cols) * sizeof(float);
  parallel_for(ctx, nrows, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const int64_t p = i / s.rows, r = i % s.rows;
      std::memcpy(dst + p * s.dst_plane_stride + r * s.dst_row_stride,
                  src + p * s.src_plane_stride + r * s.src_row_stride, bytes);
    }
  }, std::max<int64_t>(1, 32768 / s.cols));
}

namespace {
std::vector<int64_t> source_map(int64_t out, int64_t n, int64_t before, kern::PadMode mode) {
  std::vector<int64_t> m(static_cast<size_t>(out));
  for (int64_t i = 0; i < out; ++i) m[i] = kern::pad_source(i, n, before, mode);
  return m;
}
}  // namespace

void pad_forward(const kern::Context& ctx, const kern::PadShape& s, const float* x, float* y) {
  const int64_t oh = s.out_h(), ow = s.out_w();
  const std::vector<int64_t> rmap = source_map(oh, s.h, s.top, s.mode);
  const std::vector<int64_t> cmap = source_map(ow, s.w, s.left, s.mode);
  parallel_for(ctx, s.planes * oh, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const int64_t p = i / oh, r = i % oh;
      float* yr = y + i * ow;
      const int64_t sr = rmap[r];
      if (sr < 0) {
        for (int64_t c = 0; c < ow; ++c) yr[c] = s.value;
        continue;
      }
      const float* xr = x + (p * s.h + sr) * s.w;
      for (int64_t c = 0; c < ow; ++c) yr[c] = cmap[c] < 0 ? s.value : xr[cmap[c]];
    }
  }, std::max<int64_t>(1, 32768 / std::max<int64_t>(1, ow)));
}

// Each plane is independent, so planes run in parallel and, inside one, the
// scatter-add needs no atomics.
void pad_backward(const kern::Context& ctx, const kern::PadShape& s, const float* dy, float* dx) {
  const int64_t oh = s.out_h(), ow = s.out_w(), hw = s.h * s.w;
  const std::vector<int64_t> rmap = source_map(oh, s.h, s.top, s.mode);
  const std::vector<int64_t> cmap = source_map(ow, s.w, s.left, s.mode);
  parallel_for(ctx, s.planes, [&](int64_t lo, int64_t hi) {
    for (int64_t p = lo; p < hi; ++p) {
      float* g = dx + p * hw;
      for (int64_t k = 0; k < hw; ++k) g[k] = 0.0f;
      for (int64_t r = 0; r < oh; ++r) {
        const int64_t sr = rmap[r];
        if (sr < 0) continue;
        const float* gr = dy + (p * oh + r) * ow;
        float* dr = g + sr * s.w;
        for (int64_t c = 0; c < ow; ++c)
          if (cmap[c] >= 0) dr[cmap[c]] += gr[c];
      }
    }
  }, std::max<int64_t>(1, 32768 / std::max<int64_t>(1, oh * ow)));
}

}  // namespace upres::cpu
