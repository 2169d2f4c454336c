// protocol.cpp - the steps of the standard and legacy-y evaluation protocols (see protocol.h).
#include "metrics/protocol.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "data/color.h"
#include "data/resize.h"
#include "engine/error.h"
#include "metrics/planes.h"
#include "metrics/psnr.h"
#include "metrics/ssim.h"

namespace upres::metrics {

namespace {

// The 8-bit level of a sample read from an 8-bit file (float(k / 255) -> k).
double level8(float v) { return std::nearbyint(255.0 * static_cast<double>(v)); }

// MATLAB's conversion of a double to uint8: round half away from zero, saturate.
float to_uint8_level(double v) { return static_cast<float>(std::clamp(std::floor(v + 0.5), 0.0, 255.0)); }

void check_scale(const char* what, int scale) {
  UPRES_CHECK(scale >= 1 && scale <= 16, what, ": scale ", scale, " is out of range; expected 1 to 16");
}

data::ResizeOptions bicubic(bool uint8) {
  data::ResizeOptions o;
  o.kernel = data::ResizeKernel::bicubic;
  o.antialias = true;
  o.round_to_uint8 = uint8;
  return o;
}

}  // namespace

EvalProtocol eval_protocol_from_name(const std::string& name) {
  std::string n = name;
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  if (n == "standard") return EvalProtocol::standard;
  if (n == "legacy-y" || n == "legacy_y") return EvalProtocol::legacy_y;
  UPRES_FAIL("evaluation protocol '", name, "' is unknown; expected one of: standard, legacy-y");
}

const char* eval_protocol_name(EvalProtocol p) {
  switch (p) {
    case EvalProtocol::standard: return "standard";
    case EvalProtocol::legacy_y: return "legacy-y";
  }
  return "?";
}

std::vector<std::string> eval_protocol_names() { return {"standard", "legacy-y"}; }

data::Image prepare_hr(const data::Image& hr, int scale, EvalProtocol p) {
  check_scale("prepare_hr", scale);
  UPRES_CHECK(!hr.empty() && hr.channels >= 1 && hr.channels <= 4, "prepare_hr: image ", hr.width, "x", hr.height,
              " with ", hr.channels, " channels; expected 1 to 4 channels");
  // Alpha is the last plane of grey+alpha (2) and RGBA (4); it is not part of the picture.
  const int colour = hr.channels >= 3 ? 3 : 1;
  data::Image img = data::modcrop(hr.channels == colour ? hr : data::select_channels(hr, 0, colour), scale);
  if (p == EvalProtocol::standard || colour == 1) return img;
  // legacy-y: MATLAB rgb2ycbcr on uint8 -> Y as a uint8 level (rounded), one plane.
  data::Image y(img.width, img.height, 1);
  for (int64_t i = 0; i < img.plane_size(); ++i) {
    const double r = level8(img.plane(0)[i]), g = level8(img.plane(1)[i]), b = level8(img.plane(2)[i]);
    y.plane(0)[i] = static_cast<float>(to_uint8_level(255.0 * data::luma_bt601(r / 255.0, g / 255.0, b / 255.0)) / 255.0);
  }
  return y;
}

data::Image make_lr(const data::Image& hr, int scale, EvalProtocol p) {
  check_scale("make_lr", scale);
  UPRES_CHECK(hr.width % scale == 0 && hr.height % scale == 0, "make_lr: HR ", hr.width, "x", hr.height,
              " is not a multiple of scale ", scale, "; pass prepare_hr's result");
  // An explicit size: ceil(480 * (1.0 / 3)) could be 161 in floating point.
  return data::imresize(hr, hr.height / scale, hr.width / scale, bicubic(p == EvalProtocol::standard));
}

data::Image bicubic_sr(const data::Image& lr, int scale, EvalProtocol p) {
  check_scale("bicubic_sr", scale);
  return data::imresize(lr, lr.height * scale, lr.width * scale, bicubic(p == EvalProtocol::standard));
}

data::Image quantize_8bit(const data::Image& img) {
  data::Image q = img;
  for (float& v : q.pixels) v = static_cast<float>(to_uint8_level(255.0 * static_cast<double>(v)) / 255.0);
  return q;
}

YScores score_y(const data::Image& sr, const data::Image& hr, int scale, EvalProtocol p) {
  check_scale("score_y", scale);
  UPRES_CHECK(sr.width == hr.width && sr.height == hr.height, "score_y (", eval_protocol_name(p), "): SR ", sr.width,
              "x", sr.height, " and HR ", hr.width, "x", hr.height, " differ in size; expected equal sizes");
  const int colour_sr = sr.channels >= 3 ? 3 : 1, colour_hr = hr.channels >= 3 ? 3 : 1;
  UPRES_CHECK(colour_sr == colour_hr, "score_y (", eval_protocol_name(p), "): SR has ", sr.channels,
              " channels and HR ", hr.channels, "; expected both colour or both grey/Y");
  Protocol planes;
  planes.y = true;
  planes.border = scale;
  const Planes ref = to_planes(hr, planes), test = to_planes(quantize_8bit(sr), planes);
  YScores s;
  s.psnr = psnr(ref, test);
  s.ssim = ssim(ref, test);
  return s;
}

}  // namespace upres::metrics
