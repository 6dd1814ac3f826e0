#!/usr/bin/env bash
# `tandem device create|status` as a user sees them: exit codes and one-line errors. Arg 1: the tandem binary.
set -u
T="$1"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL $*"; exit 1; }
"$T" device create --device "$d/dev" --part W25N-SMALL --bad-blocks 2 --seed 9 >/dev/null || fail "create"
for f in layout.txt nand.bin appflash.bin netflash.bin otp.txt state.txt; do
  [ -f "$d/dev/$f" ] || fail "create did not write $f"
done
"$T" device status --device "$d/dev" | grep -q "^counter  *0 (128 updates left)" || fail "status text"
"$T" device status --device "$d/dev" --json | grep -q '"counter":{"value":0,"slots_left":128}' || fail "status json"
"$T" device create --device "$d/dev" 2>"$d/err"; [ $? -eq 2 ] || fail "second create must exit 2"
grep -q "already holds a device" "$d/err" || fail "second create message"
printf 'bootloader = 0 0x10000\napp_slot = 0xF000 0xE8000\nnetboot = 0x01000000 0x8000\nnet_slot = 0x01008000 0x38000\nstore = 0 64\nshared = 0x20070000 0x10000\n' >"$d/bad.txt"
"$T" device create --device "$d/dev2" --part W25N-SMALL --layout "$d/bad.txt" 2>"$d/err"; [ $? -eq 2 ] || fail "bad layout exit"
[ "$(wc -l <"$d/err")" -eq 1 ] && grep -q "app_slot overlaps bootloader" "$d/err" || fail "bad layout message: $(cat "$d/err")"
"$T" device status --device "$d/none" 2>"$d/err"; [ $? -eq 2 ] || fail "status of no device must exit 2"
"$T" device status --device "$d/dev" --bogus 2>/dev/null; [ $? -eq 2 ] || fail "bad option must exit 2"
"$T" device create --help | grep -q "^usage: tandem device create" || fail "create --help"
"$T" device create --device "$d/dev3" --part W25N-SMALL --grown-bad-ppm 500 --bitflip-ppm 2000 --disturb-ppm 100 \
  --retention-ppm 100 --torn program-weak,erase-weak --weak-life 2 >"$d/out" || fail "create with NAND faults"
grep -q "NAND faults: grown bad 500 ppm, bit flips 2000 ppm x 1 bits, disturb 100 ppm, retention 100 ppm, torn outcomes 0x50, weak life 2" "$d/out" \
  || fail "NAND faults summary: $(cat "$d/out")"
"$T" device status --device "$d/dev3" >/dev/null || fail "status of a device with NAND faults"
"$T" device create --device "$d/dev4" --torn program-sideways 2>"$d/err"; [ $? -eq 2 ] || fail "bad --torn must exit 2"
grep -q "not a list of torn outcomes" "$d/err" || fail "bad --torn message"
echo "ok   tandem device create|status"
