// optim.cpp - Optimizer bookkeeping (state, checkpoints), SGD, Adam/AdamW, and
// gradient clipping. The arithmetic lives in the fused kernels of kernels/cpu/optim.h and
// kernels/cuda/optim.h (cuda, simt).
#include "engine/optim.h"

#include <cmath>
#include <set>
#include <sstream>

#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "engine/error.h"
#include "kernels/cpu/optim.h"
#include "kernels/cuda/optim.h"

namespace upres {

namespace {

void check_lr(const char* op, double lr) {
  UPRES_CHECK(std::isfinite(lr) && lr >= 0.0, op, ": invalid learning rate ", lr,
              ", expected a finite value >= 0");
}

// The state tensor `name` of a parameter on `dev`, created as zeros on first use
// and moved if the parameter moved (Module::to replaces the parameter's storage).
Tensor& state_on(std::map<std::string, Tensor>& st, const std::string& name, const Tensor& param) {
  Tensor& t = st[name];
  if (!t.defined())
    t = Tensor::zeros(param.shape(), param.device());
  else if (t.device() != param.device())
    t = t.to(param.device());
  return t;
}

// A parameter was written in place: bump its version (see TensorImpl::version).
void mark_written(Tensor& t) { ++t.impl()->version; }

}  // namespace

// ---- Optimizer ---------------------------------------------------------------------------

Optimizer::Optimizer(std::string type, std::vector<Tensor> params, double lr)
    : type_(std::move(type)), params_(std::move(params)), lr_(lr) {
  const char* op = type_.c_str();
  UPRES_CHECK(!params_.empty(), op, ": got an empty parameter list");
  std::set<const TensorImpl*> seen;
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    UPRES_CHECK(p.defined(), op, ": parameter ", i, " is undefined");
    UPRES_CHECK(p.is_leaf(), op, ": parameter ", i, " ", p.describe(),
                " is the output of an op; optimizers update leaf tensors only");
    UPRES_CHECK(seen.insert(p.impl()).second, op, ": parameter ", i, " ", p.describe(),
                " appears more than once in the parameter list");
  }
  check_lr(op, lr);
  state_.resize(params_.size());
}

void Optimizer::set_lr(double lr) {
  check_lr(type_.c_str(), lr);
  lr_ = lr;
}

void Optimizer::zero_grad() {
  for (Tensor& p : params_) p.zero_grad();
}

void Optimizer::step() {
  NoGradGuard no_grad;
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor& p = params_[i];
    Tensor g = p.grad();
    if (!g.defined()) continue;  // no gradient this iteration: untouched, state frozen
    check_shape(type_.c_str(), "gradient", g, p.shape());
    UPRES_CHECK(g.device() == p.device(), type_, ": parameter ", i, " is on ", to_string(p.device()),
                " but its gradient is on ", to_string(g.device()));
    update(i, p, g);
    mark_written(p);
  }
}

OptimizerState Optimizer::state_dict() const {
  OptimizerState s;
  s.type = type_;
  for (size_t i = 0; i < state_.size(); ++i)
    for (const auto& [name, t] : state_[i])
      if (t.defined()) s.tensors["state." + std::to_string(i) + "." + name] = t.clone();
  s.scalars = hyperparameters();
  return s;
}

