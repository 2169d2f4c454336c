// error.h - the one way upres reports a failure: throw upres::Error.
//
// Library code never prints and never calls exit(). A failed check throws an
// exception whose message names the condition, the source file and line, and a
// human sentence built by the caller ("conv2d: input has 3 channels, weight
// expects 13"). The command-line tool catches it, prints it, and exits non-zero.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace upres {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
// Concatenate any streamable values into one string: str("got ", 3, " channels").
template <typename... Args>
std::string str(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}
[[noreturn]] void throw_error(const char* file, int line, const char* cond, const std::string& msg);
}  // namespace detail

}  // namespace upres

// UPRES_CHECK(cond, "message parts", ...): throw upres::Error unless cond holds.
#define UPRES_CHECK(cond, ...)                                                      \
  do {                                                                              \
    if (!(cond))                                                                    \
      ::upres::detail::throw_error(__FILE__, __LINE__, #cond,                       \
                                   ::upres::detail::str(__VA_ARGS__));              \
  } while (0)

// UPRES_FAIL("message parts", ...): throw unconditionally.
#define UPRES_FAIL(...) \
  ::upres::detail::throw_error(__FILE__, __LINE__, nullptr, ::upres::detail::str(__VA_ARGS__))
