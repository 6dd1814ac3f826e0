#!/usr/bin/env bash
# `tandem device fetch` from the command line against the real nginx rig (TDM_RIG_DIR, a CTest fixture):
# a package fetched over HTTPS becomes PENDING and installs at the next reboot; a wrong host name, an
# unknown CA, an expired certificate, a missing file, a redirect to http://, a plain-http URL and a package
# signed with another key are refused with one line on stderr that says why, a non-zero exit, and nothing
# pending; a stalling or busy server gets one line per retry and per wait; "(HTTP Range)" is claimed only
# when a Range request was answered 206. Usage: device_fetch_cli_test.sh PATH/TO/tandem
set -u
tandem=$1
. "${TDM_RIG_DIR:?needs the nginx rig fixture}/rig.env"
replay="TDM_RIG_DIR=$TDM_RIG_DIR bash $0 $tandem"
. "$(dirname "$0")/../tools/cli_lib.sh"
trap 'rm -rf "$dir" "$www"/cli-$$-*.tdm' EXIT
phase() { "$tandem" device status --device "$dir/dev" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["boot"]["phase"])'; }

# refused NAME WHY FETCH-ARGS...: exit non-zero, one line "tandem: ..." on stderr that contains WHY, nothing pending
refused() {
  local name=$1 why=$2; shift 2
  "$tandem" device fetch "$@" --device "$dir/dev" >"$dir/out" 2>"$dir/err"; local rc=$?
  if [ $rc -ne 0 ] && [ "$(wc -l <"$dir/err")" -eq 1 ] && grep -q '^tandem: device fetch: ' "$dir/err" \
     && grep -qF -- "$why" "$dir/err" && [ "$(phase)" = idle ]; then
    ok "$name ($(cut -c1-150 "$dir/err"))"
  else bad "$name (exit $rc, phase $(phase), wanted '$why', stderr: $(head -c 300 "$dir/err"))"; fi
}
fault() { printf '# cli %s %s\n%s\n' "$$" "$RANDOM" "$1" >"$control"; }
lines() { grep -c -- "$1" "$dir/out" || true; }

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

refused "a host name that does not match the certificate" "(host-name mismatch)" "https://127.0.0.1:$wronghost_port/cli-$$-v2.tdm" --ca "$ca"
refused "a certificate from an untrusted CA" "(unknown CA)" "https://127.0.0.1:$otherca_port/cli-$$-v2.tdm" --ca "$ca"
refused "an expired certificate" "TLS: the server's certificate has expired" "https://127.0.0.1:$expired_port/cli-$$-v2.tdm" --ca "$ca"
refused "a missing file (404)" "the server answered 404 Not Found" "https://127.0.0.1:$main_port/cli-$$-none.tdm" --ca "$ca"
refused "a redirect to http:// names its target" "redirected to http://127.0.0.1:$main_port/pkg.bin" "https://127.0.0.1:$main_port/redirect/http" --ca "$ca"
refused "a plain-http URL" "not an https:// URL" "http://127.0.0.1:$main_port/cli-$$-v2.tdm" --ca "$ca"
refused "a package signed with another key" "signed with an unknown key" "https://127.0.0.1:$main_port/cli-$$-vx.tdm" --ca "$ca"

# A server that always stalls: a line for every failed attempt (why, and the wait) and every retry.
fault "stall@0+60000"
refused "a server that always stalls is given up after --attempts" "gave up after 3 attempt(s)" \
  "https://127.0.0.1:$proxy_port/cli-$$-v2.tdm" --ca "$ca" --attempts 3 --low-speed-time 300
fault "pass"
if [ "$(lines 'failed: no data for 300 ms (the transfer stalled); next attempt in')" -eq 2 ] \
   && [ "$(lines 'fetch: attempt [23]: asking for the whole file')" -eq 2 ]; then ok "a line per stall, wait and retry"
else bad "stall lines: $(cat "$dir/out")"; fi
# A busy server: its Retry-After is shown with the wait.
refused "a server that is always busy" "last: the server answered 503 Service Unavailable" \
  "https://127.0.0.1:$main_port/liar/always503-1/cli-$$-v2.tdm" --ca "$ca" --attempts 2
if [ "$(lines 'attempt 1 failed: the server answered 503 Service Unavailable; next attempt in 1.0 s (the server asked for 1 s)')" -eq 1 ]; then
  ok "the wait says what the server's Retry-After asked for"
else bad "Retry-After line: $(cat "$dir/out")"; fi

# A drop where the server ignores Range: restarted from byte 0, never called a Range resume.
"$tandem" device create --device "$dir/nr" --part W25N-SMALL --key "$dir/k.pub.pem" >/dev/null
mkdir -p "$www/norange"; cp "$dir/v2.tdm" "$www/norange/cli-$$-v2.tdm"
fault "close@30000 pass"
"$tandem" device fetch "https://127.0.0.1:$proxy_port/norange/cli-$$-v2.tdm" --device "$dir/nr" --ca "$ca" >"$dir/out" 2>&1
fault "pass"
if grep -q 'PENDING' "$dir/out" && grep -q 'restarted from byte 0 1 time' "$dir/out" \
   && grep -q 'attempt 2: asking for the rest from byte' "$dir/out" && ! grep -q 'went on from byte' "$dir/out"; then
  ok "a drop on a server that ignores Range is reported as a restart, not a Range resume"
else bad "norange drop: $(cat "$dir/out")"; fi

fault "close@30000 pass"
if "$tandem" device fetch "https://127.0.0.1:$proxy_port/cli-$$-v2.tdm" --device "$dir/dev" --ca "$ca" >"$dir/out" 2>&1 \
   && grep -q 'PENDING' "$dir/out" && [ "$(phase)" = pending ] \
   && grep -Eq 'went on from byte [1-9][0-9]* \(HTTP Range\)' "$dir/out"; then
  ok "a good package over HTTPS, dropped once, resumes with Range and becomes PENDING"
else bad "fetch v2: $(tail -5 "$dir/out")"; fi
fault "pass"
if "$tandem" device reboot --device "$dir/dev" >"$dir/out" 2>&1 && grep -q 'confirmed' "$dir/out" && [ "$(phase)" = idle ] \
   && "$tandem" device status --device "$dir/dev" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d["boot"]["last"]=="confirmed" else 1)'; then
  ok "the next reboot installs it on both cores and the application confirms it"
else bad "reboot after fetch: $(tail -4 "$dir/out")"; fi

finish
