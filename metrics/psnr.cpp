// psnr.cpp - mean squared error and PSNR in float64, summed in one fixed order.
#include "metrics/psnr.h"

#include <cmath>
#include <limits>

#include "engine/error.h"

namespace upres::metrics {

double mse(const Planes& ref, const Planes& test) {
  check_same_size("mse", ref, test);
  double se = 0.0;
  const size_t n = ref.samples.size();
  for (size_t i = 0; i < n; ++i) {
    const double d = ref.samples[i] - test.samples[i];
    se += d * d;
  }
  return n ? se / static_cast<double>(n) : 0.0;
}

double psnr(const Planes& ref, const Planes& test, double peak) {
  UPRES_CHECK(peak > 0, "psnr: peak is ", peak, ", expected > 0");
  const double e = mse(ref, test);
  if (e == 0.0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(peak * peak / e);
}

}  // namespace upres::metrics
