// reduce.h - sums and means, over everything or over chosen dimensions; the
// pixel losses' reductions.
#pragma once

#include <vector>

#include "engine/tensor.h"

namespace upres {

Tensor sum(const Tensor& x);   // all elements -> shape []
Tensor mean(const Tensor& x);  // all elements -> shape []
// Over the listed dims (negative counts from the end); keepdim keeps them as size 1.
Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);
Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);

enum class Reduction { mean, sum };
// mean|a - b| and mean (a - b)^2 (or the sums), as torch.nn.functional.l1_loss / mse_loss.
// l1's gradient at a == b is 0, as PyTorch's sign().
Tensor l1_loss(const Tensor& a, const Tensor& b, Reduction r = Reduction::mean);
Tensor mse_loss(const Tensor& a, const Tensor& b, Reduction r = Reduction::mean);

}  // namespace upres
