#!/usr/bin/env bash
# docs/STORE.md is complete: scripts/nand_reader.py, written from that page alone, reads a simulated device's
# NAND and gets back, byte for byte, the package staged into it and the bootloader's capture of the running
# set; its view of the bad blocks, slots and journal agrees with the store's own (`tandem store info`); and it
# refuses a page whose data CRC, tag CRC or (with both CRCs forged) SHA-256 is wrong.
# Usage: nand_reader_test.sh PATH/TO/tandem [SEED]
set -u
tandem=$1
seed=${2:-${TDM_TEST_SEED:-1}}
replay="bash $0 $tandem $seed"
here=$(cd "$(dirname "$0")" && pwd)
reader=$here/../../scripts/nand_reader.py
. "$here/../tools/cli_lib.sh"

# make_set N APP_BYTES: v<N>, both images wrapped and signed, and their package (counter N)
make_set() {
  local n=$1 size=$2 c
  for c in app net; do
    run "fw make v$n $c" "$tandem" fw make --core $c --set "v$n" --version "$n.0.0+1" --size "$size" \
        --seed $((seed * 100 + n)) -o "$dir/$c$n.bin" || return 1
    run "wrap v$n $c" "$tandem" wrap --key "$dir/k.pem" --version "$n.0.0+1" --counter "$n" "$dir/$c$n.bin" \
        -o "$dir/$c$n.img" || return 1
    size=$((size / 3))
  done
  run "pack v$n" "$tandem" pack --key "$dir/k.pem" --app "$dir/app$n.img" --net "$dir/net$n.img" \
      --version "$n.0.0+1" --counter "$n" -o "$dir/v$n.tdm"
}

