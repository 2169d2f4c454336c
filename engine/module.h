// module.h - the building block of networks, as torch.nn.Module.
//
// A Module owns named parameters (leaf tensors that require grad), named
// buffers (state that is saved but not trained, e.g. batch norm's running
// statistics) and named child modules. Names compose with dots, so a network's
// state_dict keys read like PyTorch's: "body.0.conv1.weight". Registration order
// is kept, so state_dict() is ordered as PyTorch's.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/tensor.h"

namespace upres {

class Module {
 public:
  virtual ~Module() = default;
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // Single-input forward, the common case. Modules with other signatures add their own.
  virtual Tensor forward(const Tensor& x);
  Tensor operator()(const Tensor& x) { return forward(x); }

  // Recursive, with dotted names, in registration order.
  std::vector<std::pair<std::string, Tensor>> named_parameters() const;
  std::vector<std::pair<std::string, Tensor>> named_buffers() const;
  std::vector<Tensor> parameters() const;
  // Parameters then buffers of each module, depth-first: PyTorch's state_dict order.
  std::vector<std::pair<std::string, Tensor>> state_dict() const;
  int64_t num_parameters() const;  // total element count of the parameters

  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children() const { return children_; }

  // Training vs evaluation mode (batch norm, dropout-like behaviour), recursive.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  void zero_grad();              // drops every parameter's gradient
  void to(Device device);        // moves parameters and buffers (in place: handles stay valid)

 protected:
  Tensor& register_parameter(const std::string& name, Tensor t);  // sets requires_grad
  Tensor& register_buffer(const std::string& name, Tensor t);
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> m) {
    add_child(name, m);
    return m;
  }

 private:
  void add_child(const std::string& name, std::shared_ptr<Module> m);
  void collect(const std::string& prefix, bool params, bool buffers,
               std::vector<std::pair<std::string, Tensor>>& out) const;
  std::vector<std::pair<std::string, Tensor>> params_, buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

// Result of loading a state dict: what did not fit, by name.
struct LoadReport {
  std::vector<std::string> missing;     // in the module, not in the source
  std::vector<std::string> unexpected;  // in the source, not in the module
  std::vector<std::string> mismatched;  // "name: file [a, b] vs module [c, d]"
  bool ok() const { return missing.empty() && unexpected.empty() && mismatched.empty(); }
  std::string describe() const;  // one line per problem
};

// Copy tensors into the module's parameters and buffers, by name. With strict,
// any problem throws upres::Error listing every problem; otherwise matching
// tensors are loaded and the report tells the rest.
LoadReport load_state_dict(Module& m, const std::map<std::string, Tensor>& src, bool strict = true);

}  // namespace upres
