// cli.h - run the `upres` tool as a user would, for the tests in tests/apps.
//
// run_upres("upscale -i a.png -o b.png", dir) runs the binary the build made
// (UPRES_CLI), captures stdout and stderr into files in `dir`, and returns the
// exit code with both texts. scratch_dir(suite, name) gives a fresh, empty folder
// per test; the suite prefix keeps test programs that ctest runs in parallel apart.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace upres::testing {

struct CliRun {
  int code = -1;  // exit status, or -1 if the process did not exit normally
  std::string out, err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline CliRun run_upres(const std::string& args, const std::filesystem::path& dir) {
  const std::filesystem::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  const std::string cmd = std::string("\"") + UPRES_CLI + "\" " + args + " > \"" + out.string() + "\" 2> \"" +
                          err.string() + "\"";
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

// A path in double quotes, for a command line run through the shell.
inline std::string quoted(const std::filesystem::path& p) { return "\"" + p.string() + "\""; }

inline std::filesystem::path scratch_dir(const std::string& suite, const std::string& name) {
  std::filesystem::path d = std::filesystem::temp_directory_path() / ("upres_test_" + suite + "_" + name);
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace upres::testing
