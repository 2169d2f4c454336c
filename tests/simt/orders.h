// orders.h - the scheduling orders every simt test runs under (forward, reverse, seeded random),
// optionally with the blocks spread over several OS threads.
#pragma once

#include <string>
#include <vector>

#include "kernels/simt/runtime.h"

namespace upres::testing {

inline std::vector<simt::Options> all_orders(int os_threads = 1) {
  std::vector<simt::Options> v;
  for (auto order : {simt::Order::forward, simt::Order::reverse, simt::Order::random}) {
    simt::Options o;
    o.order = order;
    o.threads = os_threads;
    if (order != simt::Order::random) {
      v.push_back(o);
      continue;
    }
    for (uint64_t seed : {1u, 2u, 12345u}) {
      o.seed = seed;
      v.push_back(o);
    }
  }
  return v;
}

inline std::string describe(const simt::Options& o) {
  return simt::to_string(o.order) + (o.order == simt::Order::random ? ":" + std::to_string(o.seed) : "") +
         ", " + std::to_string(o.threads) + " OS thread(s)";
}

}  // namespace upres::testing
