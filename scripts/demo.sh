#!/usr/bin/env bash
# demo.sh - build upres (release) and enlarge an image 2x with the shipped model.
#
#   bash scripts/demo.sh [IMAGE]        writes out/<name>_x2.png
#
# IMAGE defaults to Set5's butterfly from the shared data folder (../shared/data,
# beside the checkout) when it is there, else to samples/sample.png (a picture drawn
# by samples/make_sample.py, shipped so a bare clone has an input). Steps: scripts/setup-debian.sh, preset
# `release` (configure, build the `upres` tool only), then
#   build/release/upres upscale -i IMAGE -o out/<name>_x2.png
# Environment: UPRES_SKIP_SETUP=1 skips the package check; UPRES_JOBS (default 2).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=${UPRES_JOBS:-2}

image=${1:-}
if [[ -z "$image" ]]; then
  for candidate in "$root/../shared/data/Set5/butterfly.png" "$root/shared/data/Set5/butterfly.png" \
                   "$root/samples/sample.png"; do
    if [[ -f "$candidate" ]]; then image=$candidate; break; fi
  done
fi
if [[ -z "$image" || ! -f "$image" ]]; then
  echo "demo: no input image${image:+ ('$image' does not exist)}; pass one: bash scripts/demo.sh photo.png" >&2
  exit 2
fi

if [[ "${UPRES_SKIP_SETUP:-0}" != 1 ]]; then
  bash scripts/setup-debian.sh
fi

if ! compgen -G "apps/upres/*.cpp" >/dev/null; then
  echo "demo: the upres command-line tool (apps/upres/) is not in this checkout yet;" >&2
  echo "      nothing to run. The library and tests build with: bash scripts/test.sh" >&2
  exit 1
fi

cmake --preset release
cmake --build --preset release --target upres_cli -j "$jobs"
app=build/release/upres
if [[ ! -x "$app" ]]; then
  echo "demo: the build did not produce $app; see the build output above" >&2
  exit 1
fi

name=$(basename "${image%.*}")
out="out/${name}_x2.png"
mkdir -p out
echo "demo: $app upscale -i $image -o $out"
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}  # no spinning threads on a busy machine (README)
start=$SECONDS
if ! "$app" upscale -i "$image" -o "$out"; then
  echo "demo: upscaling failed (a missing shipped model is reported above; models/zoo/ holds them)" >&2
  exit 1
fi
echo "demo: wrote $root/$out in $(( SECONDS - start )) s"