void Optimizer::load_state_dict(const OptimizerState& s) {
  const char* op = type_.c_str();
  UPRES_CHECK(s.type == type_, op, ".load_state_dict: the state is of a ", s.type.empty() ? "(untyped)" : s.type,
              " optimizer, expected ", type_);
  // Validate everything before changing anything.
  const std::vector<std::string> names = state_names();
  std::vector<std::map<std::string, Tensor>> fresh(params_.size());
  for (const auto& [key, t] : s.tensors) {
    // key = "state.<i>.<name>"
    size_t dot = key.find('.', 6);
    UPRES_CHECK(key.rfind("state.", 0) == 0 && dot != std::string::npos && dot > 6, op,
                ".load_state_dict: unexpected key '", key, "', expected 'state.<index>.<name>'");
    const std::string idx = key.substr(6, dot - 6), name = key.substr(dot + 1);
    UPRES_CHECK(idx.find_first_not_of("0123456789") == std::string::npos && idx.size() < 10, op,
                ".load_state_dict: key '", key, "' has no parameter index");
    const size_t i = std::stoul(idx);
    UPRES_CHECK(i < params_.size(), op, ".load_state_dict: key '", key, "' names parameter ", i,
                " but the optimizer has ", params_.size(), " parameters");
    bool known = false;
    for (const std::string& n : names) known = known || n == name;
    std::ostringstream list;
    for (const std::string& n : names) list << " " << n;
    UPRES_CHECK(known, op, ".load_state_dict: key '", key, "': unknown state '", name, "', ", type_,
                " keeps:", list.str());
    UPRES_CHECK(t.defined(), op, ".load_state_dict: tensor '", key, "' is undefined");
    if (name == "step") {
      UPRES_CHECK(t.numel() == 1, op, ".load_state_dict: '", key, "' has shape ", to_string(t.shape()),
                  ", expected one element");
      const float v = t.item();
      UPRES_CHECK(v >= 0.0f && v == std::floor(v), op, ".load_state_dict: '", key, "' = ", v,
                  " is not a step count");
      fresh[i][name] = Tensor::scalar(v);  // step counts stay on the host, as in PyTorch
    } else {
      UPRES_CHECK(t.shape() == params_[i].shape(), op, ".load_state_dict: '", key, "' has shape ",
                  to_string(t.shape()), " but parameter ", i, " has shape ", to_string(params_[i].shape()));
      fresh[i][name] = t.to(params_[i].device());  // a copy: later steps must not alter `s`
    }
  }
  std::map<std::string, double> h = hyperparameters();
  for (const auto& [name, v] : s.scalars) {
    UPRES_CHECK(h.count(name), op, ".load_state_dict: unknown hyperparameter '", name, "'");
    h[name] = v;
  }
  check_lr(op, h.at("lr"));
  set_hyperparameters(h);  // validates the rest; throws before anything changed
  lr_ = h.at("lr");
  state_ = std::move(fresh);
}

// ---- SGD ---------------------------------------------------------------------------------

namespace {
void validate(const SGDOptions& o) {
  check_lr("SGD", o.lr);
  UPRES_CHECK(std::isfinite(o.momentum) && o.momentum >= 0.0, "SGD: invalid momentum ", o.momentum,
              ", expected >= 0");
  UPRES_CHECK(std::isfinite(o.dampening), "SGD: invalid dampening ", o.dampening);
  UPRES_CHECK(std::isfinite(o.weight_decay) && o.weight_decay >= 0.0, "SGD: invalid weight_decay ",
              o.weight_decay, ", expected >= 0");
  UPRES_CHECK(!o.nesterov || (o.momentum > 0.0 && o.dampening == 0.0),
              "SGD: nesterov momentum requires momentum > 0 and dampening == 0 (got momentum ",
              o.momentum, ", dampening ", o.dampening, ")");
}
}  // namespace

SGD::SGD(std::vector<Tensor> params, SGDOptions o) : Optimizer("SGD", std::move(params), o.lr), o_(o) {
  validate(o_);
}

void SGD::update(size_t i, Tensor& param, const Tensor& grad) {
  float* buf = nullptr;
  bool first = false;
  if (o_.momentum != 0.0) {
    first = !state_[i].count("momentum_buffer");
    buf = state_on(state_[i], "momentum_buffer", param).data();
  }
  UPRES_DISPATCH_ALL(param.device(), sgd_step, param.numel(), param.data(), grad.data(), buf, lr_,
                 o_.momentum, o_.dampening, o_.weight_decay, o_.nesterov, first);
}

std::map<std::string, double> SGD::hyperparameters() const {
  return {{"lr", lr_},
          {"momentum", o_.momentum},
          {"dampening", o_.dampening},
          {"weight_decay", o_.weight_decay},
          {"nesterov", o_.nesterov ? 1.0 : 0.0}};
}

void SGD::set_hyperparameters(const std::map<std::string, double>& h) {
  SGDOptions o;
  o.lr = h.at("lr");
  o.momentum = h.at("momentum");
  o.dampening = h.at("dampening");
  o.weight_decay = h.at("weight_decay");
  o.nesterov = h.at("nesterov") != 0.0;
  validate(o);
  o_ = o;
}

// ---- Adam / AdamW ------------------------------------------------------------------------

namespace {
void validate(const char* op, const AdamOptions& o) {
  check_lr(op, o.lr);
  UPRES_CHECK(o.beta1 >= 0.0 && o.beta1 < 1.0, op, ": invalid beta1 ", o.beta1, ", expected [0, 1)");
  UPRES_CHECK(o.beta2 >= 0.0 && o.beta2 < 1.0, op, ": invalid beta2 ", o.beta2, ", expected [0, 1)");
  UPRES_CHECK(std::isfinite(o.eps) && o.eps >= 0.0, op, ": invalid eps ", o.eps, ", expected >= 0");
  UPRES_CHECK(std::isfinite(o.weight_decay) && o.weight_decay >= 0.0, op, ": invalid weight_decay ",
              o.weight_decay, ", expected >= 0");
}
}  // namespace

