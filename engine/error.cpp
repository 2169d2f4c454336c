#include "engine/error.h"

#include <cstring>

namespace upres::detail {

void throw_error(const char* file, int line, const char* cond, const std::string& msg) {
  // Keep only the path below the project root so messages carry no machine paths.
  const char* shown = file;
  for (const char* root : {"/engine/", "/kernels/", "/models/", "/losses/", "/metrics/", "/data/",
                           "/apps/", "/tests/", "/bench/", "/inference/", "/api/"}) {
    if (const char* p = std::strstr(file, root)) { shown = p + 1; break; }
  }
  std::ostringstream os;
  os << msg;
  os << " [" << shown << ":" << line;
  if (cond) os << ", check `" << cond << "` failed";
  os << "]";
  throw Error(os.str());
}

}  // namespace upres::detail
