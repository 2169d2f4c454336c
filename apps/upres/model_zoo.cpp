// model_zoo.cpp - the models upres ships, by name: `upres upscale -m espcn -s 2`
// finds espcn_x2.safetensors, and no -m at all takes the best one shipped for
// the scale (cli.h).
//
// The search (folders, order, ranking) is the library's, inference/zoo.h, so the
// tool and a program using the API find the same files; here a model that is not
// there becomes a usage error (exit code 2).
#include "apps/upres/cli.h"
#include "engine/error.h"
#include "inference/zoo.h"

namespace upres::cli {

namespace {
ShippedModel from_library(const inference::ShippedModel& m) { return ShippedModel{m.name, m.scale, m.path}; }
}  // namespace

std::vector<ShippedModel> shipped_models() {
  std::vector<ShippedModel> out;
  for (const auto& m : inference::shipped_models()) out.push_back(from_library(m));
  return out;
}

ShippedModel shipped_model(const std::string& name, int64_t scale) {
  try {
    return from_library(inference::shipped_model(name, scale));
  } catch (const Error& e) {
    throw UsageError(e.what());
  }
}

ShippedModel best_shipped_model(int64_t scale) {
  try {
    return from_library(inference::best_shipped_model(scale));
  } catch (const Error& e) {
    throw UsageError(e.what());
  }
}

}  // namespace upres::cli