Adam::Adam(std::vector<Tensor> params, AdamOptions o) : Adam("Adam", std::move(params), o, false) {}

Adam::Adam(std::string type, std::vector<Tensor> params, AdamOptions o, bool decoupled)
    : Optimizer(std::move(type), std::move(params), o.lr), o_(o), decoupled_(decoupled) {
  validate(type_.c_str(), o_);
}

AdamW::AdamW(std::vector<Tensor> params, AdamOptions o) : Adam("AdamW", std::move(params), o, true) {}

int64_t Adam::step_count(size_t i) const {
  UPRES_CHECK(i < state_.size(), type_, ".step_count: parameter ", i, " of ", state_.size());
  auto it = state_[i].find("step");
  return it == state_[i].end() ? 0 : static_cast<int64_t>(it->second.item());
}

void Adam::update(size_t i, Tensor& param, const Tensor& grad) {
  auto& st = state_[i];
  Tensor& m = state_on(st, "exp_avg", param);
  Tensor& v = state_on(st, "exp_avg_sq", param);
  Tensor& step = st["step"];
  if (!step.defined()) step = Tensor::scalar(0.0f);  // host scalar, float32 as in PyTorch
  const int64_t t = static_cast<int64_t>(step.data()[0]) + 1;
  UPRES_DISPATCH_ALL(param.device(), adam_step, param.numel(), param.data(), grad.data(), m.data(), v.data(),
                 lr_, o_.beta1, o_.beta2, o_.eps, o_.weight_decay, decoupled_, t);
  step.data()[0] = static_cast<float>(t);
}

std::map<std::string, double> Adam::hyperparameters() const {
  return {{"lr", lr_},
          {"beta1", o_.beta1},
          {"beta2", o_.beta2},
          {"eps", o_.eps},
          {"weight_decay", o_.weight_decay}};
}

void Adam::set_hyperparameters(const std::map<std::string, double>& h) {
  AdamOptions o;
  o.lr = h.at("lr");
  o.beta1 = h.at("beta1");
  o.beta2 = h.at("beta2");
  o.eps = h.at("eps");
  o.weight_decay = h.at("weight_decay");
  validate(type_.c_str(), o);
  o_ = o;
}

// ---- gradient norms and clipping ---------------------------------------------------------

double grad_norm(const std::vector<Tensor>& params, double norm_type) {
  UPRES_CHECK(norm_type > 0.0 && !std::isnan(norm_type), "clip_grad_norm: invalid norm_type ", norm_type,
              ", expected p > 0 or INFINITY");
  const bool inf = std::isinf(norm_type);
  double acc = 0.0;  // sum of |g|^p, or the max |g|
  for (const Tensor& p : params) {
    if (!p.defined()) continue;
    Tensor g = p.grad();
    if (!g.defined()) continue;
    Tensor out = Tensor::empty({}, g.device());
    if (inf) {
      UPRES_DISPATCH_ALL(g.device(), max_abs, g.numel(), g.data(), out.data());
      const double m = out.item();
      if (m > acc || std::isnan(m)) acc = std::isnan(acc) ? acc : m;
    } else if (norm_type == 2.0) {
      UPRES_DISPATCH_ALL(g.device(), sum_squares, g.numel(), g.data(), out.data());
      acc += out.item();
    } else {
      UPRES_DISPATCH_ALL(g.device(), sum_abs_pow, g.numel(), g.data(), norm_type, out.data());
      acc += out.item();
    }
  }
  if (inf) return acc;
  return norm_type == 2.0 ? std::sqrt(acc) : std::pow(acc, 1.0 / norm_type);
}

double clip_grad_norm(const std::vector<Tensor>& params, double max_norm, double norm_type,
                      bool error_if_nonfinite) {
  UPRES_CHECK(!std::isnan(max_norm) && max_norm >= 0.0, "clip_grad_norm: invalid max_norm ", max_norm,
              ", expected >= 0");
  const double total = grad_norm(params, norm_type);
  UPRES_CHECK(!error_if_nonfinite || std::isfinite(total), "clip_grad_norm: the total ", norm_type,
              "-norm of the gradients is ", total, " (non-finite)");
  // PyTorch: clip_coef = max_norm / (total + 1e-6), clamped to at most 1.
  const double coef = max_norm / (total + 1e-6);
  if (coef < 1.0 || std::isnan(coef)) {
    NoGradGuard no_grad;
    for (const Tensor& p : params) {
      if (!p.defined()) continue;
      Tensor g = p.grad();
      if (!g.defined()) continue;
      UPRES_DISPATCH_ALL(g.device(), scale_in_place, g.numel(), static_cast<float>(coef), g.data());
      mark_written(g);
    }
  }
  return total;
}

}  // namespace upres
