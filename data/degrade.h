// degrade.h - synthetic degradations that turn a high-resolution image into a
// low-resolution training or test input: blur, downscale, noise, JPEG,
// quantization, composed in any order and reproducible from a seed.
//
// Pipeline strings (the `--pipeline` of `upres degrade`):
//   pipeline := step { "," step }
//   step     := NAME { ":" arg }
//   arg      := VALUE | KEY "=" VALUE
// A comma-separated piece of the form KEY=VALUE whose KEY is not a step name
// continues the step before it, so "blur:sigma_x=2,sigma_y=0.5,theta=30" is one
// step (the same as "blur:sigma_x=2:sigma_y=0.5:theta=30"). Spaces around
// tokens are ignored. Steps:
//   blur:SIGMA | blur:sigma=S           isotropic Gaussian blur, S in pixels (0 < S <= 50)
//   blur:sigma_x=A:sigma_y=B:theta=T    anisotropic Gaussian: standard deviations A along
//                                       an axis rotated T degrees from the image x axis
//                                       towards +y (downwards), B across it
//   ...:size=K                          kernel side (odd); default 2 * ceil(3 * max sigma) + 1,
//                                       i.e. +-3 sigma; weights normalised to sum 1; borders
//                                       reflect-101 (OpenCV's default: ... 2 1 | 0 1 2 ...)
//   resize[:KERNEL]                     downscale by the pipeline's scale with MATLAB imresize
//                                       (data/resize.h); KERNEL bicubic (default), bilinear, nearest.
//                                       An input of whole 8-bit levels (an 8-bit file, or after
//                                       jpeg, quantize:8 or quantize:4) is resized as MATLAB resizes a uint8
//                                       image, rounded after each pass; any other input is
//                                       resized in float
//   noise:gauss:SIGMA                   add N(0, SIGMA^2), SIGMA in 8-bit units (0..255), clip to [0, 1]
//   noise:poisson[:peak=P]              replace v by Poisson(v * P) / P (P photons at white,
//                                       default 255), clip to [0, 1]
//   jpeg:q=Q | jpeg:Q                   JPEG encode + decode at quality Q (1..100, default 75)
//                                       with stb_image_write / stb_image, in memory; the colour
//                                       planes go through JPEG, an alpha plane is kept as is
//   quantize:bits=B | quantize:B        round to 2^B - 1 levels (1 <= B <= 8) after clipping to [0, 1]
// The default pipeline is "resize:bicubic". At most one resize step; a pipeline
// without one keeps the size. Example: "blur:sigma=1.2,resize:bicubic,noise:gauss:5,jpeg:q=40".
//
// A malformed string throws upres::Error naming the bad token, its position (a
// 0-based character offset into the string) and what was expected there.
//
// Randomness: one upres::Rng seeded with the caller's seed, drawn in pixel order,
// so the same image, pipeline and seed give the same output on every machine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/image.h"
#include "data/resize.h"
#include "engine/rng.h"

namespace upres::data {

struct DegradeStep {
  enum class Kind { blur, resize, gauss_noise, poisson_noise, jpeg, quantize };
  Kind kind = Kind::resize;
  double sigma_x = 0, sigma_y = 0, theta_deg = 0;  // blur
  int kernel_size = 0;                             // blur; 0 = the default rule
  ResizeKernel resize_kernel = ResizeKernel::bicubic;
  double noise_sigma = 0;                          // gauss, 8-bit units
  double poisson_peak = 255;                       // poisson
  int quality = 75;                                // jpeg
  int bits = 8;                                    // quantize
  std::string text;                                // the step as written, for messages
};

struct DegradePipeline {
  std::vector<DegradeStep> steps;
};

const char* default_degrade_pipeline();  // "resize:bicubic"
DegradePipeline parse_degrade_pipeline(const std::string& spec);

// Runs the steps in order; `scale` is the downscaling factor of the resize step (> 0).
Image degrade(const Image& img, const DegradePipeline& pipeline, double scale, uint64_t seed);

// The steps one by one.
// The blur kernel, [size x size] row-major, summing to 1 (size 0 = the default rule).
std::vector<float> gaussian_kernel(double sigma_x, double sigma_y, double theta_deg, int size, int* out_size);
Image gaussian_blur(const Image& img, double sigma_x, double sigma_y, double theta_deg, int size = 0);
// Noise and compression; each returns a new image clipped to [0, 1].
Image add_gaussian_noise(const Image& img, double sigma_8bit, Rng& rng);
Image add_poisson_noise(const Image& img, double peak, Rng& rng);
Image jpeg_recompress(const Image& img, int quality);
Image quantize_bits(const Image& img, int bits);

}  // namespace upres::data
