// autograd.h - define-by-run reverse-mode differentiation.
//
// Every differentiable op, after computing its output y = f(x1, x2, ...), calls
// record(): if grad mode is on and some input requires grad, y gets a Node that
// holds the inputs and a backward function. Given dL/dy, backward returns one
// tensor per input, dL/dxi (undefined where that input needs no gradient).
// Tensor::backward() orders the nodes reachable from the loss topologically,
// walks them in reverse, and accumulates (+=) gradients: into `.grad` of leaves,
// into a temporary table for intermediate tensors.
//
// Cycle rule: a backward function must not capture its own output tensor (the
// output owns the node, the node would own the output). Capture `y.detach()`
// instead - it shares the data but not the node.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace upres {

using BackwardFn = std::function<std::vector<Tensor>(const Tensor& grad_output)>;

struct Node {
  std::string op;              // for error messages and graph dumps: "conv2d"
  std::vector<Tensor> inputs;  // one entry per differentiable input of the op
  BackwardFn backward;         // returns one gradient per entry of `inputs`
  bool released = false;       // set after a backward without retain_graph
};

// Grad mode: on by default; NoGradGuard turns it off for a scope (inference,
// optimizer steps, and while a backward pass runs).
bool grad_enabled();
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool prev_;
};

// True if grad mode is on and any of the tensors requires grad.
bool needs_grad(std::initializer_list<const Tensor*> inputs);
bool needs_grad(const std::vector<Tensor>& inputs);

// Attach a node to `output` if needs_grad(inputs). Returns `output` for chaining.
Tensor& record(Tensor& output, const char* op, std::vector<Tensor> inputs, BackwardFn backward);

// dst += src (same shape and device), outside autograd. Used to accumulate gradients.
void accumulate(Tensor& dst, const Tensor& src);

}  // namespace upres
