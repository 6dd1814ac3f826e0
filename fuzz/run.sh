#!/usr/bin/env bash
# Fuzz with libFuzzer (Debian's clang) for a bounded time per target: the package parser (pkg), the
# MCUboot image parser (mcuboot), store recovery from arbitrary NAND contents (store), the journal parser
# and boot-state decoder (journal), the net-boot stage fed arbitrary window contents (netboot), the delta
# patch decoder on arbitrary patches and bases (delta).
# usage: fuzz/run.sh [SECONDS_PER_TARGET (default 60)] [BUILD_DIR (default build-fuzz)] [TARGET...]
#        FUZZ_RUNS=N fuzz/run.sh ...  also stop a target after N executions (libFuzzer -runs)
#        fuzz/run.sh --seeds    rewrite the seed corpora (fuzz/corpus/) with fuzz/make_seeds.c and
#                               fuzz/make_target_seeds.c
# New inputs go to BUILD_DIR/corpus-*/ (the committed seed corpus stays small); crashes to BUILD_DIR/;
# libFuzzer's whole output to BUILD_DIR/fuzz_<target>.log.
# Prints per target one line (executions, exec/s of wall time, executions per CPU second, coverage:
# libFuzzer's cov = edges, ft = features, at the start and the end, new inputs), then a total line.
# Exits 1 when a target found something.
# Only this script and tests/fuzz/CMakeLists.txt define TDM_FUZZ_BUILD, which the fuzz-only crypto port
# (fuzz/fuzz_crypto.c: a fixed signature marker passes) requires to compile.
set -euo pipefail
cd "$(dirname "$0")/.."
CC=${CC:-clang}
dev="pkg/*.c port/host/crypto_mbedtls.c crypto/*.c base/*.c"
store_dev="store/*.c nand/*.c sim/domain.c sim/nand_parts.c sim/nand_sim.c sim/nand_health.c sim/nand_hooks.c sim/nand_snapshot.c bootstate/bootstate.c"
net_dev="netboot/netboot.c xfer/wire.c"
fuzz_port="fuzz/fuzz_crypto.c"
delta_dev="delta/decode.c base/*.c"
if [ "${1:-}" = "--seeds" ]; then
  out=$(mktemp -d)
  # shellcheck disable=SC2086
  gcc -std=c11 -O1 -DTDM_FUZZ_BUILD -Iinclude -Ipkg/host fuzz/make_seeds.c pkg/host/*.c $dev $fuzz_port \
    -lmbedcrypto -o "$out/make_seeds"
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
# A new target (e.g. p256 for crypto/) is fuzz/fuzz_<name>.c, a line in the case below (its sources
# and largest input) and seeds in fuzz/corpus/<name>/; name it here to run it by default.
targets=${*:-pkg mcuboot store journal netboot delta p256}
mkdir -p "$build"
corpus=$PWD/fuzz/corpus
failed=""
total_runs=0 total_secs=0
flags="-std=c11 -g -O1 -DTDM_FUZZ_BUILD -Iinclude -Isim -Idelta -fsanitize=address,undefined -fno-sanitize-recover=undefined"
# Coverage instrumentation (edges and comparisons, which steer libFuzzer) only where it steers: every file
# keeps ASan + UBSan, but the simulated chip (the harness, not the target) and the CRC loop get none, and
# the byte loops that test a page for erased (fuzz/coverage_ignore.txt; their two files are built without
# inlining so the list can name them) get none. Their compare-per-byte callbacks were 2/3 of the store
# targets' time (perf); with them out and the snapshot of fuzz/store_fx.h, an input costs ~1/3.
cov_of() {
  case $1 in
    sim/* | base/crc32.c) echo "" ;;
    store/journal.c | store/bbt.c) echo "-fsanitize=fuzzer-no-link -fno-inline -fsanitize-coverage-ignorelist=fuzz/coverage_ignore.txt" ;;
    *) echo "-fsanitize=fuzzer-no-link" ;;
  esac
}
declare -A compiled # sources compiled by this run: a file's flags do not depend on the target
build_target() { # build_target TARGET SOURCES...: objects in BUILD_DIR/obj/, binary BUILD_DIR/fuzz_TARGET
  local t=$1 objs=() f o
  shift
  mkdir -p "$build/obj"
  for f in "$@"; do
    o=$build/obj/$(basename "$f" .c).o
    if [ -z "${compiled[$f]:-}" ]; then
      # shellcheck disable=SC2046,SC2086
      $CC $flags $(cov_of "$f") -c "$f" -o "$o"
      compiled[$f]=1
    fi
    objs+=("$o")
  done
  # shellcheck disable=SC2086
  $CC $flags -fsanitize=fuzzer fuzz/fuzz_$t.c "${objs[@]}" -lmbedcrypto -o "$build/fuzz_$t"
}
runs_opt=()
[ -z "${FUZZ_RUNS:-}" ] || runs_opt=(-runs="$FUZZ_RUNS")
for t in $targets; do
  case $t in
    pkg | mcuboot) src="$dev $fuzz_port"; max_len=4096 ;;
    store) src="$store_dev $dev"; max_len=4096 ;;
    journal) src="$store_dev $dev"; max_len=20000 ;; # up to 9 pages of 2112 bytes
    netboot) src="$net_dev $dev"; max_len=16384 ;;
    delta) src="$delta_dev"; max_len=8192 ;;
    p256) src="$dev"; max_len=161 ;; # pub || hash || sig against mbedTLS
    *) echo "fuzz: unknown target '$t'" >&2; exit 2 ;;
  esac
  # shellcheck disable=SC2086
  if [ ! -x "$build/fuzz_$t" ] ||
    [ -n "$(find fuzz include sim $src -newer "$build/fuzz_$t" -name '*.[ch]' -print -quit 2>/dev/null)" ]; then
    # shellcheck disable=SC2086
    build_target "$t" $src
  fi
  mkdir -p "$build/corpus-$t"
  log=$PWD/$build/fuzz_$t.log
  [ "${build#/}" = "$build" ] || log=$build/fuzz_$t.log
  rc=0
  start=$(date +%s)
  # -rss_limit: the store targets hold a simulated chip; -timeout: an input that runs 10 s is a finding (a
  # hang), not a run that outlives its time. `time` gives the CPU seconds the fuzzer got: on
  # a shared machine exec/s (wall) falls with the load, executions per CPU second does not.
  TIMEFORMAT='%U %S'
  cpu=$({ time (cd "$build" && "./fuzz_$t" -max_total_time="$secs" "${runs_opt[@]}" -max_len=$max_len \
      -print_final_stats=1 -rss_limit_mb=4096 -timeout=10 "corpus-$t" "$corpus/$t" >"$log" 2>&1); } 2>&1) || rc=$?
  wall=$(($(date +%s) - start))
  # One summary line from the log (awk reads it all: no early-quitting reader in a pipe).
  awk -v t="$t" -v wall="$wall" -v cpu="$cpu" '
    /^#[0-9]+[ \t].* cov: / { for (i = 1; i < NF; i++) { if ($i == "cov:") c1 = $(i + 1); if ($i == "ft:") f1 = $(i + 1) }
                             if ($0 ~ /INITED/) { c0 = c1; f0 = f1 } }
    /^stat::number_of_executed_units:/ { runs = $2 }
    /^stat::average_exec_per_sec:/ { eps = $2 }
    /^stat::new_units_added:/ { nu = $2 }
    END { split(cpu, c, " "); s = c[1] + c[2]
          printf "fuzz: %-8s executions %10d  exec/s %7d  per-cpu-s %7d  cov %s -> %s  ft %s -> %s  new %d  (%d s)\n",
          t, runs, eps, (s > 0 ? runs / s : 0), c0, c1, f0, f1, nu, wall }' "$log"
  runs=$(awk '/^stat::number_of_executed_units:/ { print $2 }' "$log")
  total_runs=$((total_runs + ${runs:-0}))
  total_secs=$((total_secs + wall))
  if [ $rc -ne 0 ]; then
    echo "fuzz: $t FAILED (exit $rc; $log):"
    grep -E 'ERROR|SUMMARY|deadly|#[0-9]+ 0x|Test unit|artifact' "$log" || tail -20 "$log"
    failed="$failed $t"
  fi
done
echo "fuzz: total executions $total_runs in $total_secs s ($(echo "$targets" | wc -w) targets)${failed:+, findings in:$failed}"
[ -z "$failed" ] || { echo "fuzz: crash-* inputs in $build"; exit 1; }
