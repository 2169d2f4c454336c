#include "engine/autograd.h"

#include <unordered_map>
#include <unordered_set>

#include "engine/dispatch.h"
#include "engine/error.h"
#include "kernels/cpu/basic.h"
#include "kernels/cuda/basic.h"

namespace upres {

namespace {
thread_local bool t_grad_enabled = true;
}

bool grad_enabled() { return t_grad_enabled; }
NoGradGuard::NoGradGuard() : prev_(t_grad_enabled) { t_grad_enabled = false; }
NoGradGuard::~NoGradGuard() { t_grad_enabled = prev_; }

bool needs_grad(std::initializer_list<const Tensor*> inputs) {
  if (!t_grad_enabled) return false;
  for (const Tensor* t : inputs)
    if (t && t->requires_grad()) return true;
  return false;
}

bool needs_grad(const std::vector<Tensor>& inputs) {
  if (!t_grad_enabled) return false;
  for (const Tensor& t : inputs)
    if (t.requires_grad()) return true;
  return false;
}

Tensor& record(Tensor& output, const char* op, std::vector<Tensor> inputs, BackwardFn backward) {
  if (!needs_grad(inputs)) return output;
  auto node = std::make_shared<Node>();
  node->op = op;
  node->inputs = std::move(inputs);
  node->backward = std::move(backward);
  output.impl()->grad_fn = std::move(node);
  output.impl()->requires_grad = true;
  return output;
}

void accumulate(Tensor& dst, const Tensor& src) {
  check_shape("accumulate", "gradient", src, dst.shape());
  UPRES_CHECK(dst.device() == src.device(), "accumulate: gradient on ", to_string(src.device()),
              ", tensor on ", to_string(dst.device()));
  UPRES_DISPATCH_ALL(dst.device(), axpy, dst.numel(), 1.0f, src.data(), dst.data());
}

// Reverse-mode sweep. The nodes reachable from `root` are sorted so that every
// node comes after all nodes that consume its output (a reverse post-order of an
// iterative depth-first search). Each intermediate tensor's gradient is complete
// by the time its node runs, because all of its consumers ran before it.
void Tensor::backward(const Tensor& grad, bool retain_graph) const {
  UPRES_CHECK(defined(), "backward(): the tensor is undefined");
  UPRES_CHECK(requires_grad(), "backward(): ", describe(),
              " does not require grad (no input of the ops that made it requires grad)");
  Tensor seed;
  if (grad.defined()) {
    check_shape("backward", "gradient", grad, shape());
    seed = grad.detach();
  } else {
    UPRES_CHECK(numel() == 1, "backward(): ", describe(),
                " is not a single value; pass the gradient of the output explicitly");
    seed = Tensor::ones(shape(), device());
  }

  // Topological order by iterative DFS (graphs of deep networks would overflow a
  // recursive one).
  std::vector<TensorImpl*> order;
  std::unordered_set<TensorImpl*> visited;
  std::vector<std::pair<TensorImpl*, size_t>> stack;
  if (impl_->grad_fn) {
    stack.push_back({impl_.get(), 0});
    visited.insert(impl_.get());
  }
  while (!stack.empty()) {
    auto& [t, next] = stack.back();
    Node* node = t->grad_fn.get();
    if (next < node->inputs.size()) {
      TensorImpl* in = node->inputs[next++].impl();
      if (in && in->grad_fn && in->requires_grad && visited.insert(in).second) stack.push_back({in, 0});
    } else {
      order.push_back(t);
      stack.pop_back();
    }
  }

  NoGradGuard no_grad;  // ops used inside backward functions record nothing
  std::unordered_map<TensorImpl*, Tensor> pending;  // gradients of intermediate tensors

  auto deliver = [&](const Tensor& input, const Tensor& g) {
    TensorImpl* in = input.impl();
    if (!in || !in->requires_grad || !g.defined()) return;
    check_shape("backward", "gradient", g, in->shape);
    if (in->grad_fn) {
      auto it = pending.find(in);
      if (it == pending.end()) {
        pending.emplace(in, g);
      } else {
        // The stored tensor may alias a tensor that a backward function returned
        // as-is (e.g. add passes the gradient through); copy before adding.
        Tensor sum = it->second.clone();
        accumulate(sum, g);
        it->second = sum;
      }
    } else if (!in->grad) {
      in->grad = g.clone().impl_ptr();  // own copy: later += must not alter g's storage
    } else {
      Tensor acc(in->grad);
      accumulate(acc, g);
    }
  };

  if (!impl_->grad_fn) {  // a leaf: its gradient is the seed
    deliver(*this, seed);
    return;
  }
  pending.emplace(impl_.get(), seed);

  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    TensorImpl* t = *it;
    auto found = pending.find(t);
    if (found == pending.end()) continue;  // no gradient flows here
    Tensor g = found->second;
    pending.erase(found);
    Node& node = *t->grad_fn;
    UPRES_CHECK(!node.released, "backward(): the graph through '", node.op,
                "' was already freed by an earlier backward; pass retain_graph=true to the first");
    std::vector<Tensor> grads = node.backward(g);
    UPRES_CHECK(grads.size() == node.inputs.size(), "backward of '", node.op, "' returned ",
                grads.size(), " gradients for ", node.inputs.size(), " inputs");
    for (size_t i = 0; i < grads.size(); ++i) deliver(node.inputs[i], grads[i]);
    if (!retain_graph) {
      node.released = true;
      node.backward = nullptr;  // frees the tensors the backward function saved
    }
  }
}

}  // namespace upres
