#!/usr/bin/env bash
# Fuzz the package parser and the MCUboot image parser with libFuzzer (Debian's clang), for a bounded time.
# usage: fuzz/run.sh [SECONDS_PER_TARGET (default 60)] [BUILD_DIR (default build-fuzz)]
#        fuzz/run.sh --seeds    rewrite the seed corpus (fuzz/corpus/) with fuzz/make_seeds.c
# New inputs go to BUILD_DIR/corpus-*/ (the committed seed corpus stays small); crashes to BUILD_DIR/.
set -euo pipefail
cd "$(dirname "$0")/.."
CC=${CC:-clang}
dev="pkg/*.c port/host/crypto_mbedtls.c base/*.c"
if [ "${1:-}" = "--seeds" ]; then
  out=$(mktemp -d)
  gcc -std=c11 -O1 -Iinclude -Itools fuzz/make_seeds.c tools/pkg_*.c $dev -lmbedcrypto -o "$out/make_seeds"
  "$out/make_seeds" fuzz/corpus
  rm -rf "$out"
  exit 0
fi
secs=${1:-60}
build=${2:-build-fuzz}
mkdir -p "$build"
flags="-std=c11 -g -O1 -Iinclude -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
for t in pkg mcuboot; do
  # shellcheck disable=SC2086
  $CC $flags fuzz/fuzz_$t.c $dev -lmbedcrypto -o "$build/fuzz_$t"
  mkdir -p "$build/corpus-$t"
  echo "fuzz: $t for ${secs}s"
  (cd "$build" && "./fuzz_$t" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 \
      "corpus-$t" "../fuzz/corpus/$t" 2>&1 | tail -12)
done
