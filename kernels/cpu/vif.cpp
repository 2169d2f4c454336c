// vif.cpp - the VIF and IFC channel model per position (see vif.h for the formulas).
#include "kernels/cpu/vif.h"

#include <cmath>

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

void vif_terms(const kern::Context& ctx, int64_t n, double sigma_nsq, const double* var_x, const double* var_y,
               const double* cov, double* num, double* den, double* ifc) {
  const double eps = 1e-10;
  parallel_for(
      ctx, n,
      [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) {
          double sx = var_x[i] < 0.0 ? 0.0 : var_x[i];
          const double sy = var_y[i] < 0.0 ? 0.0 : var_y[i];
          const double sxy = cov[i];
          double g = sxy / (sx + eps);
          double sv = sy - g * sxy;
          if (sx < eps) {  // flat reference: no signal to transmit
            g = 0.0;
            sv = sy;
            sx = 0.0;
          }
          if (sy < eps) {  // flat test image: nothing received
            g = 0.0;
            sv = 0.0;
          }
          if (g < 0.0) {  // inverted contrast counts as no signal, all noise
            sv = sy;
            g = 0.0;
          }
          if (sv <= eps) sv = eps;
          const double signal = g * g * sx;
          if (num) num[i] = std::log10(1.0 + signal / (sv + sigma_nsq));
          if (den) den[i] = std::log10(1.0 + sx / sigma_nsq);
          if (ifc) ifc[i] = 0.5 * std::log2(1.0 + signal / sv);
        }
      },
      4096);
}

}  // namespace upres::cpu
