#include "engine/tensor.h"

#include <limits>
#include <sstream>

#include "engine/allocator.h"
#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "engine/error.h"
#include "engine/rng.h"
#include "kernels/cpu/basic.h"
#include "kernels/cuda/basic.h"

namespace upres {

std::string to_string(const Shape& s) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < s.size(); ++i) os << (i ? ", " : "") << s[i];
  os << "]";
  return os.str();
}

int64_t shape_numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    UPRES_CHECK(d >= 0, "shape ", to_string(s), " has a negative size");
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d)
      UPRES_FAIL("shape ", to_string(s), " has more elements than fit in 64 bits");
    n *= d;
  }
  return n;
}

// ---- Storage ---------------------------------------------------------------------------

Storage::Storage(std::size_t nbytes, Device dev) : bytes(nbytes), device(dev) {
  UPRES_CHECK(nbytes <= max_allocation_bytes(), "refusing to allocate ", nbytes,
              " bytes on ", to_string(dev), ": over the limit of ", max_allocation_bytes(),
              " bytes (set_max_allocation_bytes)");
  ptr = allocator_for(dev).allocate(nbytes);
}

Storage::~Storage() {
  // Never throw from a destructor; the allocator exists if allocate succeeded.
  allocator_for(device).deallocate(ptr, bytes);
}

// ---- factories -------------------------------------------------------------------------

Tensor Tensor::empty(const Shape& shape, Device device) {
  int64_t n = shape_numel(shape);
  UPRES_CHECK(static_cast<uint64_t>(n) <= max_allocation_bytes() / sizeof(float),
              "tensor of shape ", to_string(shape), " (", n, " floats) is over the allocation limit of ",
              max_allocation_bytes(), " bytes");
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = shape;
  impl->storage = std::make_shared<Storage>(static_cast<std::size_t>(n) * sizeof(float), device);
  return Tensor(std::move(impl));
}

Tensor Tensor::full(const Shape& shape, float value, Device device) {
  Tensor t = empty(shape, device);
  t.fill_(value);
  return t;
}
Tensor Tensor::zeros(const Shape& shape, Device device) { return full(shape, 0.0f, device); }
Tensor Tensor::ones(const Shape& shape, Device device) { return full(shape, 1.0f, device); }

Tensor Tensor::from_vector(const Shape& shape, const std::vector<float>& values, Device device) {
  int64_t n = shape_numel(shape);
  UPRES_CHECK(static_cast<int64_t>(values.size()) == n, "from_vector: shape ", to_string(shape),
              " needs ", n, " values, got ", values.size());
  Tensor t = empty(shape, device);
  copy_bytes(t.data(), device, values.data(), Device::cpu, values.size() * sizeof(float));
  return t;
}

Tensor Tensor::uniform(const Shape& shape, float lo, float hi, Rng& rng, Device device) {
  std::vector<float> v(static_cast<size_t>(shape_numel(shape)));
  for (float& x : v) x = rng.uniform(lo, hi);
  return from_vector(shape, v, device);
}

Tensor Tensor::randn(const Shape& shape, Rng& rng, Device device) {
  std::vector<float> v(static_cast<size_t>(shape_numel(shape)));
  for (float& x : v) x = rng.normal();
  return from_vector(shape, v, device);
}

// ---- accessors -------------------------------------------------------------------------

namespace {
const TensorImpl& need(const std::shared_ptr<TensorImpl>& p, const char* what) {
  UPRES_CHECK(p != nullptr, what, ": the tensor is undefined");
  return *p;
}
}  // namespace

const Shape& Tensor::shape() const { return need(impl_, "shape()").shape; }
Device Tensor::device() const { return need(impl_, "device()").storage->device; }
DType Tensor::dtype() const { return need(impl_, "dtype()").dtype; }

int64_t Tensor::size(int64_t d) const {
  int64_t r = dim();
  int64_t k = d < 0 ? d + r : d;
  UPRES_CHECK(k >= 0 && k < r, "size(", d, "): tensor ", describe(), " has ", r, " dimensions");
  return shape()[static_cast<size_t>(k)];
}

std::string Tensor::describe() const {
  if (!impl_) return "undefined tensor";
  return std::string("f32") + to_string(impl_->shape) + " on " + to_string(device());
}

float* Tensor::data() {
  need(impl_, "data()");
  return static_cast<float*>(impl_->storage->ptr) + impl_->offset;
}
const float* Tensor::data() const {
  need(impl_, "data()");
  return static_cast<const float*>(impl_->storage->ptr) + impl_->offset;
}

std::vector<float> Tensor::to_vector() const {
  std::vector<float> v(static_cast<size_t>(numel()));
  copy_bytes(v.data(), Device::cpu, data(), device(), v.size() * sizeof(float));
  return v;
}

float Tensor::item() const {
  UPRES_CHECK(numel() == 1, "item(): tensor ", describe(), " does not hold exactly one element");
  return to_vector()[0];
}

