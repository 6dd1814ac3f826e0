#!/usr/bin/env bash
# tests/target/p256_figures.sh [BUILD_DIR]: the Cortex-M33 figures of the ECDSA P-256 verifier for bench/run:
# p256.text, p256.stack and p256.verify_instr (metric/about lines). Builds what it needs in BUILD_DIR-m33
# (the cross tree of scripts/size.sh: tests/target/image with cmake/arm-none-eabi.cmake).
#   p256.text         code + read-only data of libtdm_crypto.a (arm-none-eabi-gcc -Os -mcpu=cortex-m33)
#   p256.stack        worst case of tdm_p256_verify over the call graph (scripts/size.sh, -fcallgraph-info)
#   p256.verify_instr median instructions per verification of the valid Wycheproof vectors, QEMU 7.2
#                     mps2-an505 with -icount shift=0, timed by SysTick (tests/target/p256_instr.c)
# Owns: these three figures. Never: edits anything but BUILD_DIR-m33.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/../.."
root=$PWD
dir=${build%/}-m33
prefix=${TDM_ARM_PREFIX:-arm-none-eabi-}
if [ ! -f "$dir/CMakeCache.txt" ]; then
  cmake -S tests/target/image -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/arm-none-eabi.cmake" >/dev/null
fi
cmake --build "$dir" -j"${JOBS:-2}" --target tdm_crypto target_p256_instr >/dev/null
lib=$(find "$dir" -name libtdm_crypto.a ! -path '*/CMakeFiles/*' | head -1)
text=$("${prefix}size" -t "$lib" | awk '/\(TOTALS\)/ {print $1}')
stack=$(bash scripts/size.sh "$dir" | awk '!f && $1 == "tdm_crypto" && $2 == "tdm_p256_verify" {print $3; f = 1}')
out=$(timeout 600 qemu-system-arm -M mps2-an505 -nographic -monitor none -serial none -icount shift=0 \
  -semihosting-config enable=on,target=native -kernel "$dir/target_p256_instr.elf")
instr=$(echo "$out" | awk '$1 == "verify_instr" {print $2}')
echo "$out" | grep -v '^verify_instr' >&2 || true
[ -n "$text" ] && [ -n "$stack" ] && [ -n "$instr" ] || { echo "p256_figures: a figure is missing" >&2; exit 1; }
echo "metric p256.text $text B"
echo "about p256.text goal <= 3000 B; p256-m 2600, micro-ecc 3668, TinyCrypt 3816 | Cortex-M33 -Os code + constants of crypto/p256.c"
echo "metric p256.stack $stack B"
echo "about p256.stack goal <= 800 B; p256-m 720, micro-ecc 856, TinyCrypt 864 | worst-case stack of tdm_p256_verify (call graph)"
echo "metric p256.verify_instr $instr instr"
echo "about p256.verify_instr goal <= 10M; p256-m 17.5M, micro-ecc 7.4M, TinyCrypt 14.1M | median instructions per verify, valid Wycheproof vectors, QEMU -icount shift=0 + SysTick"
