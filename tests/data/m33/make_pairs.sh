#!/usr/bin/env bash
# tests/data/m33/make_pairs.sh [OUT_DIR]: rebuild the Cortex-M33 image pairs of the delta figures
# (tests/data/m33/README.md) from two source revisions of this repository each: `git archive REV` into a
# scratch directory, the cross build of `make firmware` (cmake/arm-none-eabi.cmake, TDM_HOST=OFF, -Os),
# then arm-none-eabi-objcopy -O binary of the image. Writes OUT_DIR/<image>-<rev>.bin (default: this
# folder). Owns: the recipe of the committed pairs. Never: touches a worktree (no checkout, no worktree).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
root=$(cd "$here/../../.." && pwd)
# image  old revision  new revision  (the change between them: README.md)
pairs="bootloader a08f73b e3d985d
bootloader e3d985d 295c661
netboot cde4f08 ec0172a"
scratch=$(mktemp -d /tmp/tdm-m33-pairs-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
build() { # image rev
  local src="$scratch/src-$2" bld="$scratch/build-$2"
  if [ ! -d "$src" ]; then
    mkdir -p "$src"
    git -C "$root" archive "$2" | tar -x -C "$src"
  fi
  cmake -S "$src" -B "$bld" -DCMAKE_TOOLCHAIN_FILE="$src/cmake/arm-none-eabi.cmake" -DTDM_HOST=OFF >/dev/null
  cmake --build "$bld" -j"${JOBS:-2}" --target "$1" >/dev/null
  arm-none-eabi-objcopy -O binary "$bld/board/$1.elf" "$out/$1-$(git -C "$root" rev-parse --short=7 "$2").bin"
}
echo "$pairs" | while read -r img old new; do
  build "$img" "$old"
  build "$img" "$new"
done
ls -l "$out"/*.bin
