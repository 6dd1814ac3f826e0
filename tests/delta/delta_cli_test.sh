#!/usr/bin/env bash
# tests/delta: the delta commands as a user runs them: `tandem pack --base OLD -o D --full-out F` writes a
# delta package smaller than the full one, `tandem inspect D` shows its base and patches, `tandem diff`
# prints the same sizes, and a delta of an unrelated base falls back to components sent whole.
# usage: delta_cli_test.sh TANDEM FIRMWARE_DIR WORK_DIR
set -euo pipefail
T=$1 FW=$2 W=$3
fail() { echo "FAIL $*"; echo "replay: $0 $T $FW $W"; exit 1; }
rm -rf "$W" && mkdir -p "$W" && cd "$W"
"$T" keygen -o k.pem >/dev/null
head -c 65536 "$FW/4.0.0.bin" >net.bin
"$T" pack --key k.pem --app "$FW/4.1.2.bin" --net net.bin --version 4.1.2 --counter 3 -o old.tdm >/dev/null
"$T" pack --key k.pem --app "$FW/4.1.4.bin" --net net.bin --version 4.1.4 --counter 4 --base old.tdm \
  -o new.delta --full-out new.tdm >out.txt
full=$(stat -c %s new.tdm) delta=$(stat -c %s new.delta)
[ "$delta" -lt $((full / 100)) ] || fail "delta $delta bytes is not under 1% of the full package ($full)"
"$T" inspect new.delta >inspect.txt || fail "inspect of the delta package failed"
grep -q "component 1: .* patch" inspect.txt || fail "inspect shows no patch"
grep -q "set 4.1.4" inspect.txt || fail "inspect does not show the rebuilt set"
"$T" diff old.tdm new.tdm | grep -q "delta package $delta bytes" || fail "diff disagrees with pack"
# an unrelated base: the delta is not smaller than the full package -> -o gets the full package
head -c 2000 /dev/zero >zero.bin
"$T" pack --key k.pem --app zero.bin --net zero.bin --version 4.1.2 --counter 3 -o junk.tdm >/dev/null
"$T" pack --key k.pem --app "$FW/4.1.4.bin" --net net.bin --version 4.1.4 --counter 4 --base junk.tdm \
  -o fallback.tdm >/dev/null
[ "$(stat -c %s fallback.tdm)" -le "$full" ] || fail "a delta larger than the full package was written"
echo "ok    delta CLI (delta $delta of $full bytes)"
