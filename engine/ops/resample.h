// resample.h - upsampling and pooling (NCHW).
//
// Upsampling follows torch.nn.functional.interpolate with align_corners=False:
// output pixel i samples source coordinate (i + 0.5) * in/out - 0.5. Bilinear
// clamps negative coordinates to 0; bicubic uses Keys' cubic with a = -0.75
// (PyTorch's choice; MATLAB's imresize, in data/, uses a = -0.5) and clamps
// source indices at the border. Nearest takes floor(i * in/out).
#pragma once

#include "engine/tensor.h"

namespace upres {

enum class UpsampleMode { nearest, bilinear, bicubic };
const char* to_string(UpsampleMode m);
// Resize the last two dims to out_h x out_w.
Tensor upsample(const Tensor& x, int64_t out_h, int64_t out_w, UpsampleMode mode);
// Resize by an integer factor (out = in * scale).
inline Tensor upsample(const Tensor& x, int64_t scale, UpsampleMode mode) {
  return upsample(x, x.size(-2) * scale, x.size(-1) * scale, mode);
}

// Pooling with a square window, as torch's avg_pool2d (count_include_pad=True)
// and max_pool2d (padding counts as -inf). Output size floor((H + 2p - k) / s) + 1.
Tensor avg_pool2d(const Tensor& x, int64_t kernel, int64_t stride, int64_t padding = 0);
Tensor max_pool2d(const Tensor& x, int64_t kernel, int64_t stride, int64_t padding = 0);
// torch's adaptive_avg_pool2d: output cell i averages rows floor(i*H/oh) .. ceil((i+1)*H/oh)-1.
Tensor adaptive_avg_pool2d(const Tensor& x, int64_t out_h, int64_t out_w);

}  // namespace upres
