#!/usr/bin/env bash
# scripts/coverage.sh [BUILD_DIR (default build-cov)]: branch coverage of the device code by the host test
# suite (the ctest tests of `make check`, without the cross-built QEMU images and the libFuzzer round, which
# do not run host objects). Builds with gcc --coverage at -O0 into BUILD_DIR, runs ctest, and reads the
# counts with lcov (Debian's lcov). Prints a table per device layer and the metric lines
#   metric coverage.device_branches PCT percent      (and coverage.<layer>_branches per layer)
# and leaves BUILD_DIR/coverage/device.info (lcov tracefile; `genhtml` it for a browsable report).
# Owns: which folders count as device code here. Never: part of make check (it rebuilds everything: minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(mkdir -p "${1:-build-cov}" && cd "${1:-build-cov}" && pwd)
. scripts/device_dirs.sh
layers=$(tdm_device_dirs | grep -vx 'port\|board' | tr '\n' ' ')
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="--coverage -O0" >/dev/null
cmake --build "$build" -j"${JOBS:-2}" >/dev/null
find "$build" -name '*.gcda' -delete
(cd "$build" && ctest -j"${JOBS:-2}" -E '^(target_|fuzz_round)' >"$build/ctest.log" 2>&1) || {
  echo "coverage: the test suite failed under --coverage (see $build/ctest.log)" >&2
  exit 1
}
out=$build/coverage
mkdir -p "$out"
rc=(--rc lcov_branch_coverage=1)
lcov -q "${rc[@]}" --capture --directory "$build" --output-file "$out/all.info" 2>/dev/null
root=$PWD
patterns=()
for l in $layers; do
  [ -d "$l" ] && patterns+=("$root/$l/*")
done
lcov -q "${rc[@]}" --extract "$out/all.info" "${patterns[@]}" --output-file "$out/device.info" 2>/dev/null
# Host-only code inside device folders (transports over libcurl, package signing) is not device code.
lcov -q "${rc[@]}" --remove "$out/device.info" "$root/*/host/*" --output-file "$out/device.info" 2>/dev/null
# branches "taken at least once" / branches found, from the tracefile's BRDA lines (lcov's own definition)
pct() {
  awk -F, '/^BRDA:/ { n++; if ($4 != "-" && $4 > 0) t++ } END { if (n) printf "%.1f %d %d\n", 100*t/n, t, n; else print "0 0 0" }' "$@"
}
printf '%-10s %8s %10s\n' layer branches taken
for l in $layers; do
  [ -d "$l" ] || continue
  lcov -q "${rc[@]}" --extract "$out/device.info" "$root/$l/*" --output-file "$out/$l.info" 2>/dev/null || continue
  read -r p t n < <(pct "$out/$l.info")
  printf '%-10s %8s %9s%%  (%s of %s)\n' "$l" "$n" "$p" "$t" "$n"
  echo "metric coverage.${l}_branches $p percent" >>"$out/metrics"
done
read -r p t n < <(pct "$out/device.info")
printf '%-10s %8s %9s%%  (%s of %s)\n' "device" "$n" "$p" "$t" "$n"
echo "about coverage.device_branches measured | device-code branches (gcc --coverage, lcov BRDA) taken by the host suite of make check"
[ -f "$out/metrics" ] && cat "$out/metrics" && rm -f "$out/metrics"
echo "metric coverage.device_branches $p percent"
