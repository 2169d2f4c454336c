#include "engine/module.h"

#include <set>
#include <sstream>

#include "engine/error.h"

namespace upres {

Tensor Module::forward(const Tensor&) {
  UPRES_FAIL("this module has no single-input forward()");
}

Tensor& Module::register_parameter(const std::string& name, Tensor t) {
  UPRES_CHECK(t.defined(), "register_parameter('", name, "'): undefined tensor");
  for (auto& p : params_) UPRES_CHECK(p.first != name, "parameter '", name, "' registered twice");
  t.set_requires_grad(true);
  params_.emplace_back(name, std::move(t));
  return params_.back().second;
}

Tensor& Module::register_buffer(const std::string& name, Tensor t) {
  UPRES_CHECK(t.defined(), "register_buffer('", name, "'): undefined tensor");
  buffers_.emplace_back(name, std::move(t));
  return buffers_.back().second;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> m) {
  UPRES_CHECK(m != nullptr, "register_module('", name, "'): null module");
  for (auto& c : children_) UPRES_CHECK(c.first != name, "child module '", name, "' registered twice");
  children_.emplace_back(name, std::move(m));
}

void Module::collect(const std::string& prefix, bool params, bool buffers,
                     std::vector<std::pair<std::string, Tensor>>& out) const {
  if (params)
    for (auto& p : params_) out.emplace_back(prefix + p.first, p.second);
  if (buffers)
    for (auto& b : buffers_) out.emplace_back(prefix + b.first, b.second);
  for (auto& c : children_) c.second->collect(prefix + c.first + ".", params, buffers, out);
}

std::vector<std::pair<std::string, Tensor>> Module::named_parameters() const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect("", true, false, out);
  return out;
}

std::vector<std::pair<std::string, Tensor>> Module::named_buffers() const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect("", false, true, out);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& p : named_parameters()) out.push_back(p.second);
  return out;
}

std::vector<std::pair<std::string, Tensor>> Module::state_dict() const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect("", true, true, out);
  return out;
}

int64_t Module::num_parameters() const {
  int64_t n = 0;
  for (auto& p : named_parameters()) n += p.second.numel();
  return n;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& c : children_) c.second->train(on);
}

void Module::zero_grad() {
  for (auto& p : named_parameters()) p.second.zero_grad();
}

void Module::to(Device device) {
  // Replace the storage behind each handle, so that optimizers and callers
  // holding these tensors see the move.
  for (auto& p : state_dict()) {
    Tensor& t = p.second;
    if (t.device() == device) continue;
    Tensor moved = t.to(device);
    t.impl()->storage = moved.impl()->storage;
    t.impl()->offset = 0;
    t.zero_grad();
  }
}

std::string LoadReport::describe() const {
  std::ostringstream os;
  for (auto& k : missing) os << "missing key: " << k << "\n";
  for (auto& k : unexpected) os << "unexpected key: " << k << "\n";
  for (auto& k : mismatched) os << "shape mismatch: " << k << "\n";
  return os.str();
}

LoadReport load_state_dict(Module& m, const std::map<std::string, Tensor>& src, bool strict) {
  LoadReport rep;
  auto dst = m.state_dict();
  std::set<std::string> known;
  for (auto& [name, t] : dst) {
    known.insert(name);
    auto it = src.find(name);
    if (it == src.end()) {
      rep.missing.push_back(name);
    } else if (it->second.shape() != t.shape()) {
      rep.mismatched.push_back(name + ": source " + to_string(it->second.shape()) + " vs module " +
                               to_string(t.shape()));
    }
  }
  for (auto& [name, t] : src)
    if (!known.count(name)) rep.unexpected.push_back(name);
  if (strict && !rep.ok()) UPRES_FAIL("load_state_dict: the tensors do not fit the module:\n", rep.describe());
  for (auto& [name, t] : dst) {
    auto it = src.find(name);
    if (it != src.end() && it->second.shape() == t.shape()) t.copy_(it->second);
  }
  return rep;
}

}  // namespace upres
