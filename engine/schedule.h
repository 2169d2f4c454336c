// schedule.h - learning-rate schedules as pure functions of the step.
//
// PyTorch's schedulers are stateful objects stepped once per iteration; here a
// schedule is a function lr_at(step), which gives the same sequence (the lr to
// use for update number `step`, counting from 0, i.e. the value PyTorch's
// scheduler holds after `step` calls of scheduler.step()) and needs no state in a
// checkpoint: a resumed run just asks for lr_at(its step). Use:
//
//   for (int64_t step = 0; ...; ++step) { opt.set_lr(sched.lr_at(step)); ...; opt.step(); }
//
// The closed forms below are those of torch.optim.lr_scheduler when stepped once
// per iteration without an explicit epoch argument.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace upres {

class LRSchedule {
 public:
  virtual ~LRSchedule() = default;
  // The learning rate for update number `step` (>= 0; throws on negative steps).
  virtual float lr_at(int64_t step) const = 0;
  // The learning rate the schedule starts from (the optimizer's initial lr in PyTorch).
  virtual double base_lr() const = 0;
};

// MultiStepLR: lr = base_lr * gamma^(number of milestones <= step). A milestone
// listed twice counts twice, as in PyTorch (which keeps them in a Counter).
class MultiStepLR : public LRSchedule {
 public:
  MultiStepLR(double base_lr, std::vector<int64_t> milestones, double gamma = 0.1);
  float lr_at(int64_t step) const override;
  double base_lr() const override { return base_lr_; }

 private:
  double base_lr_, gamma_;
  std::vector<int64_t> milestones_;  // sorted
};

// CosineAnnealingLR: lr = eta_min + (base_lr - eta_min) (1 + cos(pi step / T_max)) / 2.
// As in PyTorch, past T_max the cosine is not clamped: it rises again, with period 2 T_max.
class CosineAnnealingLR : public LRSchedule {
 public:
  CosineAnnealingLR(double base_lr, int64_t t_max, double eta_min = 0.0);
  float lr_at(int64_t step) const override;
  double base_lr() const override { return base_lr_; }

 private:
  double base_lr_, eta_min_;
  int64_t t_max_;
};

// CosineAnnealingWarmRestarts (SGDR, Loshchilov & Hutter 2017): cycles of cosine
// annealing from base_lr to eta_min, the first T_0 steps long, each next one
// T_mult times longer; at the start of each cycle the lr jumps back to base_lr.
//   lr = eta_min + (base_lr - eta_min) (1 + cos(pi T_cur / T_i)) / 2,
// T_cur = steps since the current cycle began, T_i = its length. Computed with
// integers, so cycle boundaries are exact.
class CosineAnnealingWarmRestarts : public LRSchedule {
 public:
  CosineAnnealingWarmRestarts(double base_lr, int64_t t_0, int64_t t_mult = 1, double eta_min = 0.0);
  float lr_at(int64_t step) const override;
  double base_lr() const override { return base_lr_; }

 private:
  double base_lr_, eta_min_;
  int64_t t_0_, t_mult_;
};

// Linear warm-up before another schedule, as PyTorch's
//   SequentialLR([LinearLR(start_factor, 1.0, total_iters=warmup), inner], milestones=[warmup]):
//   step <  warmup: lr = base_lr * (start_factor + (1 - start_factor) * step / warmup)
//   step >= warmup: lr = inner.lr_at(step - warmup)   (the inner schedule starts at the milestone,
//                                                       so its own milestones count from there)
// base_lr is the inner schedule's. warmup = 0 means no warm-up.
class LinearWarmup : public LRSchedule {
 public:
  LinearWarmup(std::shared_ptr<const LRSchedule> inner, int64_t warmup_steps,
               double start_factor = 1.0 / 3.0);
  float lr_at(int64_t step) const override;
  double base_lr() const override { return inner_->base_lr(); }

 private:
  std::shared_ptr<const LRSchedule> inner_;
  int64_t warmup_;
  double start_factor_;
};

}  // namespace upres