Tensor Tensor::to(Device dev) const {
  Tensor t = empty(shape(), dev);
  copy_bytes(t.data(), dev, data(), device(), static_cast<size_t>(numel()) * sizeof(float));
  return t;
}

Tensor Tensor::clone() const { return to(device()); }

Tensor Tensor::detach() const {
  need(impl_, "detach()");
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = impl_->shape;
  impl->dtype = impl_->dtype;
  impl->storage = impl_->storage;
  impl->offset = impl_->offset;
  return Tensor(std::move(impl));
}

Tensor Tensor::reshape(const Shape& new_shape) const {
  need(impl_, "reshape()");
  Shape s = new_shape;
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == -1) {
      UPRES_CHECK(infer < 0, "reshape ", describe(), " to ", to_string(new_shape), ": more than one -1");
      infer = static_cast<int64_t>(i);
    } else {
      UPRES_CHECK(s[i] >= 0, "reshape ", describe(), " to ", to_string(new_shape), ": negative size");
      known *= s[i];
    }
  }
  if (infer >= 0) {
    UPRES_CHECK(known > 0 && numel() % known == 0, "reshape ", describe(), " to ",
                to_string(new_shape), ": cannot infer the -1 size");
    s[static_cast<size_t>(infer)] = numel() / known;
  }
  UPRES_CHECK(shape_numel(s) == numel(), "reshape ", describe(), " to ", to_string(new_shape),
              ": element counts differ (", numel(), " vs ", shape_numel(s), ")");
  Tensor out = detach();
  out.impl()->shape = s;
  Shape old = shape();
  return record(out, "reshape", {*this},
                [old](const Tensor& gy) { return std::vector<Tensor>{gy.reshape(old)}; });
}

// ---- in-place --------------------------------------------------------------------------

Tensor& Tensor::fill_(float value) {
  UPRES_DISPATCH_ALL(device(), fill, numel(), value, data());
  ++impl_->version;
  return *this;
}

Tensor& Tensor::copy_(const Tensor& src) {
  UPRES_CHECK(src.numel() == numel(), "copy_: source ", src.describe(), " and destination ",
              describe(), " differ in element count");
  copy_bytes(data(), device(), src.data(), src.device(), static_cast<size_t>(numel()) * sizeof(float));
  ++impl_->version;
  return *this;
}

// ---- autograd accessors ----------------------------------------------------------------

bool Tensor::requires_grad() const { return impl_ && impl_->requires_grad; }

Tensor& Tensor::set_requires_grad(bool on) {
  need(impl_, "set_requires_grad()");
  UPRES_CHECK(impl_->grad_fn == nullptr, "set_requires_grad: ", describe(),
              " is the output of an op; only leaf tensors can change requires_grad (use detach())");
  impl_->requires_grad = on;
  return *this;
}

bool Tensor::is_leaf() const { return impl_ && impl_->grad_fn == nullptr; }

Tensor Tensor::grad() const { return impl_ && impl_->grad ? Tensor(impl_->grad) : Tensor(); }

void Tensor::set_grad(const Tensor& g) {
  need(impl_, "set_grad()");
  if (g.defined()) check_shape("set_grad", "gradient", g, shape());
  impl_->grad = g.impl_ptr();
}

void Tensor::zero_grad() {
  if (impl_) impl_->grad.reset();
}

const std::shared_ptr<Node>& Tensor::grad_fn() const {
  static const std::shared_ptr<Node> none;
  return impl_ ? impl_->grad_fn : none;
}

// ---- checks ----------------------------------------------------------------------------

void check_shape(const char* op, const char* what, const Tensor& t, const Shape& expected) {
  UPRES_CHECK(t.defined(), op, ": ", what, " is undefined, expected shape ", to_string(expected));
  UPRES_CHECK(t.shape() == expected, op, ": ", what, " has shape ", to_string(t.shape()),
              ", expected ", to_string(expected));
}

void check_rank(const char* op, const char* what, const Tensor& t, int64_t rank) {
  UPRES_CHECK(t.defined(), op, ": ", what, " is undefined");
  UPRES_CHECK(t.dim() == rank, op, ": ", what, " has shape ", to_string(t.shape()), " (", t.dim(),
              " dimensions), expected ", rank, " dimensions", rank == 4 ? " (N, C, H, W)" : "");
}

Device common_device(const char* op, std::initializer_list<const Tensor*> ts) {
  const Tensor* first = nullptr;
  for (const Tensor* t : ts) {
    if (!t) continue;
    UPRES_CHECK(t->defined(), op, ": an input tensor is undefined");
    if (!first) first = t;
    UPRES_CHECK(t->device() == first->device(), op, ": inputs are on different devices (",
                to_string(first->device()), " and ", to_string(t->device()), ")");
  }
  UPRES_CHECK(first != nullptr, op, ": no input tensors");
  return first->device();
}

}  // namespace upres
