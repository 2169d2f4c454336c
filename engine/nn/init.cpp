#include "engine/nn/init.h"

#include <cmath>
#include <vector>

#include "engine/error.h"

namespace upres::init {

int64_t fan_in(const Shape& s) {
  UPRES_CHECK(s.size() >= 2, "fan_in: weight shape ", to_string(s), " has fewer than 2 dimensions");
  int64_t receptive = 1;
  for (size_t i = 2; i < s.size(); ++i) receptive *= s[i];
  return s[1] * receptive;
}

int64_t fan_out(const Shape& s) {
  UPRES_CHECK(s.size() >= 2, "fan_out: weight shape ", to_string(s), " has fewer than 2 dimensions");
  int64_t receptive = 1;
  for (size_t i = 2; i < s.size(); ++i) receptive *= s[i];
  return s[0] * receptive;
}

void uniform_(Tensor& t, float lo, float hi, Rng& rng) {
  std::vector<float> v(static_cast<size_t>(t.numel()));
  for (float& x : v) x = rng.uniform(lo, hi);
  t.copy_(Tensor::from_vector(t.shape(), v));
}

void normal_(Tensor& t, float mean, float std, Rng& rng) {
  std::vector<float> v(static_cast<size_t>(t.numel()));
  for (float& x : v) x = mean + std * rng.normal();
  t.copy_(Tensor::from_vector(t.shape(), v));
}

void kaiming_uniform_(Tensor& w, float a, Rng& rng) {
  float gain = std::sqrt(2.0f / (1.0f + a * a));
  float bound = gain * std::sqrt(3.0f / static_cast<float>(fan_in(w.shape())));
  uniform_(w, -bound, bound, rng);
}

void kaiming_normal_(Tensor& w, float a, bool fan_out_mode, Rng& rng) {
  float gain = std::sqrt(2.0f / (1.0f + a * a));
  int64_t fan = fan_out_mode ? fan_out(w.shape()) : fan_in(w.shape());
  normal_(w, 0.0f, gain / std::sqrt(static_cast<float>(fan)), rng);
}

}  // namespace upres::init
