#!/usr/bin/env bash
# Scenario "the fuzz-only crypto port stays in the fuzz build": fuzz/fuzz_crypto.c accepts a fixed
# signature marker, so no library or program of BUILD_DIR other than the fuzz programs may contain it.
# nm looks for its symbol (tdm_fuzz_crypto) in every static library and every ELF program under BUILD_DIR
# (CMake's object directories and fuzz/run.sh's own build dirs aside); the fuzz replay programs must
# contain it (else this scan proves nothing) and nothing else may.
# usage: tests/fuzz/port_contained.sh BUILD_DIR
set -uo pipefail
build=${1:?usage: port_contained.sh BUILD_DIR}
allowed='^(fuzz_replay_[a-z0-9_]+|pkg_fuzz_replay_[a-z0-9_]+|fuzz_seeds_test)$'
scanned=0 holders=0 status=0
while IFS= read -r -d '' f; do
  case $(head -c 4 "$f" | od -An -c | tr -d ' ') in
    177ELF | '!<ar') ;;
    *) continue ;;
  esac
  scanned=$((scanned + 1))
  syms=$(nm "$f" 2>/dev/null || true)
  grep -qw 'tdm_fuzz_crypto' <<<"$syms" || continue
  if [[ $(basename "$f") =~ $allowed ]]; then
    holders=$((holders + 1))
  else
    echo "FAIL $f contains the fuzz-only crypto port (tdm_fuzz_crypto); replay: $0 $build"
    status=1
  fi
done < <(find "$build" -type f \( -name '*.a' -o -perm -u+x \) ! -path '*/CMakeFiles/*' ! -path '*/round/*' -print0)
if [ $holders -eq 0 ]; then
  echo "FAIL no fuzz replay program holds tdm_fuzz_crypto: the scan cannot see the port; replay: $0 $build"
  status=1
fi
[ $status -ne 0 ] || echo "fuzz port: in $holders fuzz programs, in none of the other $((scanned - holders)) binaries"
exit $status
