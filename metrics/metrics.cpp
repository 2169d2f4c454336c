// metrics.cpp - every metric of one image pair.
#include "metrics/metrics.h"

#include "engine/error.h"
#include "metrics/ms_ssim.h"
#include "metrics/psnr.h"
#include "metrics/ssim.h"
#include "metrics/vif.h"

namespace upres::metrics {

Scores evaluate(const Planes& ref, const Planes& test) {
  check_same_size("metrics", ref, test);
  Scores s;
  s.psnr = psnr(ref, test);
  s.ssim = ssim(ref, test);
  s.ms_ssim = ms_ssim(ref, test);
  s.vif = vif(ref, test);
  s.ifc = ifc(ref, test);
  return s;
}

Scores evaluate(const data::Image& ref, const data::Image& test, const Protocol& protocol) {
  UPRES_CHECK(ref.width == test.width && ref.height == test.height, "metrics: images differ in size: reference ",
              ref.width, "x", ref.height, ", test ", test.width, "x", test.height, "; expected equal sizes");
  return evaluate(to_planes(ref, protocol), to_planes(test, protocol));
}

}  // namespace upres::metrics
