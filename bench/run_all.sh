#!/usr/bin/env bash
# run_all.sh - build the release preset and run every benchmark, printing medians.
#
# Every bench_* program of the build runs: bench_gemm_cpu, bench_conv_cpu, bench_kernels_cpu,
# bench_resize_cpu, bench_ssim_tv, and in a CUDA build bench_kernels_cuda, bench_sgemm_cuda and
# bench_conv_cudnn (the folder is globbed, so a new bench_*.cpp is picked up too).
#
# Each program runs with --benchmark_repetitions=5 --benchmark_report_aggregates_only=true, so
# every row is summarised over 5 repetitions; the console shows the median rows only (mean,
# stddev and cv are in the JSON files). The CUDA programs (bench_*_cuda, bench_conv_cudnn) exist
# only in a UPRES_CUDA=ON build and print "no CUDA GPU present" and exit 0 on a machine without one.
#
#   bench/run_all.sh                      # configure + build build/release, run everything
#   BUILD_DIR=build/x bench/run_all.sh    # use an already configured build folder instead
#   FILTER='Relu|Adam' bench/run_all.sh   # pass a --benchmark_filter to every program
#   OUT=results/ bench/run_all.sh         # where the JSON files go (default $BUILD_DIR/bench-results)
#
# On a shared machine, run it under `nice` and read the medians; numbers taken while others
# compile are lower bounds of what the code can do. There the CPU column of the 1-thread rows
# (the benchmark thread's CPU time, without the time it waited for a core) is the better
# estimate of an unloaded run: bench/RESULTS.md derives its loaded-machine rates from it.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-}
if [[ -z "$BUILD_DIR" ]]; then
  BUILD_DIR=build/release
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
  cmake --preset release -DUPRES_BUILD_BENCH=ON -DUPRES_BUILD_TESTS=OFF "${launcher[@]}"
fi
cmake --build "$BUILD_DIR" -j"$(nproc)"

OUT=${OUT:-$BUILD_DIR/bench-results}
mkdir -p "$OUT"
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}  # idle OpenMP workers yield: fairer on a busy machine

status=0
for exe in "$BUILD_DIR"/bench/bench_*; do
  [[ -x "$exe" && -f "$exe" ]] || continue
  name=$(basename "$exe")
  echo "=== $name"
  args=(--benchmark_repetitions=5 --benchmark_report_aggregates_only=true
        --benchmark_counters_tabular=true
        --benchmark_out="$OUT/$name.json" --benchmark_out_format=json)
  [[ -n "${FILTER:-}" ]] && args+=(--benchmark_filter="$FILTER")
  rc=0
  "$exe" "${args[@]}" >"$OUT/$name.txt" 2>&1 || rc=$?
  # Keep the header lines, the tables' column titles and the median rows (all of it: $OUT/*.txt).
  grep -E '^(GPU|cuDNN|CPU|Run on|Load Average|bench_|-{5})|Benchmark|_median' "$OUT/$name.txt" ||
    echo "($name printed no median rows)"
  if [[ $rc -ne 0 ]]; then
    echo "!!! $name exited with $rc; its output: $OUT/$name.txt"
    status=1
  fi
done
echo "JSON with all aggregates: $OUT"
exit $status
