// edsr.cpp - placeholder: the architecture is registered but not written yet.
#include "models/registry.h"

namespace upres::models {

ArchSpec edsr_arch() {
  ArchSpec a;
  a.name = "edsr";
  a.defaults = {{"scale", "2"}, {"channels", "3"}};
  return a;  // no builder: build_network says so
}

ArchSpec edsr_baseline_arch() {
  ArchSpec a;
  a.name = "edsr-baseline";
  a.defaults = {{"scale", "2"}, {"channels", "3"}};
  return a;  // no builder: build_network says so
}

}  // namespace upres::models
