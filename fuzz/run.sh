#!/usr/bin/env bash
# Fuzz with libFuzzer (Debian's clang) for a bounded time per target: the package parser (pkg), the
# MCUboot image parser (mcuboot), store recovery from arbitrary NAND contents (store), the journal parser
# and boot-state decoder (journal), the net-boot stage fed arbitrary window contents (netboot).
# usage: fuzz/run.sh [SECONDS_PER_TARGET (default 60)] [BUILD_DIR (default build-fuzz)] [TARGET...]
#        fuzz/run.sh --seeds    rewrite the seed corpora (fuzz/corpus/) with fuzz/make_seeds.c and
#                               fuzz/make_target_seeds.c
# New inputs go to BUILD_DIR/corpus-*/ (the committed seed corpus stays small); crashes to BUILD_DIR/.
# Prints per target the executions, exec/s and coverage (libFuzzer's cov: edges, ft: features).
set -euo pipefail
cd "$(dirname "$0")/.."
CC=${CC:-clang}
dev="pkg/*.c port/host/crypto_mbedtls.c base/*.c"
store_dev="store/*.c nand/*.c sim/domain.c sim/nand_parts.c sim/nand_sim.c sim/nand_health.c sim/nand_hooks.c boot/bootstate.c"
net_dev="boot/netboot.c boot/xfer_wire.c"
if [ "${1:-}" = "--seeds" ]; then
  out=$(mktemp -d)
  gcc -std=c11 -O1 -Iinclude -Ipkg/host fuzz/make_seeds.c pkg/host/*.c $dev -lmbedcrypto -o "$out/make_seeds"
  "$out/make_seeds" fuzz/corpus
  mkdir -p fuzz/corpus/store fuzz/corpus/journal fuzz/corpus/netboot
  # shellcheck disable=SC2086
  gcc -std=c11 -O1 -Iinclude -Isim fuzz/make_target_seeds.c $store_dev $net_dev $dev -lmbedcrypto \
    -o "$out/make_target_seeds"
  "$out/make_target_seeds" fuzz/corpus
  rm -rf "$out"
  exit 0
fi
secs=${1:-60}
build=${2:-build-fuzz}
shift 2 2>/dev/null || shift $# || true
targets=${*:-pkg mcuboot store journal netboot}
mkdir -p "$build"
corpus=$PWD/fuzz/corpus
failed=""
flags="-std=c11 -g -O1 -Iinclude -Isim -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
for t in $targets; do
  case $t in
    pkg | mcuboot) src="$dev"; max_len=4096 ;;
    store) src="$store_dev $dev"; max_len=4096 ;;
    journal) src="$store_dev $dev"; max_len=20000 ;; # up to 9 pages of 2112 bytes
    netboot) src="$net_dev $dev"; max_len=16384 ;;
    *) echo "fuzz: unknown target '$t'" >&2; exit 2 ;;
  esac
  if [ ! -x "$build/fuzz_$t" ] || [ -n "$(find fuzz $src -newer "$build/fuzz_$t" -name '*.[ch]' 2>/dev/null | head -1)" ]; then
    # shellcheck disable=SC2086
    $CC $flags fuzz/fuzz_$t.c $src -lmbedcrypto -o "$build/fuzz_$t"
  fi
  mkdir -p "$build/corpus-$t"
  echo "fuzz: $t for ${secs}s"
  # -rss_limit: the store targets hold a simulated chip.
  (cd "$build" && "./fuzz_$t" -max_total_time="$secs" -max_len=$max_len -print_final_stats=1 \
      -rss_limit_mb=4096 "corpus-$t" "$corpus/$t" 2>&1 |
      grep -E 'INITED|DONE|stat::(number_of_executed|average_exec|new_units)|ERROR|SUMMARY|deadly|#[0-9]+ 0x|Test unit') ||
    { echo "fuzz: $t FAILED"; failed="$failed $t"; }
done
[ -z "$failed" ] || { echo "fuzz: findings in:$failed (crash-* inputs in $build)"; exit 1; }
