#!/usr/bin/env bash
# test.sh - the full check of upres, as CI runs it (.ci/run) and the README states.
#
#   1. scripts/setup-debian.sh     install the missing Debian packages
#   2. preset `dev`                configure, build (-j2), ctest -j2 --output-on-failure
#   3. preset `asan`               the same under AddressSanitizer + UBSan (CPU only)
#   4. scripts/fuzz.sh             the libFuzzer targets of fuzz/, FUZZ_SECONDS each (default
#                                  60), when clang is installed
#
# Both suites run even when the first fails (and the tests that built run even
# when some target failed to build); the exit status is non-zero if any step
# failed. Environment: UPRES_TEST_PRESET (default dev) picks the first preset,
# UPRES_SKIP_ASAN=1 skips step 3, UPRES_SKIP_FUZZ=1 step 4, UPRES_SKIP_SETUP=1 skips step 1, UPRES_JOBS sets
# the build parallelism (default 2). Measured on 2 cores: see README.md.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

preset=${UPRES_TEST_PRESET:-dev}
jobs=${UPRES_JOBS:-2}
failed=()
t_start=$SECONDS

step() { echo; echo "==== $* ($(( SECONDS - t_start )) s)"; }

if [[ "${UPRES_SKIP_SETUP:-0}" != 1 ]]; then
  step "setup"
  bash scripts/setup-debian.sh
fi

# configure + build + test one preset; records a failure instead of stopping.
run_preset() {
  local p=$1
  step "configure [$p]"
  cmake --preset "$p" || { failed+=("configure $p"); return; }
  step "build [$p]"
  # -k 0: keep building the other targets after a failure, so the tests that do
  # build still run and one broken benchmark does not hide every test result.
  cmake --build --preset "$p" -j "$jobs" -- -k 0 || failed+=("build $p")
  step "ctest [$p]"
  ctest --preset "$p" || failed+=("ctest $p")
}

run_preset "$preset"
if [[ "${UPRES_SKIP_ASAN:-0}" != 1 ]]; then
  run_preset asan
fi

if [[ "${UPRES_SKIP_FUZZ:-0}" != 1 ]]; then
  if command -v clang++ >/dev/null 2>&1; then
    step "fuzz"
    bash scripts/fuzz.sh || failed+=("fuzz")
  else
    echo "test.sh: clang++ not found, fuzzing skipped" >&2
  fi
fi

step "done"
if [[ ${#failed[@]} -ne 0 ]]; then
  echo "test.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "test.sh: all passed in $(( SECONDS - t_start )) s"
