// lapsrn.cpp - placeholder: the architecture is registered but not written yet.
#include "models/registry.h"

namespace upres::models {

ArchSpec lapsrn_arch() {
  ArchSpec a;
  a.name = "lapsrn";
  a.defaults = {{"scale", "2"}, {"channels", "3"}};
  return a;  // no builder: build_network says so
}

}  // namespace upres::models
