// degrade.cpp - the degradation steps (blur, noise, JPEG, quantization) and the
// loop that runs a parsed pipeline. The parser is in degrade_parse.cpp.
#include "data/degrade.h"

#include <stb_image.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "engine/dispatch.h"
#include "engine/error.h"
#include "kernels/cpu/filter2d.h"

namespace upres::data {

namespace {

float clip01(double v) { return static_cast<float>(std::min(1.0, std::max(0.0, v))); }

// Reflect-101 border (OpenCV's default): ... 2 1 | 0 1 2 ... n-1 | n-2 ..., periodic.
int64_t reflect101(int64_t i, int64_t n) {
  if (n == 1) return 0;
  const int64_t period = 2 * (n - 1);
  int64_t j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - j;
}

// A uniform double in (0, 1) from 53 random bits.
double uniform_open(Rng& rng) {
  const uint64_t hi = rng.next_u32() >> 5, lo = rng.next_u32() >> 6;  // 27 + 26 bits
  return (static_cast<double>((hi << 26) | lo) + 0.5) / 9007199254740992.0;
}

// Poisson(lambda) by inversion of the CDF (one uniform), in chunks of at most
// 500 (exp(-lambda) stays far from underflow; a sum of Poissons is Poisson).
int64_t poisson(double lambda, Rng& rng) {
  int64_t total = 0;
  while (lambda > 0) {
    const double lam = std::min(lambda, 500.0);
    lambda -= lam;
    const double u = uniform_open(rng);
    double p = std::exp(-lam), cdf = p;
    int64_t k = 0;
    while (u > cdf && p > 0) {
      ++k;
      p *= lam / static_cast<double>(k);
      cdf += p;
    }
    total += k;
  }
  return total;
}

// Planes [0, colour) as interleaved bytes, for stb.
std::vector<unsigned char> to_bytes(const Image& img, int colour) {
  const int64_t n = img.plane_size();
  std::vector<unsigned char> hwc(static_cast<size_t>(n * colour));
  for (int c = 0; c < colour; ++c)
    for (int64_t i = 0; i < n; ++i)
      hwc[i * colour + c] = static_cast<unsigned char>(std::lround(clip01(img.plane(c)[i]) * 255.0));
  return hwc;
}

void append_bytes(void* ctx, void* data, int size) {
  auto* out = static_cast<std::vector<unsigned char>*>(ctx);
  const auto* p = static_cast<const unsigned char*>(data);
  out->insert(out->end(), p, p + size);
}

// True when every sample is a whole 8-bit level v/255 (as load_image gives).
bool holds_8bit_levels(const Image& img) {
  for (float v : img.pixels) {
    const long q = std::lround(v * 255.0);
    if (q < 0 || q > 255 || static_cast<float>(q) / 255.0f != v) return false;
  }
  return true;
}

}  // namespace

std::vector<float> gaussian_kernel(double sigma_x, double sigma_y, double theta_deg, int size, int* out_size) {
  UPRES_CHECK(sigma_x > 0 && sigma_y > 0 && sigma_x <= 50 && sigma_y <= 50, "gaussian_kernel: sigmas ", sigma_x,
              ", ", sigma_y, " must lie in (0, 50]");
  if (size <= 0) size = 2 * static_cast<int>(std::ceil(3.0 * std::max(sigma_x, sigma_y))) + 1;
  UPRES_CHECK(size % 2 == 1 && size <= 301, "gaussian_kernel: size ", size, " must be odd and at most 301");
  const double t = theta_deg * 3.14159265358979323846 / 180.0, c = std::cos(t), s = std::sin(t);
  const int r = size / 2;
  std::vector<double> k(static_cast<size_t>(size) * size);
  double sum = 0;
  for (int y = -r; y <= r; ++y)
    for (int x = -r; x <= r; ++x) {
      const double u = c * x + s * y, v = -s * x + c * y;  // coordinates along / across the rotated axis
      const double w = std::exp(-0.5 * (u * u / (sigma_x * sigma_x) + v * v / (sigma_y * sigma_y)));
      k[(y + r) * size + (x + r)] = w;
      sum += w;
    }
  std::vector<float> out(k.size());
  for (size_t i = 0; i < k.size(); ++i) out[i] = static_cast<float>(k[i] / sum);
  if (out_size) *out_size = size;
  return out;
}

Image gaussian_blur(const Image& img, double sigma_x, double sigma_y, double theta_deg, int size) {
  UPRES_CHECK(!img.empty(), "gaussian_blur: the image is empty");
  int K = 0;
  std::vector<float> k = gaussian_kernel(sigma_x, sigma_y, theta_deg, size, &K);
  kern::Filter2dShape s;
  s.planes = img.channels;
  s.H = img.height;
  s.W = img.width;
  s.KH = s.KW = K;
  const int64_t PH = s.padded_h(), PW = s.padded_w(), r = K / 2;
  std::vector<float> pad(static_cast<size_t>(s.planes * PH * PW));
  for (int64_t p = 0; p < s.planes; ++p)
    for (int64_t i = 0; i < PH; ++i) {
      const float* src = img.plane(static_cast<int>(p)) + reflect101(i - r, s.H) * s.W;
      float* dst = pad.data() + (p * PH + i) * PW;
      for (int64_t j = 0; j < PW; ++j) dst[j] = src[reflect101(j - r, s.W)];
    }
  Image out(img.width, img.height, img.channels);
  UPRES_DISPATCH(Device::cpu, filter2d_forward, s, pad.data(), k.data(), out.pixels.data());
  return out;
}

Image add_gaussian_noise(const Image& img, double sigma_8bit, Rng& rng) {
  UPRES_CHECK(sigma_8bit >= 0 && sigma_8bit <= 255, "noise:gauss: sigma ", sigma_8bit,
              " must lie in [0, 255] (8-bit units)");
  Image out = img;
  const double s = sigma_8bit / 255.0;
  for (float& v : out.pixels) v = clip01(v + s * rng.normal());
  return out;
}

Image add_poisson_noise(const Image& img, double peak, Rng& rng) {
  UPRES_CHECK(peak > 0 && peak <= 1e6, "noise:poisson: peak ", peak, " must lie in (0, 1e6]");
  Image out = img;
  for (float& v : out.pixels) v = clip01(static_cast<double>(poisson(clip01(v) * peak, rng)) / peak);
  return out;
}

Image jpeg_recompress(const Image& img, int quality) {
  UPRES_CHECK(quality >= 1 && quality <= 100, "jpeg: quality ", quality, " must lie in 1..100");
  UPRES_CHECK(!img.empty() && img.channels >= 1 && img.channels <= 4, "jpeg: image with ", img.channels,
              " channels; expected 1 to 4 (grey, grey+alpha, RGB, RGBA)");
  const int colour = img.channels >= 3 ? 3 : 1;  // alpha (2 or 4 channels) is kept as is
  std::vector<unsigned char> hwc = to_bytes(img, colour), jpg;
  const int ok = stbi_write_jpg_to_func(append_bytes, &jpg, img.width, img.height, colour, hwc.data(), quality);
  UPRES_CHECK(ok && !jpg.empty(), "jpeg: stb_image_write could not encode a ", img.width, "x", img.height,
              " image at quality ", quality);
  int w = 0, h = 0, c = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> raw(
      stbi_load_from_memory(jpg.data(), static_cast<int>(jpg.size()), &w, &h, &c, colour), stbi_image_free);
  UPRES_CHECK(raw && w == img.width && h == img.height, "jpeg: decoding our own ", img.width, "x", img.height,
              " JPEG failed");
  Image out = img;
  const int64_t n = img.plane_size();
  for (int ch = 0; ch < colour; ++ch)
    for (int64_t i = 0; i < n; ++i) out.plane(ch)[i] = static_cast<float>(raw.get()[i * colour + ch] / 255.0);
  return out;
}

Image quantize_bits(const Image& img, int bits) {
  UPRES_CHECK(bits >= 1 && bits <= 8, "quantize: bits ", bits, " must lie in 1..8");
  const double levels = static_cast<double>((1 << bits) - 1);
  Image out = img;
  for (float& v : out.pixels) v = static_cast<float>(std::round(clip01(v) * levels) / levels);
  return out;
}

Image degrade(const Image& img, const DegradePipeline& pipeline, double scale, uint64_t seed) {
  UPRES_CHECK(scale > 0 && std::isfinite(scale), "degrade: scale ", scale, " must be positive");
  UPRES_CHECK(!img.empty(), "degrade: the image is empty");
  Rng rng(seed);
  Image cur = img;
  for (const DegradeStep& st : pipeline.steps) {
    switch (st.kind) {
      case DegradeStep::Kind::blur:
        cur = gaussian_blur(cur, st.sigma_x, st.sigma_y, st.theta_deg, st.kernel_size);
        break;
      case DegradeStep::Kind::resize: {
        ResizeOptions opt;
        opt.kernel = st.resize_kernel;
        opt.round_to_uint8 = holds_8bit_levels(cur);  // MATLAB keeps a uint8 image uint8
        cur = imresize(cur, 1.0 / scale, opt);
        break;
      }
      case DegradeStep::Kind::gauss_noise: cur = add_gaussian_noise(cur, st.noise_sigma, rng); break;
      case DegradeStep::Kind::poisson_noise: cur = add_poisson_noise(cur, st.poisson_peak, rng); break;
      case DegradeStep::Kind::jpeg: cur = jpeg_recompress(cur, st.quality); break;
      case DegradeStep::Kind::quantize: cur = quantize_bits(cur, st.bits); break;
    }
  }
  return cur;
}

}  // namespace upres::data
