#!/usr/bin/env bash
# The main job (`make demo`): today the foundation story — a simulated W25N01GV with factory bad
# blocks, a few MiB written and read through the driver layer, and the chip's figures against the
# datasheet. The full update story replaces this as the layers land. Exits non-zero on any failure.
set -euo pipefail
build=${1:-build}
tandem="$build/tools/tandem"
out=${TDM_RESULTS:-results}
mkdir -p "$out"
chip="$out/demo-nand.bin"

step() { printf '\n== %s\n' "$*"; }
step "create a simulated W25N01GV with 20 factory bad blocks (seed 1)"
"$tandem" nand create "$chip" --bad-blocks 20 --seed 1
step "scan the factory bad-block marks (before anything is erased)"
"$tandem" nand scan "$chip"
step "write 4 MiB of seeded data through the driver layer into the good blocks, read it back, compare"
"$tandem" nand exercise "$chip" --mib 4 --seed 7
step "the chip afterwards: bad blocks, operation counts, wear, simulated time"
"$tandem" nand info "$chip"
printf '\ndemo: ok (chip file %s)\n' "$chip"
