#!/usr/bin/env bash
# docs/STORE.md and docs/NAND.md are complete: scripts/nand_reader.py, written from those pages alone, reads the
# NAND of a simulated device of every part (the three real parts and their small test twins), chip file version
# 2 in raw layout, store format 2, and gets back, byte for byte, the package staged into it and the bootloader's
# capture of the running set; its view of the bad blocks, slots and journal agrees with the store's own
# (`tandem store info`); it refuses a page whose CRC, tag magic or (with the CRC forged) SHA-256, page number or
# padding is wrong, or that the chip reports uncorrectable; and it refuses a file of the wrong magic, version or
# size, or of an unknown part.
# Usage: nand_reader_test.sh PATH/TO/tandem [SEED [PART]]   (PART: only that part)
set -u
tandem=$1
seed=${2:-${TDM_TEST_SEED:-1}}
parts=${3:-"W25N-SMALL MT29F-SMALL GD5F-SMALL W25N01GV MT29F1G01ABAFD GD5F1GQ4UA"}
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

# reads_ok OUTDIR: the reader passes every check on the device's NAND and extracts the slots into OUTDIR; its
# JSON report is kept in rep.json for reader_json
reads_ok() { mkdir -p "$1" && python3 "$reader" "$dev/nand.bin" --json --extract-dir "$1" >"$dir/rep.json"; }
# reader_json EXPR [CHIP]: a field of the reader's JSON report on CHIP, or of the last reads_ok's on the device
reader_json() {
  if [ $# -gt 1 ]; then python3 "$reader" "$2" --json >"$dir/rep2.json"; fi
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$dir/rep$([ $# -gt 1 ] && echo 2).json"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }

# agrees CHIP FIRST COUNT: bad blocks, BBT, journal head and active block, and each slot's state, generation,
# length and SHA-256 are the same in the reader's report and in `tandem store info` (the C implementation)
agrees() {
  "$tandem" store info "$1" --first "$2" --blocks "$3" --json >"$dir/info.json" 2>"$dir/err" &&
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

# damage HOW BLOCK PAGE WHERE: copy the chip into bad.bin with one bit of page PAGE of BLOCK flipped, and run the
# reader on the copy. WHERE is a data byte (a number), tagN (byte N of the 16-byte tag, found in the raw spare by
# the map of docs/NAND.md, written here again, not taken from the reader), or the page record's hidden state
# that makes the chip report the page uncorrectable (docs/NAND.md "A read of a page, now"): unc (flags bit 1),
# over (codeword 0 over-programmed), weak (weak, age = life), flips (flips = ECC bits + 1). HOW = forge: the
# page's CRC is recomputed, so only what lies beyond it can tell.
damage() {
  python3 - "$dev/nand.bin" "$dir/bad.bin" "$@" <<'EOF'
import sys, zlib
src, dst, how, block, page, where = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
import mmap, shutil
shutil.copyfile(src, dst)   # then patch the copy in place: a real part's chip is 139 MB
f = open(dst, "r+b")
raw = mmap.mmap(f.fileno(), 0)
part = raw[12:44].split(b"\0")[0].decode()
blocks, ppb, ps, spare = (64 if part.endswith("SMALL") else 1024), 64, 2048, (128 if part.startswith("MT29F") else 64)
tag16 = list(range(4, 20)) if part.startswith("MT29F") else [16 * k + i for k in range(4) for i in range(4, 8)]
row = block * ppb + page
recs = 4096 + blocks * 5
at = recs + blocks * ppb * 10 + row * (ps + spare)
ecc_bits = 1 if part.startswith("W25N") else 8
hidden = {"unc": {1: 0x02}, "over": {3: 0x01}, "weak": {4: 1, 5: 2, 6: 2}, "flips": {8: ecc_bits + 1},
          "young": {4: 1, 5: 4, 6: 1}}   # young: weak, but half its life ahead: it still reads right
if where in hidden:
    for k, v in hidden[where].items():   # OR: the record's other bits stay as the chip left them
        raw[recs + row * 10 + k] |= v
else:
    raw[at + (ps + tag16[int(where[3:])] if where.startswith("tag") else int(where))] ^= 0x01
if how == "forge":
    tag = bytes(raw[at + ps + o] for o in tag16)
    for i, b in enumerate(zlib.crc32(bytes(raw[at:at + ps]) + tag[:12]).to_bytes(4, "little")):
        raw[at + ps + tag16[12 + i]] = b
raw.flush()
EOF
  rm -rf "$dir/x4" && mkdir "$dir/x4" && python3 "$reader" "$dir/bad.bin" --extract-dir "$dir/x4" >"$dir/out4"
}
bad_json() { reader_json "$1" "$dir/bad.bin"; }

# device_story PART: stage, install, stage again on a device of PART; read it after each step; then damage it
device_story() {
  local part=$1 first count b last case rc bbt_was
  dev=$dir/dev-$part
  replay="bash $0 $tandem $seed $part"
  run "$part: create" "$tandem" device create --device "$dev" --part "$part" --bad-blocks 3 --seed "$seed" || return 1
  read -r first count < <(sed -n 's/^store = \([0-9]*\) \([0-9]*\).*/\1 \2/p' "$dev/layout.txt")
  run "$part: provision" "$tandem" device provision --device "$dev" --app "$dir/app1.img" --net "$dir/net1.img" \
      --key "$dir/k.pub.pem" || return 1

  # --- a staged package: slot A holds it, the boot state says PENDING with its digest ---
  run "$part: stage v2" "$tandem" device stage --device "$dev" "$dir/v2.tdm" || return 1
  check "$part: the reader finds the store and every check passes after staging" reads_ok "$dir/x1-$part"
  check "$part: slot A read by the reader is the staged package, byte for byte" cmp -s "$dir/x1-$part/slot_a.bin" "$dir/v2.tdm"
  check "$part: the package spans more than one block" [ "$(reader_json 'len(d["slots"][0]["block_map"])')" -ge 2 ]
  check "$part: boot state: pending, candidate = slot A with the package's SHA-256" \
    [ "$(reader_json 'd["boot_state"]["phase"], d["boot_state"]["candidate_slot"], d["boot_state"]["candidate_sha256"]')" \
      = "pending 0 $(sha "$dir/v2.tdm")" ]
  check "$part: the store range is the layout's ($first, $count)" [ "$(reader_json 'd["bbt"]["first"], d["bbt"]["count"]')" = "$first $count" ]
  check "$part: bad blocks, BBT, journal and slots agree with 'tandem store info'" agrees "$dev/nand.bin" "$first" "$count"

  # --- install: the bootloader captures v1 into slot B, v2 is confirmed; then v3 is staged into slot B ---
  run "$part: reboot into v2" "$tandem" device reboot --device "$dev" || return 1
  check "$part: after the install the reader still finds every check passing" reads_ok "$dir/x2-$part"
  check "$part: slot B holds the capture of v1: its header, then app1 and net1 as installed" bash -c \
    "[ \"\$(head -c 4 '$dir/x2-$part/slot_b.bin')\" = TDMC ] && cat '$dir/app1.img' '$dir/net1.img' | cmp -s - <(tail -c +93 '$dir/x2-$part/slot_b.bin')"
  check "$part: roles and boot state: A installed, last outcome confirmed" \
    [ "$(reader_json 'd["roles"]["installed"], d["boot_state"]["phase"], d["boot_state"]["last"]')" = "A idle confirmed" ]
  run "$part: stage v3" "$tandem" device stage --device "$dev" "$dir/v3.tdm" || return 1
  check "$part: the reader passes with both slots committed" reads_ok "$dir/x3-$part"
  check "$part: slot A is still v2 and slot B is v3, byte for byte" \
    bash -c "cmp -s '$dir/x3-$part/slot_a.bin' '$dir/v2.tdm' && cmp -s '$dir/x3-$part/slot_b.bin' '$dir/v3.tdm'"
  check "$part: after v3 the reader agrees with 'tandem store info'" agrees "$dev/nand.bin" "$first" "$count"

  # --- damage: each of the reader's checks must refuse what it guards ---
  # slot B: page 1 of its first block (a data byte; tag byte 7, its page number; tag byte 10, the magic; with
  # the CRC, then with it forged), the padding of its last page, and the chip's uncorrectable report
  b=$(reader_json 'd["slots"][1]["block_map"][0]')
  last=$(reader_json '" ".join(map(str, (lambda n, m: (m[(n - 1) // 2048 // 64], (n - 1) // 2048 % 64, n % 2048))(d["slots"][1]["length"], d["slots"][1]["block_map"])))')
  for case in "flip $b 1 100:CRC over data and tag" "flip $b 1 tag7:CRC over data and tag" "flip $b 1 tag10:tag magic" \
              "forge $b 1 100:SHA-256" "forge $b 1 tag7:tag names another page" "forge $last:padding is not 0xFF" \
              "flip $b 1 unc:uncorrectable" "flip $b 1 over:uncorrectable" "flip $b 1 weak:uncorrectable" \
              "flip $b 1 flips:uncorrectable"; do
    damage ${case%%:*}
    rc=$?
    check "$part: slot B with '${case%%:*}' is refused (exit 1, '${case#*:}' named, slot B not extracted, A intact)" \
      bash -c "[ $rc -eq 1 ] && grep -q '^error: slot B: .*${case#*:}' '$dir/out4' && [ ! -e '$dir/x4/slot_b.bin' ] && cmp -s '$dir/x4/slot_a.bin' '$dir/v2.tdm'"
  done
  damage flip $b 1 young
  rc=$?
  check "$part: a weak page still young (age 1 of life 4) reads right: exit 0, slot B extracted" \
    bash -c "[ $rc -eq 0 ] && cmp -s '$dir/x4/slot_b.bin' '$dir/v3.tdm'"
  # the commit record of slot B (byte 28: inside its SHA-256 field) fails its CRC: it never existed, so slot B
  # is the OPEN record before it
  damage flip $(reader_json 'd["journal"]["active_block"], d["journal"]["latest"]["0xFF02"]["page"]') 28
  rc=$?
  check "$part: a commit record that fails its CRC never existed: slot B reads as open (holding its first block by tag), A intact" \
    [ "$rc $(bad_json 'd["slots"][1]["state"], len(d["errors"]), '"$b"' in [h["block"] for h in d["slots"][1]["held_blocks"]]') $(cmp -s "$dir/x4/slot_a.bin" "$dir/v2.tdm"; echo $?)" = "0 open 0 True 0" ]
  # copy 0 of the newest bad-block table record (byte 28: its bitmap) fails its CRC: copy 1 holds the same record
  bbt_was=$(reader_json 'd["bbt"]["sequence"], d["bbt"]["state"], d["bbt"]["bad_blocks"], d["bbt"]["bbt_blocks"][1]')
  damage flip $(reader_json 'd["bbt"]["bbt_blocks"][0], d["bbt"]["at"][1]') 28
  rc=$?
  check "$part: a BBT record that fails its CRC in copy 0 is read from copy 1: same sequence, state and bad blocks" \
    [ "$rc $(bad_json 'd["bbt"]["sequence"], d["bbt"]["state"], d["bbt"]["bad_blocks"], d["bbt"]["at"][0]')" = "0 $bbt_was" ]
  rm -rf "$dev" "$dir"/x?-"$part" "$dir/bad.bin"   # a real part's chip file is 139 MB
}

# compaction PART: many commits on a bare chip: the journal is compacted, so both of its blocks hold a complete
# snapshot and the reader must pick the newer one
compaction() {
  local part=$1 i chip=$dir/chip-$1
  replay="bash $0 $tandem $seed $part"
  run "$part: nand create" "$tandem" nand create "$chip" --part "$part" --bad-blocks 2 --seed "$seed" || return 1
  run "$part: store format" "$tandem" store format "$chip" --first 0 --blocks 64 || return 1
  for i in $(seq 1 40); do
    run "$part: store write $i" "$tandem" store write "$chip" --slot $([ $((i % 2)) = 0 ] && echo a || echo b) \
        --in "$dir/w$i" --first 0 --blocks 64 || return 1
  done
  mkdir -p "$dir/x5-$part"
  check "$part: after 40 commits the reader passes and reads both last contents byte for byte" bash -c \
    "python3 '$reader' '$chip' --extract-dir '$dir/x5-$part' >/dev/null && cmp -s '$dir/x5-$part/slot_a.bin' '$dir/w40' && cmp -s '$dir/x5-$part/slot_b.bin' '$dir/w39'"
  check "$part: the journal was compacted (the active block's SNAPSHOT END is not the format's)" \
    [ "$(reader_json 'd["journal"]["latest"]["0xFF00"]["sequence"] > 1' "$chip")" = True ]
  check "$part: after a compaction the reader agrees with 'tandem store info'" agrees "$chip" 0 64
}

# refused WHAT PYTHON-EXPR-ON-raw: a copy of the good chip file $good changed by the expression is refused whole: exit 2
# and one line on stderr naming WHAT
refused() {
  python3 -c "import sys; raw = bytearray(open(sys.argv[1], 'rb').read()); $2; open(sys.argv[2], 'wb').write(raw)" \
    "$good" "$dir/wrong.bin"
  python3 "$reader" "$dir/wrong.bin" >"$dir/out" 2>"$dir/err"
  local rc=$?
  check "a chip file with the wrong $1 ($2) is refused (exit 2, one line naming the $1)" \
    bash -c "[ $rc -eq 2 ] && [ \$(wc -l <'$dir/err') -eq 1 ] && grep -qi '$1' '$dir/err' && [ ! -s '$dir/out' ]"
}

run keygen "$tandem" keygen -o "$dir/k.pem" --pub "$dir/k.pub.pem" || exit 1
make_set 1 20000 || exit 1
make_set 2 $((150000 + seed % 1000)) || exit 1   # ~200 KB: a package over two NAND blocks
make_set 3 60000 || exit 1
python3 -c "import random; r = random.Random($seed)
for i in range(1, 41): open('$dir/w%d' % i, 'wb').write(r.randbytes(3000 + 37 * i))"
for part in $parts; do
  device_story "$part"
  case $part in *-SMALL) compaction "$part" ;; esac
done
good=$(ls "$dir"/chip-* 2>/dev/null | head -1)   # a small part's chip after its compaction story
if [ -n "$good" ]; then
  replay="bash $0 $tandem $seed ${good##*/chip-}"
  refused "magic" "raw[0:8] = b'TDMNAND0'"
  refused "version" "raw[8] = 1"
  refused "version" "raw[8] = 3"
  refused "file size" "raw.append(0xFF)"
  refused "file size" "del raw[-2112:]"
  refused "part" "raw[12:44] = b'W25N02KV'.ljust(32, b'\\0')"
  check "a file shorter than the header is refused" bash -c "head -c 100 '$good' >'$dir/short.bin'; python3 '$reader' '$dir/short.bin' 2>/dev/null; [ \$? -eq 2 ]"
fi
finish
