#!/usr/bin/env bash
# bench/fuzz.sh BUILD_DIR: fuzz.<target>_exec_s (and _exec_per_cpu_s) for bench/run, a short libFuzzer round (FUZZ_BENCH_SECONDS,
# default 10 s) of the pkg, mcuboot and store targets from their committed seeds (fuzz/run.sh, in
# BUILD_DIR-fuzzbench; its corpus-* dirs are emptied first so every round starts alike).
# Owns: nothing but the call and the parsing. Needs clang (make setup); without it, no fuzz metrics.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
secs=${FUZZ_BENCH_SECONDS:-10}
dir=${build%/}-fuzzbench
command -v "${CC:-clang}" >/dev/null || { echo "about fuzz.pkg_exec_s not measured: clang not installed | -"; exit 0; }
mkdir -p "$dir"
rm -rf "$dir"/corpus-*
out=$(bash fuzz/run.sh "$secs" "$dir" pkg mcuboot store)
for t in pkg mcuboot store; do
  case $t in
    pkg) goal=5000 what="package parser + reader check per input (fuzz-only crypto port: fixed signature marker, real SHA-256)" ;;
    mcuboot) goal=5000 what="MCUboot image parser, TLVs and signature check per input (same port)" ;;
    store) goal=1000 what="store fixture restored from a snapshot, damaged, mounted, read, resumed, committed, remounted" ;;
  esac
  eps=$(awk -v t="$t" '$1 == "fuzz:" && $2 == t { for (i = 3; i < NF; i++) if ($i == "exec/s") print $(i + 1) }' <<<"$out")
  [ -n "$eps" ] || { echo "bench/fuzz.sh: no exec/s for $t" >&2; exit 1; }
  echo "about fuzz.${t}_exec_s goal >= $goal | measured: libFuzzer (ASan + UBSan) executions per second of wall time over ${secs} s from the seeds, $what; on a shared machine it drops with the load"
  echo "metric fuzz.${t}_exec_s $eps exec/s"
  cps=$(awk -v t="$t" '$1 == "fuzz:" && $2 == t { for (i = 3; i < NF; i++) if ($i == "per-cpu-s") print $(i + 1) }' <<<"$out")
  echo "about fuzz.${t}_exec_per_cpu_s measured | the same round: executions per CPU second the fuzzer got (user + sys), which the machine's load does not lower"
  echo "metric fuzz.${t}_exec_per_cpu_s ${cps:-0} exec/s"
done
