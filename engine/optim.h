// optim.h - optimizers (SGD, Adam, AdamW) and gradient clipping, as torch.optim.
//
// An Optimizer holds the parameter tensors it updates (handles: the module's
// own tensors, updated in place) and, per parameter, its state: SGD's momentum
// buffer, Adam's first and second moments and step count. A training iteration:
//
//   opt.zero_grad();                 // drop last iteration's gradients
//   Tensor loss = ...; loss.backward();
//   clip_grad_norm(params, 1.0);     // optional
//   opt.step();                      // update every parameter that has a gradient
//
// A parameter whose gradient is undefined is skipped entirely (its state does not
// advance either), as in PyTorch. The update rules and their float arithmetic
// follow PyTorch's (kernels/cpu/optim.h), so runs reproduce PyTorch's numbers.
//
// state_dict() exports the optimizer as named tensors plus scalars, PyTorch's
// layout flattened to one level: "state.<i>.momentum_buffer" (SGD),
// "state.<i>.exp_avg", "state.<i>.exp_avg_sq", "state.<i>.step" (Adam/AdamW; the
// step as a float32 scalar tensor, as PyTorch keeps it) where <i> is the
// parameter's index in the list given to the constructor; scalars hold the
// hyperparameters ("lr", "momentum", "beta1", ...). A checkpoint stores both;
// load_state_dict() into an optimizer built over the same parameters continues
// the run exactly.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace upres {

// The optimizer's state as a checkpoint carries it.
struct OptimizerState {
  std::string type;                       // "SGD", "Adam", "AdamW": must match on load
  std::map<std::string, Tensor> tensors;  // "state.<i>.<name>" (copies, on the parameters' device)
  std::map<std::string, double> scalars;  // hyperparameters: "lr", "weight_decay", ...
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // One update of every parameter that has a gradient. Runs without autograd.
  void step();
  // Drops every parameter's gradient (PyTorch's default set_to_none=True).
  void zero_grad();

  double lr() const { return lr_; }
  void set_lr(double lr);  // throws unless lr >= 0 and finite
  const std::vector<Tensor>& params() const { return params_; }
  const std::string& type() const { return type_; }

  // Copies of the state, named as described above.
  OptimizerState state_dict() const;
  // Replaces the state (copied to the parameters' devices) and the hyperparameters
  // present in `s`. Throws, changing nothing, on a type mismatch, an unknown key,
  // a parameter index out of range or a shape that differs from its parameter's.
  void load_state_dict(const OptimizerState& s);

 protected:
  Optimizer(std::string type, std::vector<Tensor> params, double lr);
  // Update parameter i with gradient g (same shape and device). Its per-parameter
  // state lives in state_[i], created on first use.
  virtual void update(size_t i, Tensor& param, const Tensor& grad) = 0;
  // Names of the tensors a parameter's state may hold, and the hyperparameters.
  virtual std::vector<std::string> state_names() const = 0;
  virtual std::map<std::string, double> hyperparameters() const = 0;
  virtual void set_hyperparameters(const std::map<std::string, double>& h) = 0;  // validated

  // state_[i]["exp_avg"] etc.; a missing name means "not created yet".
  std::vector<std::map<std::string, Tensor>> state_;
  std::string type_;
  std::vector<Tensor> params_;
  double lr_;
};

// torch.optim.SGD(params, lr, momentum, dampening, weight_decay, nesterov).
struct SGDOptions {
  double lr = 1e-3;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;  // needs momentum > 0 and dampening == 0, as in PyTorch
};
class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, SGDOptions o);
  const SGDOptions& options() const { return o_; }

 protected:
  void update(size_t i, Tensor& param, const Tensor& grad) override;
  std::vector<std::string> state_names() const override { return {"momentum_buffer"}; }
  std::map<std::string, double> hyperparameters() const override;
  void set_hyperparameters(const std::map<std::string, double>& h) override;

 private:
  SGDOptions o_;
};

// torch.optim.Adam / AdamW. Adam's weight_decay is an L2 term added to the
// gradient; AdamW's multiplies the weights by 1 - lr * weight_decay each step.
struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9, beta2 = 0.999;  // each in [0, 1)
  double eps = 1e-8;
  double weight_decay = 0.0;  // AdamW's constructor uses 1e-2 when given default options
};
class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, AdamOptions o);
  const AdamOptions& options() const { return o_; }
  // Updates applied so far to parameter i (0 before its first gradient).
  int64_t step_count(size_t i) const;

 protected:
  Adam(std::string type, std::vector<Tensor> params, AdamOptions o, bool decoupled);
  void update(size_t i, Tensor& param, const Tensor& grad) override;
  std::vector<std::string> state_names() const override { return {"exp_avg", "exp_avg_sq", "step"}; }
  std::map<std::string, double> hyperparameters() const override;
  void set_hyperparameters(const std::map<std::string, double>& h) override;

 private:
  AdamOptions o_;
  bool decoupled_;
};
class AdamW : public Adam {
 public:
  AdamW(std::vector<Tensor> params, AdamOptions o);
  static AdamOptions defaults() {  // PyTorch's AdamW defaults
    AdamOptions o;
    o.weight_decay = 1e-2;
    return o;
  }
};

// torch.nn.utils.clip_grad_norm_: the norm of all gradients together (as if
// concatenated into one vector; norm_type p > 0, or INFINITY for the max-norm).
// If it exceeds max_norm, every gradient is scaled by max_norm / (norm + 1e-6).
// Returns the norm before clipping. Parameters without a gradient are ignored;
// with none at all the norm is 0. A non-finite norm throws if error_if_nonfinite,
// otherwise (PyTorch's default) the gradients are scaled by NaN/0 as PyTorch would.
double clip_grad_norm(const std::vector<Tensor>& params, double max_norm, double norm_type = 2.0,
                      bool error_if_nonfinite = false);
// The same norm without clipping.
double grad_norm(const std::vector<Tensor>& params, double norm_type = 2.0);

}  // namespace upres
