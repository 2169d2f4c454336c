// resize.h - MATLAB-style imresize: the resampling that makes the low-resolution
// inputs of super-resolution benchmarks.
//
// The algorithm (MATLAB's imresize.m, "contributions"), for one axis of length
// `in` resized to `out` with scale s (= out/in when a size is given, else the
// given factor; the output size for a factor is ceil(in * s)):
//   * output sample x (1-based) sits at input coordinate u = x / s + 0.5 * (1 - 1/s);
//   * kernel h: bicubic = Keys cubic with a = -0.5 (width 4), bilinear = triangle
//     (width 2), nearest = box [-0.5, 0.5) (width 1);
//   * when shrinking (s < 1) with antialiasing, h(t) becomes s * h(s * t) and the
//     width becomes width / s: the kernel is stretched to act as a low-pass filter.
//     Nearest never antialiases (MATLAB's default for 'nearest');
//   * the taps are the P = ceil(width) + 2 input positions floor(u - width/2) + k,
//     k = 0..P-1, weighted h(u - position), the weights divided by their sum (so a
//     constant image stays constant); columns of the table that are zero for every
//     output are dropped, as MATLAB does;
//   * positions outside [1, in] are mirrored with MATLAB's 'symmetric' rule (the
//     edge sample repeated: ... 2 1 | 1 2 ... n | n n-1 ...), periodically, so
//     any kernel width works on any image size.
// Order of the passes: MATLAB sorts the two scales ascending (a stable sort) and
// resizes the dimension with the smaller scale first - the height first when
// scale_h <= scale_w (ties: height first), otherwise the width first. Shrinking
// first makes the second pass cheaper. In exact arithmetic the order does not
// matter; it matters with uint8 rounding (below) and in the last float bits.
//
// uint8 images: MATLAB keeps the class of its input between the two passes
// (imresizemex returns the input's class), so a uint8 image is rounded to
// integers (half away from zero, saturated to [0, 255]) after EACH pass.
// ResizeOptions::round_to_uint8 does exactly that for images holding v/255,
// computing in 8-bit units: at x1/2 and x1/4 the weights are dyadic, so many
// sums are exact .5 ties in MATLAB's double arithmetic, and data held as v/255
// (inexact in binary) tipped about 1 in 300 of them the wrong way on Set5.
//
// How it differs from MATLAB's own output (measured against an independent
// float64 numpy implementation of the steps above, tests/fixtures/resize/make_fixture.py;
// that reference agrees with the bicubic-pytorch package, which computes in
// float32, to 1.5e-4): upres computes in float32 (weights stored as float,
// float accumulation), MATLAB in double. On [0, 255] data the difference is at
// most 5e-5 8-bit units over the 22 fixture cases (all kernels; x1/4 to x4,
// 0.7, 1.37, explicit sizes); with round_to_uint8 the 8-bit levels are
// identical, also for Set5 butterfly at x1/2, x1/3, x1/4 (per-channel sums of
// all levels and sampled levels; a difference could only appear where a
// non-dyadic double result lies within ~5e-5 of a .5 tie). We have no MATLAB licence here: "MATLAB's output"
// means its documented algorithm (imresize.m), which this file follows step
// by step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/image.h"
#include "engine/resize_weights.h"

namespace upres::data {

// nearest, bilinear, bicubic: the engine's enum (engine/resize_weights.h), shared with the
// imresize op (engine/ops/imresize.h).
using ResizeKernel = ::upres::ResizeKernelKind;

// "nearest" / "box", "bilinear" / "linear" / "triangle", "bicubic" / "cubic";
// throws upres::Error listing the accepted names.
ResizeKernel resize_kernel_from_name(const std::string& name);
const char* resize_kernel_name(ResizeKernel k);

struct ResizeOptions {
  ResizeKernel kernel = ResizeKernel::bicubic;
  bool antialias = true;        // stretch the kernel when shrinking (bilinear, bicubic)
  bool round_to_uint8 = false;  // round to v/255 after each pass, as MATLAB does for uint8
};

// The table of one 1-D pass: for each of `out` outputs, `taps` (0-based input
// index, weight) pairs, row-major [out][taps]. Weights of a row sum to 1.
// The table for resizing length `in` to `out` at `scale` (see the header comment).
// Both live in the engine (engine/resize_weights.h), which the imresize op uses too.
using ::upres::ResizeWeights;
using ::upres::resize_weights;

// Resize every plane by `scale` (> 0): output size ceil(in * scale) per axis.
Image imresize(const Image& img, double scale, const ResizeOptions& opt = {});
// Resize to an explicit size; the scales are out/in per axis (they may differ).
Image imresize(const Image& img, int out_height, int out_width, const ResizeOptions& opt = {});

}  // namespace upres::data
