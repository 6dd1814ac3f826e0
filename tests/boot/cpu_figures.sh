#!/usr/bin/env bash
# tests/boot/cpu_figures.sh [BUILD_DIR]: measure the per-unit instruction counts of the bootloader's CPU
# work (SHA-256, CRC-32, copies) on the Cortex-M33 build under QEMU mps2-an505 with -icount shift=0
# (tests/boot/cpu_instr.c says how), and print them. The figures are copied by hand into the cost table of
# sim/cpu_cost.c, which names this script as their source. Builds what it needs in BUILD_DIR-m33 (the
# cross tree of scripts/size.sh). Owns: this measurement. Never: edits anything but BUILD_DIR-m33.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/../.."
root=$PWD
dir=${build%/}-m33
if [ ! -f "$dir/CMakeCache.txt" ]; then
  cmake -S tests/target/image -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/arm-none-eabi.cmake" >/dev/null
fi
cmake --build "$dir" -j"${JOBS:-2}" --target target_cpu_instr >/dev/null
timeout 300 qemu-system-arm -M mps2-an505 -nographic -monitor none -serial none -icount shift=0 \
  -semihosting-config enable=on,target=native -kernel "$dir/target_cpu_instr.elf"
