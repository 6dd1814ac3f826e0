#!/usr/bin/env bash
# `tandem device fetch` from the command line against the real nginx rig (TDM_RIG_DIR, a CTest fixture):
# a package fetched over HTTPS becomes PENDING and installs at the next reboot; a wrong host name, a
# missing file, a plain-http URL and a package signed with another key are refused with one line on
# stderr and a non-zero exit, and leave nothing pending. Usage: device_fetch_cli_test.sh PATH/TO/tandem
set -u
tandem=$1
. "${TDM_RIG_DIR:?needs the nginx rig fixture}/rig.env"
replay="TDM_RIG_DIR=$TDM_RIG_DIR bash $0 $tandem"
. "$(dirname "$0")/../tools/cli_lib.sh"
trap 'rm -rf "$dir" "$www"/cli-$$-*.tdm' EXIT
phase() { "$tandem" device status --device "$dir/dev" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["boot"]["phase"])'; }

# refused FETCH-ARGS...: exit non-zero, one line "tandem: ..." on stderr, nothing pending
refused() {
  local name=$1; shift
  "$tandem" device fetch "$@" --device "$dir/dev" >"$dir/out" 2>"$dir/err"; local rc=$?
  if [ $rc -ne 0 ] && [ "$(wc -l <"$dir/err")" -eq 1 ] && grep -q '^tandem: device fetch: ' "$dir/err" && [ "$(phase)" = idle ]; then
    ok "$name ($(cut -c1-90 "$dir/err"))"
  else bad "$name (exit $rc, phase $(phase), stderr: $(head -c 200 "$dir/err"))"; fi
}

"$tandem" keygen -o "$dir/k.pem" --pub "$dir/k.pub.pem" >/dev/null
"$tandem" keygen -o "$dir/other.pem" --pub "$dir/other.pub.pem" >/dev/null
mkset() { # ID VERSION COUNTER KEY
  for c in app net; do
    "$tandem" fw make --core $c --set "$1" --version "$2" --size 20000 -o "$dir/$c-$1.bin" >/dev/null
    "$tandem" wrap --key "$4" --version "$2" --counter "$3" "$dir/$c-$1.bin" -o "$dir/$c-$1.img" >/dev/null
  done
  "$tandem" pack --key "$4" --app "$dir/app-$1.img" --net "$dir/net-$1.img" --version "$2" --counter "$3" -o "$dir/$1.tdm" >/dev/null
}
mkset v1 1.0.0 1 "$dir/k.pem"; mkset v2 2.0.0 2 "$dir/k.pem"; mkset vx 2.5.0 3 "$dir/other.pem"
cp "$dir/v2.tdm" "$www/cli-$$-v2.tdm"; cp "$dir/vx.tdm" "$www/cli-$$-vx.tdm"
"$tandem" device create --device "$dir/dev" --part W25N-SMALL --key "$dir/k.pub.pem" >/dev/null
"$tandem" device provision --device "$dir/dev" --app "$dir/app-v1.img" --net "$dir/net-v1.img" >/dev/null
"$tandem" device reboot --device "$dir/dev" >/dev/null

refused "a host name that does not match the certificate" "https://127.0.0.1:$wronghost_port/cli-$$-v2.tdm" --ca "$ca"
refused "a certificate from an untrusted CA" "https://127.0.0.1:$otherca_port/cli-$$-v2.tdm" --ca "$ca"
refused "a missing file (404)" "https://127.0.0.1:$main_port/cli-$$-none.tdm" --ca "$ca"
refused "a plain-http URL" "http://127.0.0.1:$main_port/cli-$$-v2.tdm" --ca "$ca"
refused "a package signed with another key" "https://127.0.0.1:$main_port/cli-$$-vx.tdm" --ca "$ca"

if "$tandem" device fetch "https://127.0.0.1:$main_port/cli-$$-v2.tdm" --device "$dir/dev" --ca "$ca" >"$dir/out" 2>&1 \
   && grep -q 'PENDING' "$dir/out" && [ "$(phase)" = pending ]; then ok "a good package over HTTPS becomes PENDING"
else bad "fetch v2: $(tail -3 "$dir/out")"; fi
if "$tandem" device reboot --device "$dir/dev" >"$dir/out" 2>&1 && grep -q 'confirmed' "$dir/out" && [ "$(phase)" = idle ] \
   && "$tandem" device status --device "$dir/dev" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d["boot"]["last"]=="confirmed" else 1)'; then
  ok "the next reboot installs it on both cores and the application confirms it"
else bad "reboot after fetch: $(tail -4 "$dir/out")"; fi

finish
