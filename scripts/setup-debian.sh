#!/usr/bin/env bash
# setup-debian.sh - install the Debian packages upres builds with, only those missing.
#
#   build-essential cmake ninja-build  the compiler and the build tools
#   libeigen3-dev                      Eigen: the CPU GEMM behind convolutions
#   libstb-dev                         stb_image / stb_image_write: PNG, JPEG, BMP files
#   libgtest-dev                       GoogleTest (tests/)
#   libbenchmark-dev                   Google Benchmark (bench/)
#   clang libclang-rt-dev              clang and its libFuzzer/ASan runtimes (scripts/fuzz.sh)
#
# Works as root or through sudo; runs `apt-get update` at most once, and only when
# something has to be installed. Safe to run again: it then does nothing.
set -euo pipefail

packages=(build-essential cmake ninja-build libeigen3-dev libstb-dev libgtest-dev libbenchmark-dev clang libclang-rt-dev)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup-debian: all packages present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-debian: apt-get not found; install by hand: ${missing[*]}" >&2
  echo "  (or build with -DUPRES_DEPS_DIR, see scripts/vendor-deps.sh)" >&2
  exit 1
fi

if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "setup-debian: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi

echo "setup-debian: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
