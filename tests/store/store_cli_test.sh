#!/usr/bin/env bash
# `tandem store` on a simulated chip: format, refused second format, write/read round trip, info --json,
# a read of an empty slot refused (exit 1), usage errors (exit 2).
set -u
T=$1
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$T" nand create "$d/chip" --part W25N-SMALL --bad-blocks 3 >/dev/null || fail "nand create"
"$T" store info "$d/chip" 2>/dev/null; [ $? -eq 1 ] || fail "info on an unformatted chip must exit 1"
"$T" store format "$d/chip" >/dev/null || fail "format"
"$T" store format "$d/chip" 2>/dev/null; [ $? -eq 1 ] || fail "second format must be refused"
head -c 200001 /dev/urandom >"$d/in"
"$T" store write "$d/chip" --slot b --in "$d/in" >/dev/null || fail "write"
"$T" store read "$d/chip" --slot b --out "$d/out" >/dev/null || fail "read"
cmp -s "$d/in" "$d/out" || fail "read back differs"
"$T" store read "$d/chip" --slot b --offset 1000 --length 10 --out "$d/part" >/dev/null || fail "read range"
cmp -s <(tail -c +1001 "$d/in" | head -c 10) "$d/part" || fail "range differs"
json=$("$T" store info "$d/chip" --json) || fail "info --json"
echo "$json" | grep -q '"slot":"B","state":"committed","committed":true' || fail "info: slot B not committed: $json"
echo "$json" | grep -q '"length":200001' || fail "info: length"
[ "$(echo "$json" | grep -o '"bad_blocks":\[[0-9,]*\]' | tr -cd ',' | wc -c)" -eq 2 ] || fail "info: 3 bad blocks"
"$T" store read "$d/chip" --slot a --out "$d/x" 2>/dev/null; [ $? -eq 1 ] || fail "read of an empty slot must exit 1"
"$T" store write "$d/chip" --in "$d/in" 2>/dev/null; [ $? -eq 2 ] || fail "missing --slot must exit 2"
"$T" store format "$d/chip" --force >/dev/null || fail "forced format"
"$T" store info "$d/chip" | grep -q "slot B: empty" || fail "forced format keeps content"
echo "ok store cli"
