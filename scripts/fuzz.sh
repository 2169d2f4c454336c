#!/usr/bin/env bash
# fuzz.sh - build the libFuzzer targets of fuzz/ with clang (ASan + UBSan) and run
# each for a bounded time; exits non-zero if any target finds a crash, a leak, a
# sanitizer report, a timeout (a hang) or an out-of-memory.
#
#   FUZZ_SECONDS   seconds per target (default 60)
#   FUZZ_BUILD_DIR the build folder (default build/fuzz)
#   FUZZ_TARGETS   which targets (default: all four)
#
# Each target starts from its committed seeds (fuzz/corpus/<target>/; fuzz_image also
# from tests/fixtures/images/) and grows a working corpus in the build folder, so the
# committed seeds stay small. A finding is saved as $FUZZ_BUILD_DIR/artifacts/<target>-*;
# reproduce it with `$FUZZ_BUILD_DIR/fuzz/<target> <file>`.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

seconds=${FUZZ_SECONDS:-60}
build=${FUZZ_BUILD_DIR:-build/fuzz}
targets=(${FUZZ_TARGETS:-fuzz_image fuzz_safetensors fuzz_pipeline fuzz_loss_spec})
cxx=${FUZZ_CXX:-clang++}

if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "fuzz.sh: $cxx not found (install clang and libclang-rt-dev)" >&2
  exit 1
fi

launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
t0=$SECONDS
mkdir -p "$build"
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}" \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DUPRES_FUZZ=ON -DUPRES_SANITIZE=address,undefined -DUPRES_CUDA=OFF \
  -DUPRES_BUILD_TESTS=OFF -DUPRES_BUILD_BENCH=OFF >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log" >&2; echo "fuzz.sh: configure failed" >&2; exit 1; }
cmake --build "$build" -j "${UPRES_JOBS:-2}" --target "${targets[@]}" ||
  { echo "fuzz.sh: build failed" >&2; exit 1; }
echo "fuzz.sh: built in $(( SECONDS - t0 )) s"

# libgomp's thread pool is never freed: the same suppressions as the asan test preset.
export LSAN_OPTIONS="suppressions=$root/cmake/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export OMP_NUM_THREADS=1

mkdir -p "$build/artifacts"
failed=()
for t in "${targets[@]}"; do
  work="$build/corpus/$t"
  mkdir -p "$work"
  seeds=("fuzz/corpus/$t")
  [[ $t == fuzz_image ]] && seeds+=(tests/fixtures/images)
  echo "==== $t: ${seconds} s"
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb bounds memory.
  if ! "$build/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
       "$work" "${seeds[@]}" >"$build/$t.log" 2>&1; then
    tail -n 60 "$build/$t.log" >&2
    failed+=("$t")
  fi
  grep -E "stat::number_of_executed_units|stat::new_units_added|^#.*DONE" "$build/$t.log" | tail -n 3
done

echo "fuzz.sh: $(( SECONDS - t0 )) s in all"
if [[ ${#failed[@]} -ne 0 ]]; then
  echo "fuzz.sh: FINDINGS in ${failed[*]} (see $build/artifacts/)" >&2
  exit 1
fi
echo "fuzz.sh: no findings"
