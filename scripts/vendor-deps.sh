#!/usr/bin/env bash
# vendor-deps.sh - copy the header/source dependencies into .deps/ (gitignored).
#
# For a machine without Debian's packages (the GPU machine): run this here, carry
# .deps/ along, and configure there with -DUPRES_DEPS_DIR=.deps. The copies:
#
#   .deps/eigen/Eigen       from /usr/include/eigen3   (libeigen3-dev, MPL-2.0)
#   .deps/stb/*.h           from /usr/include/stb      (libstb-dev, MIT / public domain)
#   .deps/googletest/       from /usr/src/googletest   (libgtest-dev, BSD-3-Clause)
#   .deps/benchmark/        Google Benchmark's headers and shared library
#                           (libbenchmark-dev, Apache-2.0): Debian ships no sources,
#                           so the x86-64 binary is copied; it needs only libstdc++
#                           and glibc >= Debian 12's, and is optional (bench/ only).
# Each folder gets the package's copyright file. Check that the copy alone builds:
#   cmake -S . -B build/deps-only -G Ninja -DUPRES_DEPS_DIR=.deps -DUPRES_DEPS_ONLY=ON
# Usage: scripts/vendor-deps.sh [destination, default .deps]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=${1:-$root/.deps}

need() {
  if [[ ! -e "$1" ]]; then
    echo "vendor-deps: $1 not found: run scripts/setup-debian.sh first" >&2
    exit 1
  fi
}
need /usr/include/eigen3/Eigen/Core
need /usr/include/stb/stb_image.h
need /usr/src/googletest/CMakeLists.txt

rm -rf "$dest/eigen" "$dest/stb" "$dest/googletest"
mkdir -p "$dest/eigen" "$dest/stb"

cp -r /usr/include/eigen3/Eigen "$dest/eigen/"
cp /usr/include/stb/*.h "$dest/stb/"
cp -r /usr/src/googletest "$dest/googletest"

rm -rf "$dest/benchmark"
bench_lib=$(readlink -f /usr/lib/x86_64-linux-gnu/libbenchmark.so 2>/dev/null || true)
if [[ -f /usr/include/benchmark/benchmark.h && -f "$bench_lib" ]]; then
  soname=$(objdump -p "$bench_lib" 2>/dev/null | awk '$1 == "SONAME" {print $2}')
  mkdir -p "$dest/benchmark/include" "$dest/benchmark/lib"
  cp -r /usr/include/benchmark "$dest/benchmark/include/"
  cp "$bench_lib" "$dest/benchmark/lib/${soname:-$(basename "$bench_lib")}"
else
  echo "vendor-deps: Google Benchmark not installed here; bench/ will be skipped there" >&2
fi

for pair in eigen:libeigen3-dev stb:libstb-dev googletest:libgtest-dev benchmark:libbenchmark-dev; do
  dir=${pair%%:*} pkg=${pair#*:}
  if [[ -d "$dest/$dir" && -f /usr/share/doc/$pkg/copyright ]]; then
    cp "/usr/share/doc/$pkg/copyright" "$dest/$dir/COPYRIGHT.debian"
  fi
done

echo "vendor-deps: filled $dest ($(du -sh "$dest" | cut -f1)); configure with -DUPRES_DEPS_DIR=$dest"
