// shapes/reduce.h - which dims of a contiguous tensor a sum runs over.
//
// A reduction keeps some dims and sums over the others. Adjacent dims with the
// same role are merged, so every reduction becomes an alternation of kept (K)
// and reduced (R) blocks:
//
//   sum over everything            [R]
//   per-channel sum of [N,C,H,W]   [R=N, K=C, R=HW]   (bias gradient, batch-norm stats)
//   sum over the batch             [R=N, K=CHW]
//   sum over H, W                  [K=NC, R=HW]
//
// Size-1 dims are dropped. The struct is backend-neutral (cuda uses it too).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace upres::kern {

constexpr int kMaxReduceDims = 16;

struct ReduceShape {
  int ndim = 0;                       // after merging; 0 means a single element
  int64_t size[kMaxReduceDims] = {};  // input sizes, outermost first
  bool reduced[kMaxReduceDims] = {};  // true: summed over; false: kept
  int64_t in_numel = 1;               // elements read
  int64_t out_numel = 1;              // elements written (product of kept sizes)
};

// `dims` has the input sizes, `reduce` says which are summed. Adjacent dims with
// the same role merge; there are at most rank blocks, so this fails only for
// inputs of more than kMaxReduceDims dims.
inline bool make_reduce(const std::vector<int64_t>& dims, const std::vector<bool>& reduce,
                        ReduceShape* s) {
  s->ndim = 0;
  s->in_numel = 1;
  s->out_numel = 1;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    s->in_numel *= dims[i];
    if (!reduce[i]) s->out_numel *= dims[i];
    if (dims[i] == 1) continue;
    if (s->ndim > 0 && s->reduced[s->ndim - 1] == reduce[i]) {
      s->size[s->ndim - 1] *= dims[i];
      continue;
    }
    if (s->ndim == kMaxReduceDims) return false;
    s->size[s->ndim] = dims[i];
    s->reduced[s->ndim] = reduce[i];
    ++s->ndim;
  }
  return true;
}

}  // namespace upres::kern
