// schedule.cpp - closed forms of PyTorch's learning-rate schedules (see schedule.h).
#include "engine/schedule.h"

#include <algorithm>
#include <cmath>

#include "engine/error.h"

namespace upres {

namespace {

constexpr double kPi = 3.14159265358979323846;

void check_base(const char* op, double base_lr, double eta_min) {
  UPRES_CHECK(std::isfinite(base_lr) && base_lr >= 0.0, op, ": invalid base learning rate ", base_lr,
              ", expected a finite value >= 0");
  UPRES_CHECK(std::isfinite(eta_min) && eta_min >= 0.0, op, ": invalid eta_min ", eta_min,
              ", expected a finite value >= 0");
}

void check_step(const char* op, int64_t step) {
  UPRES_CHECK(step >= 0, op, ": lr_at(", step, "): the step must be >= 0");
}

// Half a cosine from `hi` (t = 0) down to `lo` (t = period).
double cosine(double lo, double hi, double t, double period) {
  return lo + (hi - lo) * (1.0 + std::cos(kPi * t / period)) / 2.0;
}

}  // namespace

// ---- MultiStepLR -------------------------------------------------------------------------

MultiStepLR::MultiStepLR(double base_lr, std::vector<int64_t> milestones, double gamma)
    : base_lr_(base_lr), gamma_(gamma), milestones_(std::move(milestones)) {
  check_base("MultiStepLR", base_lr, 0.0);
  UPRES_CHECK(std::isfinite(gamma) && gamma > 0.0, "MultiStepLR: invalid gamma ", gamma, ", expected > 0");
  for (int64_t m : milestones_)
    UPRES_CHECK(m >= 0, "MultiStepLR: milestone ", m, " is negative");
  std::sort(milestones_.begin(), milestones_.end());
}

float MultiStepLR::lr_at(int64_t step) const {
  check_step("MultiStepLR", step);
  // Milestones passed so far: bisect_right(milestones, step).
  auto passed = std::upper_bound(milestones_.begin(), milestones_.end(), step) - milestones_.begin();
  return static_cast<float>(base_lr_ * std::pow(gamma_, static_cast<double>(passed)));
}

// ---- CosineAnnealingLR -------------------------------------------------------------------

CosineAnnealingLR::CosineAnnealingLR(double base_lr, int64_t t_max, double eta_min)
    : base_lr_(base_lr), eta_min_(eta_min), t_max_(t_max) {
  check_base("CosineAnnealingLR", base_lr, eta_min);
  UPRES_CHECK(t_max > 0, "CosineAnnealingLR: invalid T_max ", t_max, ", expected > 0");
}

float CosineAnnealingLR::lr_at(int64_t step) const {
  check_step("CosineAnnealingLR", step);
  // Reduce modulo the period 2 T_max first: exact in integers, keeps cos's argument small.
  const int64_t t = step % (2 * t_max_);
  return static_cast<float>(cosine(eta_min_, base_lr_, static_cast<double>(t), static_cast<double>(t_max_)));
}

// ---- CosineAnnealingWarmRestarts ---------------------------------------------------------

CosineAnnealingWarmRestarts::CosineAnnealingWarmRestarts(double base_lr, int64_t t_0, int64_t t_mult,
                                                         double eta_min)
    : base_lr_(base_lr), eta_min_(eta_min), t_0_(t_0), t_mult_(t_mult) {
  check_base("CosineAnnealingWarmRestarts", base_lr, eta_min);
  UPRES_CHECK(t_0 > 0, "CosineAnnealingWarmRestarts: invalid T_0 ", t_0, ", expected a positive integer");
  UPRES_CHECK(t_mult >= 1, "CosineAnnealingWarmRestarts: invalid T_mult ", t_mult,
              ", expected an integer >= 1");
}

float CosineAnnealingWarmRestarts::lr_at(int64_t step) const {
  check_step("CosineAnnealingWarmRestarts", step);
  int64_t t_cur = step, t_i = t_0_;
  if (t_mult_ == 1) {
    t_cur = step % t_0_;
  } else {
    // Walk the cycles: each is t_mult times longer, so this takes O(log step) turns.
    while (t_cur >= t_i) {
      t_cur -= t_i;
      t_i *= t_mult_;
    }
  }
  return static_cast<float>(cosine(eta_min_, base_lr_, static_cast<double>(t_cur), static_cast<double>(t_i)));
}

// ---- LinearWarmup ------------------------------------------------------------------------

LinearWarmup::LinearWarmup(std::shared_ptr<const LRSchedule> inner, int64_t warmup_steps, double start_factor)
    : inner_(std::move(inner)), warmup_(warmup_steps), start_factor_(start_factor) {
  UPRES_CHECK(inner_ != nullptr, "LinearWarmup: the inner schedule is null");
  UPRES_CHECK(warmup_steps >= 0, "LinearWarmup: invalid warm-up length ", warmup_steps, ", expected >= 0");
  // PyTorch's LinearLR: 0 < start_factor <= 1.
  UPRES_CHECK(start_factor > 0.0 && start_factor <= 1.0, "LinearWarmup: invalid start_factor ",
              start_factor, ", expected (0, 1]");
}

float LinearWarmup::lr_at(int64_t step) const {
  check_step("LinearWarmup", step);
  if (step >= warmup_) return inner_->lr_at(step - warmup_);
  const double frac = static_cast<double>(step) / static_cast<double>(warmup_);
  return static_cast<float>(inner_->base_lr() * (start_factor_ + (1.0 - start_factor_) * frac));
}

}  // namespace upres