# reader_json EXPR: a field of the reader's JSON report on the device's NAND
reader_json() {
  python3 "$reader" "$dir/dev/nand.bin" --json | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
# reads_ok OUTDIR: the reader passes every check on the device's NAND and extracts the slots into OUTDIR
reads_ok() { mkdir -p "$1" && python3 "$reader" "$dir/dev/nand.bin" --extract-dir "$1" >"$dir/reader.txt"; }

run keygen "$tandem" keygen -o "$dir/k.pem" --pub "$dir/k.pub.pem" || exit 1
make_set 1 20000 || exit 1
make_set 2 $((150000 + seed % 1000)) || exit 1   # ~200 KB: a package over two NAND blocks
make_set 3 60000 || exit 1
run create "$tandem" device create --device "$dir/dev" --part W25N-SMALL --bad-blocks 3 --seed "$seed" || exit 1
run provision "$tandem" device provision --device "$dir/dev" --app "$dir/app1.img" --net "$dir/net1.img" \
    --key "$dir/k.pub.pem" || exit 1

# --- a staged package: slot A holds it, the boot state says PENDING with its digest ---
run "stage v2" "$tandem" device stage --device "$dir/dev" "$dir/v2.tdm" || exit 1
check "the reader finds the store and every check passes after staging" reads_ok "$dir/x1"
check "slot A read by the reader is the staged package, byte for byte" cmp -s "$dir/x1/slot_a.bin" "$dir/v2.tdm"
check "the package spans more than one block" [ "$(reader_json 'len(d["slots"][0]["block_map"])')" -ge 2 ]
check "boot state: pending, candidate = slot A with the package's SHA-256" \
  [ "$(reader_json 'd["boot_state"]["phase"], d["boot_state"]["candidate_slot"], d["boot_state"]["candidate_sha256"]')" \
    = "pending 0 $(sha "$dir/v2.tdm")" ]

# --- the reader agrees with the store's own account of the chip ---
# agrees CHIP: bad blocks, BBT, journal head and active block, and each slot's state, generation, length and
# SHA-256 are the same in the reader's report and in `tandem store info` (the C implementation)
agrees() {
  "$tandem" store info "$1" --first 0 --blocks 64 --json >"$dir/info.json" 2>"$dir/err" &&
  python3 "$reader" "$1" --json >"$dir/mine.json"
  python3 - "$dir/info.json" "$dir/mine.json" <<'EOF'
import json, sys
info, mine = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
got = (mine["bbt"]["bad_blocks"], mine["bbt"]["sequence"], mine["bbt"]["bbt_blocks"], mine["journal"]["head"],
       mine["journal"]["active_block"], [(s["state"], s["generation"], s.get("length", 0), s.get("sha256", ""))
                                          for s in mine["slots"]])
want = (info["bad_blocks"], info["bbt"]["seq"], info["bbt"]["blocks"], info["journal"]["head"],
        info["journal"]["active_block"], [(s["state"], s["generation"], s["length"], s["sha256"])
                                          for s in info["slots"]])
if got != want:
    print("reader %r\nstore  %r" % (got, want))
    sys.exit(1)
EOF
}
check "bad blocks, BBT, journal and slots agree with 'tandem store info'" agrees "$dir/dev/nand.bin"

# --- install: the bootloader captures v1 into slot B, v2 is confirmed; then v3 is staged into slot B ---
run "reboot into v2" "$tandem" device reboot --device "$dir/dev" || exit 1
check "after the install the reader still finds every check passing" reads_ok "$dir/x2"
check "slot B holds the capture of v1: its header, then app1 and net1 as installed" bash -c \
  "[ \"\$(head -c 4 '$dir/x2/slot_b.bin')\" = TDMC ] && cat '$dir/app1.img' '$dir/net1.img' | cmp -s - <(tail -c +93 '$dir/x2/slot_b.bin')"
check "roles and boot state: A installed, last outcome confirmed" \
  [ "$(reader_json 'd["roles"]["installed"], d["boot_state"]["phase"], d["boot_state"]["last"]')" = "A idle confirmed" ]
run "stage v3" "$tandem" device stage --device "$dir/dev" "$dir/v3.tdm" || exit 1
check "the reader passes with both slots committed" reads_ok "$dir/x3"
check "slot A is still v2 and slot B is v3, byte for byte" \
  bash -c "cmp -s '$dir/x3/slot_a.bin' '$dir/v2.tdm' && cmp -s '$dir/x3/slot_b.bin' '$dir/v3.tdm'"

# --- damage: each of the reader's checks must refuse what it guards ---
# damage HOW BLOCK PAGE OFFSET: copy the chip into bad.bin with one bit of page PAGE of BLOCK flipped at byte
# OFFSET (of the page's data + spare), and with HOW = forge the page's data CRC and tag CRC recomputed, so that
# only what lies beyond them can tell; then run the reader on the copy
damage() {
  python3 - "$dir/dev/nand.bin" "$dir/bad.bin" "$@" <<'EOF'
import sys, zlib
src, dst, how, block, page, off = sys.argv[1], sys.argv[2], sys.argv[3], *map(int, sys.argv[4:7])
raw = bytearray(open(src, "rb").read())
blocks, ppb, ps, oob = 64, 64, 2048, 64          # W25N-SMALL
at = 4096 + blocks * 5 + blocks * ppb * 2 + (block * ppb + page) * (ps + oob)
raw[at + off] ^= 0x01
if how == "forge":
    tag = at + ps + 4
    raw[tag + 16:tag + 20] = zlib.crc32(raw[at:at + ps]).to_bytes(4, "little")
    raw[tag + 20:tag + 24] = zlib.crc32(raw[tag:tag + 20]).to_bytes(4, "little")
open(dst, "wb").write(raw)
EOF
  rm -rf "$dir/x4" && mkdir "$dir/x4" && python3 "$reader" "$dir/bad.bin" --extract-dir "$dir/x4" >"$dir/out4"
}
bad_json() {
  python3 "$reader" "$dir/bad.bin" --json | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
# slot B: page 1 of its first block (data byte 100; tag byte 10, its page number: with the tag CRC, then with it
# forged), and the padding of its last page
b=$(reader_json 'd["slots"][1]["block_map"][0]')
last=$(reader_json '" ".join(map(str, (lambda n, m: (m[(n - 1) // 2048 // 64], (n - 1) // 2048 % 64, n % 2048))(d["slots"][1]["length"], d["slots"][1]["block_map"])))')
for case in "flip $b 1 100:data CRC" "flip $b 1 2062:tag magic or CRC" "forge $b 1 100:SHA-256" "forge $b 1 2062:tag names another page" \
            "forge $last:padding is not 0xFF"; do
  damage ${case%%:*}
  rc=$?
  check "slot B with '${case%%:*}' is refused (exit 1, '${case#*:}' named, slot B not extracted, A intact)" \
    bash -c "[ $rc -eq 1 ] && grep -q '^error: slot B: .*${case#*:}' '$dir/out4' && [ ! -e '$dir/x4/slot_b.bin' ] && cmp -s '$dir/x4/slot_a.bin' '$dir/v2.tdm'"
done
# the commit record of slot B (byte 28: inside its SHA-256 field) fails its CRC: it never existed, so slot B is
# the OPEN record before it
damage flip $(reader_json 'd["journal"]["active_block"], d["journal"]["latest"]["0xFF02"]["page"]') 28
rc=$?
check "a commit record that fails its CRC never existed: slot B reads as open (holding its first block by tag), A intact" \
  [ "$rc $(bad_json 'd["slots"][1]["state"], len(d["errors"]), '"$b"' in [h["block"] for h in d["slots"][1]["held_blocks"]]') $(cmp -s "$dir/x4/slot_a.bin" "$dir/v2.tdm"; echo $?)" = "0 open 0 True 0" ]
# copy 0 of the newest bad-block table record (byte 28: its bitmap) fails its CRC: copy 1 holds the same record
bbt_was=$(reader_json 'd["bbt"]["sequence"], d["bbt"]["state"], d["bbt"]["bad_blocks"], d["bbt"]["bbt_blocks"][1]')
damage flip $(reader_json 'd["bbt"]["bbt_blocks"][0], d["bbt"]["at"][1]') 28
rc=$?
check "a BBT record that fails its CRC in copy 0 is read from copy 1: same sequence, state and bad blocks" \
  [ "$rc $(bad_json 'd["bbt"]["sequence"], d["bbt"]["state"], d["bbt"]["bad_blocks"], d["bbt"]["at"][0]')" = "0 $bbt_was" ]

# --- many commits on a bare chip: the journal is compacted, so both of its blocks hold a complete snapshot and
#     the reader must pick the newer one ---
run "nand create" "$tandem" nand create "$dir/chip" --part W25N-SMALL --bad-blocks 2 --seed "$seed" || exit 1
run "store format" "$tandem" store format "$dir/chip" --first 0 --blocks 64 || exit 1
python3 -c "import random; r = random.Random($seed)
for i in range(1, 41): open('$dir/w%d' % i, 'wb').write(r.randbytes(3000 + 37 * i))"
for i in $(seq 1 40); do
  run "store write $i" "$tandem" store write "$dir/chip" --slot $([ $((i % 2)) = 0 ] && echo a || echo b) \
      --in "$dir/w$i" --first 0 --blocks 64 || exit 1
done
mkdir "$dir/x5"
check "after 40 commits the reader passes and reads both last contents byte for byte" bash -c \
  "python3 '$reader' '$dir/chip' --extract-dir '$dir/x5' >/dev/null && cmp -s '$dir/x5/slot_a.bin' '$dir/w40' && cmp -s '$dir/x5/slot_b.bin' '$dir/w39'"
check "the journal was compacted (the active block's SNAPSHOT END is not the format's)" \
  [ "$(python3 "$reader" "$dir/chip" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["journal"]["latest"]["0xFF00"]["sequence"] > 1)')" = True ]
check "after a compaction the reader agrees with 'tandem store info'" agrees "$dir/chip"
finish
