// resize_weights.h - the weight tables of MATLAB's imresize (one 1-D pass), and their transpose
// for the backward pass. Pure host functions of the geometry; data/resize.h documents the
// algorithm (imresize.m's "contributions"), data::imresize and the engine's imresize op both use
// these tables, so the two resize identically.
//
// A forward table: for each of `out` outputs, `taps` (0-based input index, weight) pairs, row-
// major [out][taps], indices already mirrored into [0, in), weights summing to 1 per row.
// Its transpose: for each of `in` inputs, the (output index, weight) pairs of every table entry
// that reads it - in the order of output index, then tap - padded with (0, 0.0f) to the
// largest count, so the backward of a pass is the same gather kernel as the forward (each
// input gathers from the outputs whose taps touch it; no scatter, no atomics).
#pragma once

#include <cstdint>
#include <vector>

namespace upres {

enum class ResizeKernelKind { nearest, bilinear, bicubic };

struct ResizeWeights {
  int64_t in = 0, out = 0, taps = 0;
  std::vector<int32_t> index;
  std::vector<float> weight;
};

// The table for resizing length `in` to `out` at `scale` (> 0): MATLAB's kernels (Keys cubic
// a = -0.5 width 4, triangle width 2, box width 1), stretched by 1/scale when shrinking with
// antialias (never for nearest), normalised, all-zero columns dropped, 'symmetric' mirroring.
ResizeWeights resize_weights(int64_t in, int64_t out, double scale, ResizeKernelKind kernel, bool antialias);

// The transpose of t: a table with in = t.out, out = t.in (one row per input of t).
ResizeWeights transpose_resize_weights(const ResizeWeights& t);

}  // namespace upres
