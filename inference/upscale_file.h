// upscale_file.h - one image file to another, in bounded memory for PNG outputs.
//
// `upres upscale` and the library API's upscale_file share this. The input is
// decoded whole (it is the small image); a PNG output is streamed: the input
// goes through `enlarge` in horizontal bands of band_rows(overlap) rows
// (tiling.h, run_banded: blended across the band boundaries like tiles) and
// each finished row is filtered and compressed into the file at once
// (data/png_writer.h), so the enlarged image never exists whole - a 4000x3000
// photo at x4 is 192 million output pixels, 2.3 GB as floats. JPEG and BMP
// outputs are encoded from the whole image (stb_image_write). Either way the
// file appears atomically: on any failure, or when `between` throws, nothing is
// left and an existing file at `out` keeps its content.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "inference/tiling.h"

namespace upres::inference {

// Input rows per band of a streamed PNG: 16 x the overlap (256 with the default 16),
// so the bands' recomputed context costs at most 2/16 = 12.5% more work; at least 64.
int64_t band_rows(int64_t overlap);

// `enlarge` takes an image (any part of the input) to one `scale` times larger,
// with the input's channels (inference::upscale, or bicubic). `between` runs
// before each band and after the last (a place to throw on Ctrl-C).
void upscale_file(const TileFn& enlarge, int64_t scale, int64_t overlap, const std::string& in,
                  const std::string& out, const std::function<void()>& between = {});

}  // namespace upres::inference
