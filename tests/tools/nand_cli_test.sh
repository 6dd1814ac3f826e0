#!/usr/bin/env bash
# `tandem nand` from the command line: the promises of the foundation issue, checked end to end.
# Usage: nand_cli_test.sh PATH/TO/tandem
set -u
tandem=$1
replay="bash $0 $tandem"
. "$(dirname "$0")/cli_lib.sh"

"$tandem" nand create "$dir/chip.bin" --bad-blocks 20 --seed 1 >/dev/null
json=$("$tandem" nand info "$dir/chip.bin" --json)
count=$(printf '%s' "$json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["bad_blocks"]), d["bad_block_count"])')
[ "$count" = "20 20" ] && ok "a chip created with 20 bad blocks lists exactly 20" || bad "bad-block list: $count"

scan=$("$tandem" nand scan "$dir/chip.bin" | head -1)
listed=$(printf '%s' "$json" | python3 -c 'import json,sys; print(" ".join(map(str, json.load(sys.stdin)["bad_blocks"])))')
[ "$scan" = "20 factory bad blocks: $listed" ] && ok "scan through the driver finds the same blocks" || bad "scan: $scan"

"$tandem" nand create "$dir/other.bin" --bad-blocks 20 --seed 2 >/dev/null
other=$("$tandem" nand info "$dir/other.bin" --json | python3 -c 'import json,sys; print(" ".join(map(str, json.load(sys.stdin)["bad_blocks"])))')
[ "$other" != "$listed" ] && ok "another seed gives other bad blocks" || bad "seed ignored"

"$tandem" nand create "$dir/mt.bin" --part MT29F1G01ABAFD >/dev/null
oob=$("$tandem" nand info "$dir/mt.bin" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["oob_size"])')
[ "$oob" = "128" ] && ok "the part can be chosen" || bad "part MT29F1G01ABAFD oob $oob"

"$tandem" nand exercise "$dir/chip.bin" --mib 2 >/dev/null && \
  progs=$("$tandem" nand info "$dir/chip.bin" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["ops"]["programs"])') && \
  [ "$progs" = "1024" ] && ok "state survives between processes (1024 programs recorded)" || bad "exercise/info: ${progs:-?}"

parts=$("$tandem" nand parts)
n=$(printf '%s\n' "$parts" | grep -c '^  source: [A-Z0-9]*: ID ')
w25=$(printf '%s\n' "$parts" | grep '^W25N01GV: ID EF AA 21, 1024 blocks x 64 pages x (2048 + 64) bytes, tag 24 bytes (16 ECC-protected) at spare 4-7, 20-23, 36-39, 52-55, 2-3' | wc -l)
for p in W25N01GV MT29F1G01ABAFD GD5F1GQ4UA; do printf '%s\n' "$parts" | grep -q "^$p: ID" || n=0; done
[ "$n" = 3 ] && [ "$w25" = 1 ] && ok "nand parts lists the driver's three parts, each with its sources" || bad "nand parts: $n sources, W25N line $w25"
expect_error "nand parts takes no argument" 2 "$tandem" nand parts extra
expect_error "missing file" 2 "$tandem" nand info "$dir/nope.bin"
cp "$dir/chip.bin" "$dir/short.bin"; truncate -s 1000000 "$dir/short.bin"
expect_error "wrong file size" 2 "$tandem" nand info "$dir/short.bin"
expect_error "unknown part name" 2 "$tandem" nand create "$dir/x.bin" --part W99N
expect_error "bad number" 2 "$tandem" nand create "$dir/x.bin" --bad-blocks 12abc
expect_error "negative seed" 2 "$tandem" nand create "$dir/x.bin" --seed -4
expect_error "more bad blocks than the datasheet allows" 2 "$tandem" nand create "$dir/x.bin" --bad-blocks 21
expect_error "missing FILE" 2 "$tandem" nand create
expect_error "unknown subcommand" 2 "$tandem" nand frobnicate
expect_error "unknown command" 2 "$tandem" frobnicate
[ ! -e "$dir/x.bin" ] && ok "nothing written on a refused create" || bad "x.bin was written"
"$tandem" nand --help | grep -q 'tandem nand create' && ok "help" || bad "help"

finish
