// args.cpp - the option parser of the upres tool: "--name value", "-n value",
// "--name=value" and value-less flags; nothing clever.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "apps/upres/cli.h"

namespace upres::cli {

Args::Args(const std::vector<OptionSpec>& specs, int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    std::string value;
    bool has_inline = false;
    const OptionSpec* spec = nullptr;
    if (a.rfind("--", 0) == 0) {
      std::string name = a.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_inline = true;
      }
      for (auto& s : specs)
        if (s.name == name) spec = &s;
    } else if (a.size() == 2 && a[0] == '-') {
      for (auto& s : specs)
        if (!s.short_name.empty() && s.short_name[0] == a[1]) spec = &s;
    } else {
      throw UsageError("unexpected argument '" + a + "' (options start with - or --; see --help)");
    }
    if (!spec) throw UsageError("unknown option '" + a + "' (see --help)");
    if (!spec->takes_value) {
      if (has_inline) throw UsageError("option --" + spec->name + " takes no value");
      values_[spec->name] = "1";
      continue;
    }
    if (!has_inline) {
      if (i + 1 >= argc) throw UsageError("option '" + a + "' needs a value");
      value = argv[++i];
    }
    values_[spec->name] = value;
  }
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::string Args::require(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) throw UsageError("missing required option --" + name);
  return it->second;
}

long long Args::get_int(const std::string& name, long long fallback, long long lo, long long hi) const {
  if (!has(name)) return fallback;
  const std::string& s = values_.at(name);
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno != 0 || v < lo || v > hi) {
    std::ostringstream os;
    os << "option --" << name << " is '" << s << "', expected an integer in [" << lo << ", " << hi << "]";
    throw UsageError(os.str());
  }
  return v;
}

double Args::get_double(const std::string& name, double fallback, double lo, double hi) const {
  if (!has(name)) return fallback;
  const std::string& s = values_.at(name);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !std::isfinite(v) || v < lo || v > hi) {
    std::ostringstream os;
    os << "option --" << name << " is '" << s << "', expected a number in [" << lo << ", " << hi << "]";
    throw UsageError(os.str());
  }
  return v;
}

std::string describe_options(const std::vector<OptionSpec>& specs) {
  std::ostringstream os;
  for (auto& s : specs) {
    std::string left = "  " + (s.short_name.empty() ? std::string("    ") : "-" + s.short_name + ", ") + "--" +
                       s.name + (s.takes_value ? " VALUE" : "");
    os << left << std::string(left.size() < 28 ? 28 - left.size() : 1, ' ') << s.help << "\n";
  }
  return os.str();
}

}  // namespace upres::cli
