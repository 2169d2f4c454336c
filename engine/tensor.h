// tensor.h - the n-dimensional array of upres.
//
// A Tensor is a cheap handle (a shared pointer) to a TensorImpl: a shape, a
// pointer into shared Storage, and the autograd fields. Copying a Tensor copies
// the handle, never the data - as in PyTorch. Data is float32, row-major and
// contiguous; images are NCHW. The dtype field leaves room for f16/bf16.
//
// Autograd fields: `requires_grad` marks tensors whose gradient we want;
// `grad_fn` is the Node that produced a non-leaf tensor; `grad` holds the
// accumulated gradient after backward() (for leaves such as parameters).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "engine/device.h"

namespace upres {

using Shape = std::vector<int64_t>;
std::string to_string(const Shape& s);  // "[1, 3, 7, 9]"
int64_t shape_numel(const Shape& s);     // product of the sizes; throws on negatives/overflow

enum class DType : unsigned char { f32 = 0 };

// A block of device memory shared by the tensors that view it.
struct Storage {
  Storage(std::size_t bytes, Device device);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  void* ptr = nullptr;
  std::size_t bytes = 0;
  Device device = Device::cpu;
};

struct Node;
class Tensor;

struct TensorImpl {
  Shape shape;
  DType dtype = DType::f32;
  std::shared_ptr<Storage> storage;
  int64_t offset = 0;  // in elements, for views (reshape, narrow of the outer dim)
  bool requires_grad = false;
  std::shared_ptr<TensorImpl> grad;  // accumulated gradient (same shape), or null
  std::shared_ptr<Node> grad_fn;     // producer, for non-leaf tensors
  int64_t version = 0;               // bumped by in-place writes; see autograd.h
};

class Rng;

class Tensor {
 public:
  Tensor() = default;  // an undefined tensor (like an empty optional)
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // ---- factories (data uninitialised, or filled) -----------------------------------
  static Tensor empty(const Shape& shape, Device device = Device::cpu);
  static Tensor zeros(const Shape& shape, Device device = Device::cpu);
  static Tensor ones(const Shape& shape, Device device = Device::cpu);
  static Tensor full(const Shape& shape, float value, Device device = Device::cpu);
  static Tensor from_vector(const Shape& shape, const std::vector<float>& values,
                            Device device = Device::cpu);
  static Tensor scalar(float value, Device device = Device::cpu) { return full({}, value, device); }
  // Uniform in [lo, hi) and standard normal, from a seeded upres::Rng.
  static Tensor uniform(const Shape& shape, float lo, float hi, Rng& rng, Device device = Device::cpu);
  static Tensor randn(const Shape& shape, Rng& rng, Device device = Device::cpu);

  // ---- shape and placement ---------------------------------------------------------
  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const;
  int64_t dim() const { return static_cast<int64_t>(shape().size()); }
  int64_t size(int64_t d) const;  // negative d counts from the end
  int64_t numel() const { return shape_numel(shape()); }
  Device device() const;
  DType dtype() const;
  std::string describe() const;  // "f32[1, 3, 7, 9] on cpu"

  // Raw element pointer (device memory for cuda). Kernels take these.
  float* data();
  const float* data() const;
  // Copy to a host vector / read a one-element tensor.
  std::vector<float> to_vector() const;
  float item() const;

  // A copy on another device (no autograd across devices).
  Tensor to(Device device) const;
  // A new tensor with its own copy of the data, no autograd history.
  Tensor clone() const;
  // Same data, no history: a leaf that does not require grad.
  Tensor detach() const;
  // Same data, new shape with equal numel (a view); differentiable. One size may be -1.
  Tensor reshape(const Shape& shape) const;

  // ---- in-place writes, outside autograd (initialisers, optimizers, loaders) --------
  Tensor& fill_(float value);
  Tensor& copy_(const Tensor& src);  // same numel, any devices

  // ---- autograd ----------------------------------------------------------------------
  bool requires_grad() const;
  Tensor& set_requires_grad(bool on = true);  // only on leaves
  bool is_leaf() const;
  Tensor grad() const;  // undefined until a backward reaches this tensor
  void set_grad(const Tensor& g);
  void zero_grad();  // drops the gradient (next backward starts a fresh one)
  const std::shared_ptr<Node>& grad_fn() const;
  // Backpropagate from this tensor. With no argument it must hold one element
  // (a loss); otherwise `grad` has its shape. Gradients accumulate (+=) into
  // every leaf that requires grad. The graph is freed unless retain_graph.
  void backward(const Tensor& grad = Tensor(), bool retain_graph = false) const;

  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  bool same(const Tensor& other) const { return impl_ == other.impl_; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

// Throws a clear error if `t` is undefined or its shape differs from `expected`.
void check_shape(const char* op, const char* what, const Tensor& t, const Shape& expected);
// Throws unless `t` has `rank` dimensions.
void check_rank(const char* op, const char* what, const Tensor& t, int64_t rank);
// Throws unless all tensors are defined and on one device; returns that device.
Device common_device(const char* op, std::initializer_list<const Tensor*> ts);

}  // namespace upres
