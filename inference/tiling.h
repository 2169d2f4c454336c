// tiling.h - run an image-to-image function on tiles and blend the results, so
// an image of any size goes through a network in bounded memory.
//
// The low-resolution input is cut into a grid of cores (disjoint rectangles that
// cover it; at most `tile` pixels on a side, the sizes of one axis differing by
// at most one pixel, so tile sizes that do not divide the image still give even
// cores). Each core is run with `overlap` pixels of context on every side (less
// at the image border, where the image ends anyway), and its enlarged result is
// blended into the output with a weight per axis that
//   - is 1 inside the core,
//   - ramps linearly from 1 to 0 across a band of `overlap` LR pixels centred on
//     a boundary between two cores (the neighbour's weight ramps from 0 to 1, so
//     the two always sum to 1; in 2-D the weight is the product of the two axes'),
//   - is 0 further out: the outer half of the context is only there to be seen
//     by the network, never written.
//
// Why tiled == untiled: a convolutional network whose output pixel depends on
// input pixels at most R away (its receptive-field radius R; for k x k "same"
// convolutions, the sum of (k - 1) / 2 over the layers) computes, on a window of
// the image, the same values as on the whole image wherever the window has at
// least R pixels of context: the zero padding at the window's edge is out of
// reach. Every value written with a non-zero weight lies at most overlap/2 LR
// pixels outside its core, so it keeps floor(overlap / 2) pixels of context:
//   overlap >= 2 R  =>  tiled == untiled up to float rounding,
// and the blend only mixes equal values. (ESPCN: R = 2 + 1 + 1 = 4, overlap 8.)
// For a deeper network with the default overlap the values in the band differ
// slightly between the two tiles; the ramp turns what would be a visible seam
// into a smooth cross-fade.
//
// Memory: one window of (tile + 2 overlap)^2 LR pixels is in the network at a
// time; the output and the weight sums are plain float planes of the output size.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "data/image.h"

namespace upres::inference {

// One axis of the grid: core [begin, end) and window [win_begin, win_end).
struct Span {
  int64_t begin = 0, end = 0, win_begin = 0, win_end = 0;
};
// Cores of at most `tile` pixels covering [0, length), sizes differing by at most
// one, each with `overlap` pixels of context clipped to [0, length). tile <= 0 or
// tile >= length: one span. Throws when tile > 0 and tile < 2 * overlap (the
// blend bands of a core's two sides would meet inside it).
std::vector<Span> split_axis(int64_t length, int64_t tile, int64_t overlap);

// The blend weight of HR pixel X (0-based, in the window's core's axis) for the
// core spans[i], with `scale` HR pixels per LR pixel.
float blend_weight(const std::vector<Span>& spans, size_t i, int64_t X, int64_t scale, int64_t overlap);

// An image-to-image function that enlarges by an integer factor (a network on one
// tile). Input and output have the same number of planes.
using TileFn = std::function<data::Image(const data::Image&)>;

// Runs `fn` on every tile of `img` and blends the results (see the header comment).
// `fn` must return an image exactly `scale` times the size of its input.
data::Image run_tiled(const TileFn& fn, const data::Image& img, int64_t scale, int64_t tile, int64_t overlap);

// Receives finished output rows, top to bottom: `rows` is full-width and holds
// output rows [first, first + rows.height).
using RowSink = std::function<void(const data::Image& rows, int64_t first)>;

// The same blend with the grid cut along y only, streamed: `fn` runs on
// horizontal bands of at most `band` LR rows (each with `overlap` rows of
// context), and every output row goes to `sink` as soon as no later band can
// reach it. So the output never exists whole: memory is a few bands of the
// output's width, whatever its height (`upres upscale` writes PNGs this way,
// data/png_writer.h). `fn` may tile each band further (run_tiled). The result is
// run_tiled's with one column of tiles: equal to the untiled one under the same
// condition, overlap >= 2 x the receptive-field radius.
void run_banded(const TileFn& fn, const data::Image& img, int64_t scale, int64_t band, int64_t overlap,
                const RowSink& sink);

}  // namespace upres::inference
