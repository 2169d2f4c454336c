// network.cpp - reading hyperparameters from strings, with errors that say
// which network, which key and what was expected.
#include "models/network.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "engine/error.h"

namespace upres::models {

namespace {
const std::string& lookup(const Hyper& h, const std::string& arch, const std::string& key) {
  auto it = h.find(key);
  UPRES_CHECK(it != h.end(), arch, ": hyperparameter '", key, "' is missing");
  return it->second;
}
}  // namespace

int64_t hyper_int(const Hyper& h, const std::string& arch, const std::string& key, int64_t lo, int64_t hi) {
  const std::string& s = lookup(h, arch, key);
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  UPRES_CHECK(!s.empty() && end && *end == '\0' && errno == 0 && v >= lo && v <= hi, arch, ": hyperparameter '",
              key, "' is '", s, "', expected an integer in [", lo, ", ", hi, "]");
  return v;
}

double hyper_double(const Hyper& h, const std::string& arch, const std::string& key, double lo, double hi) {
  const std::string& s = lookup(h, arch, key);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  UPRES_CHECK(!s.empty() && end && *end == '\0' && std::isfinite(v) && v >= lo && v <= hi, arch,
              ": hyperparameter '", key, "' is '", s, "', expected a number in [", lo, ", ", hi, "]");
  return v;
}

bool hyper_bool(const Hyper& h, const std::string& arch, const std::string& key) {
  const std::string& s = lookup(h, arch, key);
  if (s == "1" || s == "true") return true;
  if (s == "0" || s == "false") return false;
  UPRES_FAIL(arch, ": hyperparameter '", key, "' is '", s, "', expected 0, 1, true or false");
}

Metadata SRNetwork::metadata() const {
  Metadata m = hyper();
  m["arch"] = arch();
  return m;
}

}  // namespace upres::models
