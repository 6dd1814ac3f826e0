#!/usr/bin/env bash
# The update story of the simulated nRF5340 by hand, through the `tandem` CLI only: test firmware (fw make),
# MCUboot images (wrap), packages (pack), a device (create, provision), an update (stage), power-ons
# (reboot), the application's confirmation (confirm) and what the device says about itself (status).
# Usage: device_boot_cli_test.sh PATH/TO/tandem [SEED]
set -u
tandem=$1
seed=${2:-${TDM_TEST_SEED:-1}}
replay="bash $0 $tandem $seed"
. "$(dirname "$0")/cli_lib.sh"

field() {
  "$tandem" device status --device "$dir/dev" --json | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

# set N [APP_BEHAVIOR]: v<N>: both images, wrapped and signed, and their package (counter N)
make_set() {
  local n=$1 behavior=${2:-healthy} c b
  for c in app net; do
    b=healthy; [ $c = app ] && b=$behavior
    run "fw make v$n $c" "$tandem" fw make --core $c --set "v$n" --version "$n.0.0+1" --behavior $b \
        --size $((20000 + n * 1000)) --seed $((seed * 100 + n)) -o "$dir/$c$n.bin" || return 1
    run "wrap v$n $c" "$tandem" wrap --key "$dir/k.pem" --version "$n.0.0+1" --counter "$n" "$dir/$c$n.bin" \
        -o "$dir/$c$n.img" || return 1
  done
  run "pack v$n" "$tandem" pack --key "$dir/k.pem" --app "$dir/app$n.img" --net "$dir/net$n.img" \
      --version "$n.0.0+1" --counter "$n" -o "$dir/v$n.tdm"
}

run keygen "$tandem" keygen -o "$dir/k.pem" --pub "$dir/k.pub.pem" || exit 1
run "second key" "$tandem" keygen -o "$dir/other.pem" --pub "$dir/other.pub.pem" || exit 1
for n in 1 2 4 5; do make_set $n || exit 1; done
make_set 3 crash || exit 1
run create "$tandem" device create --device "$dir/dev" --part W25N-SMALL --seed "$seed" || exit 1

# --- provisioning: both slots programmed, the key kept, the first power-on runs v1 ---
run provision "$tandem" device provision --device "$dir/dev" --app "$dir/app1.img" --net "$dir/net1.img" \
    --key "$dir/k.pub.pem" || exit 1
check "provision keeps the trusted key in the device" cmp -s "$dir/dev/trusted_key.pem" "$dir/k.pub.pem"
check "after provisioning both slots hold set v1" \
  [ "$(field 'd["images"]["app"]["set"], d["images"]["net"]["set"], d["boot"]["phase"]')" = "v1 v1 idle" ]
run "first power-on" "$tandem" device reboot --device "$dir/dev" && \
  check "the first power-on boots v1 with nothing to install" \
    grep -q "^bootloader: nothing to install" "$dir/out"

# --- update v2: staged, installed on both cores, on trial, confirmed by the healthy application ---
run "stage v2" "$tandem" device stage --device "$dir/dev" "$dir/v2.tdm" && \
  check "a staged package is PENDING" [ "$(field 'd["journal"]["boot"]["phase"]')" = "pending" ]
run "reboot into v2" "$tandem" device reboot --device "$dir/dev" && \
  check "the reboot installs v2 on both cores and runs it on trial" \
    grep -q "^bootloader: installed set 2.0.0+1 on both cores.*on trial" "$dir/out" && \
  check "the healthy application confirms v2" grep -q "^application: both cores healthy: set confirmed" "$dir/out" && \
  check "install progress is shown per core" \
    bash -c "grep -q 'writing app image: 100%' '$dir/out' && grep -q 'writing net image: 100%' '$dir/out'"
check "status: v2 in both slots and running on both cores, confirmed, counter 2" \
  [ "$(field 'd["images"]["app"]["set"], d["images"]["net"]["set"], d["running"]["app"]["version"], d["running"]["net"]["version"], d["boot"]["last"], d["counter"]["value"]')" \
    = "v2 v2 2.0.0+1 2.0.0+1 confirmed 2" ]
expect_error "confirm with nothing on trial is refused" 1 "$tandem" device confirm --device "$dir/dev"

# --- v3 crashes on trial: the next power-on restores v2 on both cores and rejects v3 for good ---
run "stage v3" "$tandem" device stage --device "$dir/dev" "$dir/v3.tdm"
run "reboot until stable" "$tandem" device reboot --device "$dir/dev" --until-stable && \
  check "v3 runs on trial and crashes" grep -q "^power-on 1: application: crashed" "$dir/out" && \
  check "the next power-on rolls back to v2" \
    grep -q "^power-on 2: bootloader: .*rejected, set 2.0.0+1 restored on both cores" "$dir/out"
check "status: v2 on both cores, v3 rejected, counter still 2" \
  [ "$(field 'd["images"]["app"]["set"], d["images"]["net"]["set"], d["boot"]["last"], d["boot"]["rejected"], d["counter"]["value"]')" \
    = "v2 v2 rejected 1 2" ]
expect_error "a rejected package cannot be staged again" 1 "$tandem" device stage --device "$dir/dev" "$dir/v3.tdm"

# --- a power cut in the middle of the install of v4; the next power-on finishes it ---
run "stage v4" "$tandem" device stage --device "$dir/dev" "$dir/v4.tdm"
run "reboot with a torn cut" "$tandem" device reboot --device "$dir/dev" --cut-at 25 --torn && \
  check "the cut is reported and leaves the device off" grep -q "^power cut after 25 flash operations" "$dir/out"
check "status after the cut: the install is under way" [ "$(field 'd["boot"]["phase"]')" = "install" ]
run "reboot after the cut" "$tandem" device reboot --device "$dir/dev" && \
  check "the power-on after the cut completes v4 and confirms it" \
    grep -q "^running: app 4.0.0+1 (set v4), net 4.0.0+1 (set v4)" "$dir/out"

# --- confirmation by hand: the power fails right after v5 started, before its health check ---
run "stage v5" "$tandem" device stage --device "$dir/dev" "$dir/v5.tdm"
run "reboot, cut after start" "$tandem" device reboot --device "$dir/dev" --cut-after-start
check "v5 is left on trial, unconfirmed" [ "$(field 'd["boot"]["phase"], d["counter"]["value"]')" = "trial 4" ]
run "confirm by hand" "$tandem" device confirm --device "$dir/dev" && \
  check "confirm makes v5 the installed set and advances the counter" \
    [ "$(field 'd["boot"]["phase"], d["boot"]["last"], d["boot"]["installed_version"], d["counter"]["value"]')" \
      = "idle confirmed 5.0.0+1 5" ]
run "reboot after confirm" "$tandem" device reboot --device "$dir/dev" && \
  check "the confirmed v5 boots with nothing to install" \
    bash -c "grep -q '^bootloader: nothing to install' '$dir/out' && grep -q 'set v5), net 5.0.0+1 (set v5)' '$dir/out'"

"$tandem" device status --device "$dir/dev" >/dev/null
check "no application start ever saw a mixed set (status exit 0)" [ $? -eq 0 ]
check "status says 0 mixed starts" [ "$(field 'd["mixed_starts"]')" = "0" ]

# --- errors: one line each, exit 1 refused / 2 usage or I/O ---
expect_error "reboot of a missing device" 2 "$tandem" device reboot --device "$dir/nope"
expect_error "confirm on a missing device" 2 "$tandem" device confirm --device "$dir/nope"
expect_error "provision with a file that is not a key" 2 "$tandem" device provision --device "$dir/dev" \
  --app "$dir/app1.img" --net "$dir/net1.img" --key "$dir/app1.bin"
expect_error "provision with a raw binary instead of an MCUboot image" 2 "$tandem" device provision \
  --device "$dir/dev" --app "$dir/app1.bin" --net "$dir/net1.img"
expect_error "a package signed with another key is refused" 1 "$tandem" device stage --device "$dir/dev" \
  "$dir/v2.tdm" --key "$dir/other.pub.pem"
expect_error "a downgrade is refused at stage" 1 "$tandem" device stage --device "$dir/dev" "$dir/v2.tdm"
run "create a blank device" "$tandem" device create --device "$dir/blank" --part W25N-SMALL
expect_error "a blank device has no trusted key" 2 "$tandem" device reboot --device "$dir/blank"
cp "$dir/k.pub.pem" "$dir/blank/trusted_key.pem"
expect_error "a device with nothing in flash cannot boot" 1 "$tandem" device reboot --device "$dir/blank"
expect_error "--torn without --cut-at" 2 "$tandem" device reboot --device "$dir/dev" --torn
expect_error "fw make: unknown behaviour" 2 "$tandem" fw make --core app --set x --version 1.0.0 \
  --behavior sulk -o "$dir/x.bin"
expect_error "fw make: missing -o" 2 "$tandem" fw make --core app --set x --version 1.0.0

finish
