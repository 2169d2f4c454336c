// shape.h - ops that move data without arithmetic: concat/split along channels,
// padding, cropping, pixel shuffle.
#pragma once

#include <vector>

#include "engine/tensor.h"

namespace upres {

// Concatenate along `dim` (default: channels of NCHW). All other sizes must agree.
Tensor concat(const std::vector<Tensor>& xs, int64_t dim = 1);
// Split along `dim` into pieces of the given sizes (they must add up to the size of dim).
std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim = 1);
// The slice [start, start + length) of `dim`, as a new tensor (torch.narrow, copied).
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);

enum class PadMode { zero, reflect, replicate };
const char* to_string(PadMode m);
// Pad the last two dims (H, W) of an NCHW tensor. reflect mirrors without repeating
// the edge (PyTorch 'reflect'; needs pad < size); replicate repeats the edge.
Tensor pad(const Tensor& x, int64_t left, int64_t right, int64_t top, int64_t bottom,
           PadMode mode = PadMode::zero, float value = 0.0f);
// The window [top, top + height) x [left, left + width) of an NCHW tensor.
Tensor crop(const Tensor& x, int64_t top, int64_t left, int64_t height, int64_t width);

// [N, C*r*r, H, W] -> [N, C, H*r, W*r] (torch.nn.functional.pixel_shuffle) and back.
Tensor pixel_shuffle(const Tensor& x, int64_t r);
Tensor pixel_unshuffle(const Tensor& x, int64_t r);

}  // namespace upres
