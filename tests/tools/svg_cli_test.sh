#!/usr/bin/env bash
# `tandem device svg`: the demo's two pictures from a small device. The NAND store map of a device with
# factory bad blocks after one update (cells per block, owners, roles, bad blocks), and a timeline from a
# phase log; both must be well-formed SVG that rsvg-convert renders to a non-empty PNG. Bad logs and
# missing options fail with one line.
# Usage: svg_cli_test.sh PATH/TO/tandem [SEED]
set -u
tandem=$1
seed=${2:-${TDM_TEST_SEED:-1}}
replay="bash $0 $tandem $seed"
. "$(dirname "$0")/cli_lib.sh"
# renders SVG: rsvg-convert makes a PNG (signature checked) of at least 1 KB
renders() {
  rsvg-convert "$1" -o "$1.png" 2>"$dir/rsvg.err" && [ -s "$1.png" ] && [ "$(stat -c %s "$1.png")" -gt 1024 ] &&
    [ "$(head -c 8 "$1.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]
}
# bad blocks the chip has in the store range (blocks 0..63 on W25N-SMALL: the whole chip)
chip_bad() {
  "$tandem" nand info "$dir/dev/nand.bin" --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)['bad_blocks']))"
}

command -v rsvg-convert >/dev/null || { echo "FAIL  rsvg-convert missing (scripts/setup.sh installs librsvg2-bin)"; exit 1; }

# --- a small device with 4 factory bad blocks, v1 provisioned, v2 staged and installed ---
run keygen "$tandem" keygen -o "$dir/k.pem" --pub "$dir/k.pub.pem" || exit 1
for n in 1 2; do
  for c in app net; do
    run "fw $c v$n" "$tandem" fw make --core $c --set "v$n" --version "$n.0.0+1" --size $((9000 + 1000 * n)) \
      --seed $((seed * 10 + n)) -o "$dir/$c$n.bin" || exit 1
    run "wrap $c v$n" "$tandem" wrap --key "$dir/k.pem" --version "$n.0.0+1" --counter $n "$dir/$c$n.bin" \
      -o "$dir/$c$n.img" || exit 1
  done
done
run pack "$tandem" pack --key "$dir/k.pem" --app "$dir/app2.img" --net "$dir/net2.img" --version 2.0.0+1 \
  --counter 2 -o "$dir/v2.tdm" || exit 1
run create "$tandem" device create --device "$dir/dev" --part W25N-SMALL --bad-blocks 4 --seed "$seed" \
  --key "$dir/k.pub.pem" || exit 1
run provision "$tandem" device provision --device "$dir/dev" --app "$dir/app1.img" --net "$dir/net1.img" || exit 1
run stage "$tandem" device stage --device "$dir/dev" "$dir/v2.tdm" || exit 1
run reboot "$tandem" device reboot --device "$dir/dev" || exit 1

# --- the NAND store map ---
cp -r "$dir/dev" "$dir/before"
if run "map" "$tandem" device svg --device "$dir/dev" --map "$dir/map.svg"; then
  check "map: one line names the file and counts the owners" \
    grep -Eq "^wrote $dir/map.svg: NAND store map, 64 blocks \(A [1-9][0-9]*, B [1-9][0-9]*, system 4, free [0-9]+, bad $(chip_bad)\)" "$dir/out"
  check "map: one cell per block of the store (64 cells with a block number, e-count)" \
    [ "$(grep -c '>e[0-9]*</text>' "$dir/map.svg")" -eq $((64 - $(chip_bad))) ]
  check "map: every bad block is drawn crossed out" [ "$(grep -c '<line' "$dir/map.svg")" -eq $((2 * $(chip_bad))) ]
  check "map: the legend names the installed set's slot" grep -q 'installed set 2.0.0+1' "$dir/map.svg"
  check "map: the journal and the bad-block table are labelled" \
    bash -c "grep -q '>journal</text>' '$dir/map.svg' && grep -q '>table</text>' '$dir/map.svg'"
  check "map: well-formed XML" python3 -c "import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])" "$dir/map.svg"
  check "map: rsvg-convert renders it to a PNG" renders "$dir/map.svg"
  check "map: drawing it changes nothing in the device" diff -r "$dir/before" "$dir/dev"
fi

# --- the timeline ---
cat >"$dir/tl.log" <<'EOF'
# a phase log as scripts/demo.sh writes it (times in ns on the device clock)
span 1000000000 9000000000 update to v2 <& "quoted">
bar nand 1000000000 1050000000 fetch fetch v2
bar nand 1050000000 1100000000 verify verify
bar app 1100000000 5000000000 install write app image v2
bar net 5000000000 8000000000 install write net image v2
mark 6000000000 cut power cut
bar net 6100000000 8500000000 recover write net image v2
bar app 8500000000 9000000000 trial trial
bar net 8500000000 9000000000 trial trial
EOF
if run "timeline" "$tandem" device svg --timeline "$dir/tl.log" --out "$dir/tl.svg"; then
  check "timeline: counts its bars" grep -q "^wrote $dir/tl.svg: timeline of 7 phases" "$dir/out"
  check "timeline: one lane per core and the NAND" \
    bash -c "grep -q '>app core<' '$dir/tl.svg' && grep -q '>net core<' '$dir/tl.svg' && grep -q '>NAND<' '$dir/tl.svg'"
  check "timeline: labels are escaped" grep -q 'update to v2 &lt;&amp; &quot;quoted&quot;&gt;' "$dir/tl.svg"
  check "timeline: well-formed XML" python3 -c "import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])" "$dir/tl.svg"
  check "timeline: a wide bar carries its label" grep -q '>write app image v2<' "$dir/tl.svg"
  check "timeline: rsvg-convert renders it to a PNG" renders "$dir/tl.svg"
fi

# --- errors: one line each ---
printf 'bar cpu 1 2 install x\n' >"$dir/bad-lane.log"
expect_error "timeline: an unknown lane names the line" 2 "$tandem" device svg --timeline "$dir/bad-lane.log" --out "$dir/x.svg"
grep -q 'bad-lane.log:1:' "$dir/err" && ok "timeline: the error carries the line number" || bad "timeline: the error carries the line number"
printf 'bar app 5 2 install backwards\n' >"$dir/bad-time.log"
expect_error "timeline: an end before the start" 2 "$tandem" device svg --timeline "$dir/bad-time.log" --out "$dir/x.svg"
printf '# nothing\n' >"$dir/empty.log"
expect_error "timeline: a log without bars" 2 "$tandem" device svg --timeline "$dir/empty.log" --out "$dir/x.svg"
expect_error "timeline without --out" 2 "$tandem" device svg --timeline "$dir/tl.log"
expect_error "map without --device" 2 "$tandem" device svg --map "$dir/x.svg"
expect_error "nothing to draw" 2 "$tandem" device svg --device "$dir/dev"
expect_error "map of a missing device" 2 "$tandem" device svg --device "$dir/nope" --map "$dir/x.svg"
expect_error "map into a missing folder" 2 "$tandem" device svg --device "$dir/dev" --map "$dir/no/such/dir/x.svg"

finish
