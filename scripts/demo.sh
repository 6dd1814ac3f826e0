#!/usr/bin/env bash
# The main job (`make demo`, usage: demo.sh BUILD_DIR): the update story of a simulated nRF5340 with a
# W25N01GV SPI NAND, through the `tandem` CLI only. It makes a signing key, three synthetic firmware sets
# (v1, v2, v3, then the fix v3.1; each image carries a visible version line), packs the updates, serves
# them from nginx with HTTPS on loopback (tests/fetch/nginx_rig.sh: a throwaway CA, and the fault proxy
# tdm_proxy in front), provisions a device with v1, then:
#   fetch v2 with a dropped connection (resume), install on both cores, trial, confirmed;
#   fetch v3 whose network image fails its health check: rollback of both cores to v2, v3 rejected;
#   fetch v3.1 and cut the power in the middle of the two-core install: recovery, v3.1 on both cores;
#   fetch v3.2 as a delta package against the installed v3.1 (rebuilt into NAND on the way in), install.
# Every step is checked (the command's output, `tandem device status --json`); the script exits non-zero
# when one does not end as told. It ends with a table per phase (simulated time, NAND pages read and
# programmed, internal-flash pages erased) and writes two pictures into the results folder
# (TDM_RESULTS, default results/): timeline.svg and nand-map.svg. nginx and the proxy are stopped by a
# trap, also on failure.
# Owns: RESULTS/demo-work (deleted and made again at each run), RESULTS/*.svg, RESULTS/demo-*.txt.
# Never: touches anything else, leaves a server running.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$build" && pwd)
tandem="$bin/tools/tandem"
out=${TDM_RESULTS:-results}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work="$out/demo-work"
rm -rf "$work"
mkdir -p "$work"
dev="$work/dev" rig="$work/rig" fw="$work/fw" tl="$out/timeline.log"
mkdir -p "$fw"
: >"$tl"
: >"$work/phases.tsv"
wall0=$(date +%s%N)
[ -x "$tandem" ] || { echo "demo: $tandem not built (make build)" >&2; exit 2; }
[ -x "$bin/tests/fetch/tdm_proxy" ] || { echo "demo: $bin/tests/fetch/tdm_proxy not built" >&2; exit 2; }

cleanup() {
  bash "$root/tests/fetch/nginx_rig.sh" stop "$rig" >/dev/null 2>&1 || true
  rm -rf "$work/probe"
}
trap cleanup EXIT
fail() { printf 'demo: FAILED: %s\n' "$*" >&2; exit 1; }

# --- what the device says -------------------------------------------------------------------------------
status_json() { "$tandem" device status --device "${1:-$dev}" --json; }
field() { status_json | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
clock_ns() { field 'd["clock_ns"]'; }
secs() { python3 -c "print('%.3f' % ($1 / 1e9))"; }
say() { printf '[%9s s] %s\n' "$(secs "$(clock_ns)")" "$*"; }  # a story line, stamped with the device clock
note() { printf '              %s\n' "$*"; }                     # a line before the device exists
expect() { # FILE REGEX WHAT: the output must match
  grep -Eq -- "$2" "$1" || { sed 's/^/      | /' "$1" >&2; fail "$3"; }
}
expect_field() { # EXPR VALUE WHAT: a status field must have this value
  local got
  got=$(field "$1")
  [ "$got" = "$2" ] || fail "$3 (status: $1 = '$got', want '$2')"
}

# Show a command's output, indented; the install progress lines become one bar per core.
show() {
  python3 - "$1" <<'EOF'
import re, sys
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    m = re.match(r"\s*writing (app|net) image: (\d+)% \((\d+) of (\d+) bytes\) at ([\d.]+) s", line)
    if m:
        core, pct, done, total, t = m.groups()
        fill = int(pct) * 30 // 100
        print("      %s core [%s%s] %3s%%  %7s/%s bytes  at %s s" %
              (core, "#" * fill, "." * (30 - fill), pct, done, total, t))
    elif line.startswith("fetch: ") and "waiting to retry" not in line:
        continue  # progress lines of the download: the summary lines below say what happened
    else:
        print("      " + line)
EOF
}
run() { # OUTFILE CMD...: run, keep stdout+stderr in OUTFILE, fail on a non-zero exit
  local o=$1; shift
  if ! "$@" >"$o" 2>&1; then
    sed 's/^/      | /' "$o" >&2
    fail "'${*##*/}' exited non-zero"
  fi
}

# --- phases: counters before and after, for the summary table --------------------------------------------
phase_begin() { status_json >"$work/snap-$1-a.json"; }
phase_end() { # NAME LABEL
  status_json >"$work/snap-$1-b.json"
  printf '%s\t%s\n' "$1" "$2" >>"$work/phases.tsv"
}
# The timeline (tools/svg.h format): a reboot's output becomes bars per core on the device clock.
reboot_bars() { # OUTFILE START_NS END_NS VERSION [KIND of the writes: install | recover]
  python3 - "$@" >>"$tl" <<'EOF'
import re, sys
path, t_start, t_end, ver = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
install_kind = sys.argv[5] if len(sys.argv) > 5 else "install"
ns = lambda s: int(round(float(s) * 1e9))
boots, cur = [], None
for line in open(path):
    m = re.match(r"\s*writing (app|net) image: \d+% \((\d+) of (\d+) bytes\) at ([\d.]+) s", line)
    if m:
        if cur is None:
            cur = {"writes": {}, "boot": None}
            boots.append(cur)
        cur["writes"].setdefault(m.group(1), []).append((int(m.group(2)), int(m.group(3)), ns(m.group(4))))
        continue
    line = re.sub(r"^power-on \d+: ", "", line.strip())
    if line.startswith("bootloader: "):
        if cur is None or cur["boot"] is not None:
            cur = {"writes": {}, "boot": None}
            boots.append(cur)
        cur["boot"] = line
        cur["boot_ns"] = ns(re.search(r"; ([\d.]+) s$", line).group(1))
    elif line.startswith("application: ") and cur is not None:
        cur["app"] = line
        cur["app_ns"] = ns(re.search(r"; ([\d.]+) s$", line).group(1))
        cur = None
    elif line.startswith("power cut"):
        if cur is None:
            cur = {"writes": {}, "boot": None}
            boots.append(cur)
        cur["cut"] = True
        cur = None
t = t_start
for b in boots:
    boot = b.get("boot") or ""
    kind = "rollback" if "rejected" in boot else install_kind
    first = t
    spans = {}
    for core, pts in b["writes"].items():
        d1, total, t1 = pts[0]
        dl, _, tl = pts[-1]
        s = t1 - (tl - t1) * d1 // max(dl - d1, 1) if len(pts) > 1 else t1
        spans[core] = (max(s, t), tl)
    if "app" in spans and "net" in spans and spans["net"][0] < spans["app"][1]:
        spans["net"] = (spans["app"][1], spans["net"][1])  # the net image goes after the app image
    if spans:
        lead = min(s for s, _ in spans.values())
        print("bar nand %d %d %s %s" % (t, lead, "capture" if "captured" in boot else "verify",
                                         "verify" if "captured" not in boot else "verify + capture"))
        for core, (s, e) in spans.items():
            what = ("restore %s" % re.search(r"set (\S+) restored", boot).group(1)) if kind == "rollback" \
                else "write %s image %s" % (core, ver)
            print("bar %s %d %d %s %s" % (core, s, e, kind, what))
        last = max(e for _, e in spans.values())
    else:
        last = t
    if b.get("cut"):
        print("mark %d cut power cut (net install)" % last)
        t = t_end
        continue
    boot_end = t + b["boot_ns"]
    if boot_end > last:
        print("bar nand %d %d verify %s" % (last, boot_end, "verify, journal" if spans else "boot"))
    app_end = boot_end + b["app_ns"]
    app = b.get("app", "")
    if "confirmed" in app:
        for core in ("app", "net"):
            print("bar %s %d %d trial trial: healthy, confirmed" % (core, boot_end, app_end))
    elif "network core failed" in app:
        print("bar app %d %d trial trial" % (boot_end, app_end))
        print("bar net %d %d fail health check fails" % (boot_end, app_end))
    else:
        for core in ("app", "net"):
            print("bar %s %d %d run runs" % (core, boot_end, app_end))
    t = app_end
EOF
}

# ==== 1. keys, firmware, packages ==========================================================================
echo "== tandem demo: a two-core update from HTTPS into SPI NAND, on a simulated nRF5340 + W25N01GV"
echo "-- setup (host side; the device clock starts when the device is created)"
run "$work/out" "$tandem" keygen -o "$work/signing.pem" --pub "$work/signing.pub.pem"
note "signing key: ECDSA P-256 $(grep 'key id' "$work/out" | awk '{print $3}' | cut -c1-16)..."
# make_set ID VERSION COUNTER APP_BEHAVIOR NET_BEHAVIOR
make_set() {
  local id=$1 v=$2 n=$3 c b size
  for c in app net; do
    b=$4; size=200000
    [ $c = net ] && b=$5 && size=100000
    run "$work/out" "$tandem" fw make --core $c --set "$id" --version "$v" --behavior "$b" --size $size \
      --seed "$n" -o "$fw/$c-$id.bin"
    run "$work/out" "$tandem" wrap --key "$work/signing.pem" --version "$v" --counter "$n" "$fw/$c-$id.bin" \
      -o "$fw/$c-$id.img"
  done
  note "firmware $id: $(head -n1 "$fw/app-$id.bin" | tr -d '\0') | $(head -n1 "$fw/net-$id.bin" | tr -d '\0')"
}
make_set v1 1.0.0+1 1 healthy healthy
make_set v2 2.0.0+1 2 healthy healthy
make_set v3 3.0.0+1 3 healthy netfail
make_set v3.1 3.1.0+1 3 healthy healthy
make_set v3.2 3.2.0+1 3 healthy healthy
for id in v2 v3 v3.1; do
  v=$(head -n1 "$fw/app-$id.bin" | sed 's/.*version=\([^ ]*\).*/\1/')
  n=$([ $id = v2 ] && echo 2 || echo 3)
  run "$work/out" "$tandem" pack --key "$work/signing.pem" --app "$fw/app-$id.img" --net "$fw/net-$id.img" \
    --version "$v" --counter $n -o "$work/$id.tdm"
  note "package $(cat "$work/out")"
done

# v3.2 as a delta against the v3.1 package (what the device will have installed), the full package beside it.
run "$work/out" "$tandem" pack --key "$work/signing.pem" --app "$fw/app-v3.2.img" --net "$fw/net-v3.2.img" \
  --version 3.2.0+1 --counter 3 --base "$work/v3.1.tdm" -o "$work/v3.2.tdmx" --full-out "$work/v3.2.tdm"
note "package $(head -n1 "$work/out")"

bash "$root/tests/fetch/nginx_rig.sh" start "$rig" "$bin/tests/fetch" >"$work/out" 2>&1 || { cat "$work/out" >&2; fail "nginx did not start"; }
# shellcheck disable=SC1091
. "$rig/rig.env"
cp "$work/v2.tdm" "$work/v3.tdm" "$work/v3.1.tdm" "$work/v3.2.tdmx" "$work/v3.2.tdm" "$www/"
note "nginx: HTTPS on 127.0.0.1:$main_port (throwaway CA $(basename "$ca")), fault proxy on :$proxy_port"

# ==== 2. the device ========================================================================================
run "$work/out" "$tandem" device create --device "$dev" --bad-blocks 20 --seed 8 --key "$work/signing.pub.pem"
say "device created: nRF5340 (app flash 1 MB, net flash 256 KB), W25N01GV NAND with 20 factory bad blocks"
phase_begin provision
run "$work/out" "$tandem" device provision --device "$dev" --app "$fw/app-v1.img" --net "$fw/net-v1.img"
say "provisioned with v1 at the factory: both internal-flash slots programmed, NAND store formatted"
t0=$(clock_ns)
run "$work/out" "$tandem" device reboot --device "$dev"
show "$work/out"
expect "$work/out" '^running: app 1\.0\.0\+1 \(set v1\), net 1\.0\.0\+1 \(set v1\)' "v1 does not run on both cores"
reboot_bars "$work/out" "$t0" "$(clock_ns)" v1
phase_end provision "provision v1, first boot"
say "v1 runs on both cores"

# ==== 3. fetch v2 through a connection that drops half way =================================================
echo "-- v2: fetch with a dropped connection, verify, PENDING, reboot, install, trial, CONFIRMED"
size2=$(stat -c %s "$work/v2.tdm")
printf '# demo %s\nclose@%d pass\n' "$$" $((size2 / 2)) >"$control"
phase_begin fetch2
t0=$(clock_ns) span2=$t0
say "fetch https://127.0.0.1:$proxy_port/v2.tdm ($size2 bytes); the proxy drops the connection after $((size2 / 2)) bytes"
run "$work/out" "$tandem" device fetch "https://127.0.0.1:$proxy_port/v2.tdm" --device "$dev" --ca "$ca"
show "$work/out"
expect "$work/out" 'last error' "the connection was not dropped"
expect "$work/out" '^fetched .*v2\.tdm: [0-9]+ bytes in slot [AB], set 2\.0\.0\+1' "v2 was not fetched"
expect "$work/out" 'after 1 failed attempt\(s\) the download went on from byte [1-9][0-9]* \(HTTP Range\); [0-9]+ bytes fetched twice' \
  "the download did not resume after the drop"
resume=$(sed -n 's/.*went on from byte \([0-9]*\).*/\1/p' "$work/out")
twice=$(sed -n 's/.* \([0-9]*\) bytes fetched twice/\1/p' "$work/out")
grep -q "\"GET /v2.tdm HTTP/1.1\" 206 .*range=\"bytes=$resume-\"" "$rig/access.log" || fail "nginx saw no Range request from byte $resume"
note "nginx access log: $(grep -c '/v2.tdm' "$rig/access.log") requests for v2.tdm; the second asks Range: bytes=$resume-"
expect_field 'd["boot"]["phase"]' pending "v2 is not PENDING"
echo "bar nand $t0 $(clock_ns) fetch fetch v2" >>"$tl"
phase_end fetch2 "fetch v2 (drop, resume)"
say "v2 verified on the device (signature, digests, counter, hardware id): PENDING; dropped at byte $resume, resumed there, $twice bytes fetched twice"

phase_begin install2
t0=$(clock_ns)
say "reboot: the bootloader verifies v2 again from NAND and installs it on both cores"
run "$work/out" "$tandem" device reboot --device "$dev"
show "$work/out"
expect "$work/out" '^bootloader: installed set 2\.0\.0\+1 on both cores.*on trial' "v2 was not installed on trial"
expect "$work/out" 'writing app image: 100%' "no app-core progress"
expect "$work/out" 'writing net image: 100%' "no net-core progress"
expect "$work/out" '^application: both cores healthy: set confirmed' "v2 was not confirmed"
expect_field 'd["running"]["app"]["version"], d["running"]["net"]["version"], d["boot"]["last"]' \
  "2.0.0+1 2.0.0+1 confirmed" "v2 does not run confirmed on both cores"
reboot_bars "$work/out" "$t0" "$(clock_ns)" v2
phase_end install2 "install v2: TRIAL, CONFIRMED"
echo "span $span2 $(clock_ns) v2: drop, resume, install, confirmed" >>"$tl"
say "TRIAL -> both cores healthy -> CONFIRMED: v2 runs on both cores (security counter $(field 'd["counter"]["value"]'))"

# ==== 4. v3: the network image fails its health check ======================================================
echo "-- v3: the network image fails its health check: rollback of both cores"
phase_begin fetch3
t0=$(clock_ns)
run "$work/out" "$tandem" device fetch "https://127.0.0.1:$main_port/v3.tdm" --device "$dev" --ca "$ca"
show "$work/out"
expect "$work/out" '^fetched .*set 3\.0\.0\+1' "v3 was not fetched"
expect_field 'd["boot"]["phase"]' pending "v3 is not PENDING"
echo "bar nand $t0 $(clock_ns) fetch fetch v3" >>"$tl"
phase_end fetch3 "fetch v3"
say "v3 fetched and verified: PENDING"
span3=$t0
phase_begin install3
t0=$(clock_ns)
say "reboot until stable: install v3, trial ..."
run "$work/out" "$tandem" device reboot --device "$dev" --until-stable
show "$work/out"
expect "$work/out" '^power-on 1: bootloader: installed set 3\.0\.0\+1 on both cores.*on trial' "v3 was not installed on trial"
expect "$work/out" '^power-on 1: application: the network core failed its health check' "v3's net core did not fail"
expect "$work/out" '^power-on 2: bootloader: .*rejected, set 2\.0\.0\+1 restored on both cores' "no rollback to v2"
expect_field 'd["running"]["app"]["version"], d["running"]["net"]["version"], d["boot"]["last"], d["boot"]["rejected"], d["counter"]["value"]' \
  "2.0.0+1 2.0.0+1 rejected 1 2" "the device is not back on v2 with v3 rejected"
reboot_bars "$work/out" "$t0" "$(clock_ns)" v3
rc=0; "$tandem" device stage --device "$dev" "$work/v3.tdm" >"$work/out" 2>&1 || rc=$?
[ $rc = 1 ] && grep -qi 'rejected' "$work/out" || { cat "$work/out" >&2; fail "the rejected v3 was not refused (exit $rc)"; }
note "staging v3 again: $(cat "$work/out")"
phase_end install3 "v3: net fails, rollback"
echo "span $span3 $(clock_ns) v3: net core unhealthy, rollback" >>"$tl"
say "automatic rollback: v2 restored on both cores, v3 rejected (it cannot be staged again); counter still 2"

# ==== 5. v3.1: a power cut in the middle of the two-core install =============================================
echo "-- v3.1 (the fix): a power cut in the middle of the install (both cores writing), recovery"
phase_begin fetch31
t0=$(clock_ns)
run "$work/out" "$tandem" device fetch "https://127.0.0.1:$main_port/v3.1.tdm" --device "$dev" --ca "$ca"
show "$work/out"
expect "$work/out" '^fetched .*set 3\.1\.0\+1' "v3.1 was not fetched"
expect_field 'd["boot"]["phase"]' pending "v3.1 is not PENDING"
echo "bar nand $t0 $(clock_ns) fetch fetch v3.1" >>"$tl"
phase_end fetch31 "fetch v3.1"
say "v3.1 fetched and verified: PENDING"
span31=$t0

# Where is the middle of the install? Both cores write at once (step app copies both images), so count the
# flash operations of a whole install on a copy of the device, then probe cut points on fresh copies until
# one lands while the network core's image is between 30 % and 75 % written.
cp -r "$dev" "$work/probe"
ops_a=$(field 'd["ops"]')
"$tandem" device reboot --device "$work/probe" >/dev/null
total=$(( $(status_json "$work/probe" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ops"])') - ops_a ))
lo=1 hi=$total cut=$((total * 3 / 4)) found=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
  rm -rf "$work/probe"; cp -r "$dev" "$work/probe"
  "$tandem" device reboot --device "$work/probe" --cut-at $cut --torn >"$work/probe.out" 2>&1 || true
  step=$(status_json "$work/probe" | python3 -c 'import json,sys; d=json.load(sys.stdin)["boot"]; print(d["phase"], d["step"])')
  if [ "$step" = "install app" ] && grep -q 'writing net image' "$work/probe.out"; then
    pct=$(grep 'writing net image' "$work/probe.out" | tail -1 | sed 's/.*: \([0-9]*\)%.*/\1/')
    if [ "$pct" -lt 30 ]; then lo=$cut; elif [ "$pct" -gt 75 ]; then hi=$cut; else found=1; break; fi
  elif [ "$step" = "install app" ] || [ "$step" = "install capture" ]; then lo=$cut
  else hi=$cut
  fi
  cut=$(( (lo + hi) / 2 ))
done
rm -rf "$work/probe"
[ $found = 1 ] || fail "found no cut point inside the network-core install (of $total operations)"
note "(a whole install is $total flash operations on this device; operation $cut falls inside the net-core write)"

phase_begin cut31
t0=$(clock_ns)
say "reboot: install v3.1 ... and the power fails at flash operation $cut (torn) while both cores write"
run "$work/out" "$tandem" device reboot --device "$dev" --cut-at $cut --torn
show "$work/out"
expect "$work/out" "^power cut after $cut flash operations" "the power was not cut"
expect "$work/out" 'writing net image' "the cut did not fall in the network-core install"
expect_field 'd["boot"]["phase"], d["boot"]["step"]' "install app" "the cut did not leave the install in its copy step"
expect_field 'd["images"]["net"] and d["images"]["net"]["set"]' "None" \
  "after the cut the net slot should hold no intact image"
reboot_bars "$work/out" "$t0" "$(clock_ns)" v3.1
phase_end cut31 "install v3.1, power cut"
say "the device is off: both cores hold half-written images; the journal says: install, step app (both cores copy in it)"

phase_begin recover31
t0=$(clock_ns)
say "power on: the bootloader resumes the journaled install"
run "$work/out" "$tandem" device reboot --device "$dev"
show "$work/out"
expect "$work/out" '^application: both cores healthy: set confirmed' "v3.1 was not confirmed after the recovery"
expect "$work/out" '^running: app 3\.1\.0\+1 \(set v3\.1\), net 3\.1\.0\+1 \(set v3\.1\)' "v3.1 does not run on both cores"
expect_field 'd["boot"]["last"], d["counter"]["value"], d["mixed_starts"]' "confirmed 3 0" \
  "v3.1 is not confirmed, or a mixed set ever started"
reboot_bars "$work/out" "$t0" "$(clock_ns)" v3.1 recover
phase_end recover31 "recovery: v3.1 CONFIRMED"
echo "span $span31 $(clock_ns) v3.1: power cut, recovery" >>"$tl"
say "recovered: v3.1 runs on both cores, CONFIRMED (security counter 3); no application start ever saw a mixed set"

# ==== 6. v3.2 as a delta update against the installed v3.1 ================================================
echo "-- v3.2: a delta update (a patch against the installed v3.1, rebuilt into NAND on the way in)"
phase_begin fetch32
t0=$(clock_ns)
dsize=$(stat -c %s "$work/v3.2.tdmx") fsize=$(stat -c %s "$work/v3.2.tdm")
say "fetch https://127.0.0.1:$main_port/v3.2.tdmx ($dsize bytes; the full package is $fsize bytes)"
run "$work/out" "$tandem" device fetch "https://127.0.0.1:$main_port/v3.2.tdmx" --device "$dev" --ca "$ca" \
  --full "https://127.0.0.1:$main_port/v3.2.tdm"
show "$work/out"
expect "$work/out" '^fetched .*set 3\.2\.0\+1' "v3.2 was not fetched"
expect "$work/out" "^  delta package: $dsize bytes downloaded for the $fsize-byte package" "v3.2 did not come as a delta"
expect_field 'd["boot"]["phase"]' pending "v3.2 is not PENDING"
echo "bar nand $t0 $(clock_ns) fetch fetch v3.2 (delta)" >>"$tl"
phase_end fetch32 "fetch v3.2 (delta)"
say "v3.2 rebuilt from v3.1 in NAND and verified like a full download: $dsize bytes downloaded instead of $fsize"
phase_begin install32
t0=$(clock_ns)
run "$work/out" "$tandem" device reboot --device "$dev"
show "$work/out"
expect "$work/out" '^application: both cores healthy: set confirmed' "v3.2 was not confirmed"
expect_field 'd["running"]["app"]["version"], d["running"]["net"]["version"], d["boot"]["last"]' \
  "3.2.0+1 3.2.0+1 confirmed" "v3.2 does not run confirmed on both cores"
reboot_bars "$work/out" "$t0" "$(clock_ns)" v3.2
phase_end install32 "install v3.2: CONFIRMED"
say "v3.2 (from the delta) runs on both cores, CONFIRMED"

# ==== 7. pictures, summary, stop the server ================================================================
echo "-- results"
"$tandem" device svg --device "$dev" --map "$out/nand-map.svg" >"$work/out" || fail "nand map"
"$tandem" device svg --timeline "$tl" --out "$out/timeline.svg" >>"$work/out" || fail "timeline"
show "$work/out"
bash "$root/tests/fetch/nginx_rig.sh" stop "$rig" >/dev/null
note "nginx and the proxy stopped"

python3 - "$work" <<'EOF' | tee "$out/demo-summary.txt"
import json, sys
work = sys.argv[1]
rows = [l.rstrip("\n").split("\t") for l in open(work + "/phases.tsv")]
def load(name, ab):
    return json.load(open("%s/snap-%s-%s.json" % (work, name, ab)))
hdr = ("phase", "sim time", "NAND reads", "NAND programs", "NAND erases", "app pages erased", "net pages erased")
print("%-30s %10s %11s %14s %12s %17s %17s" % hdr)
tot = [0] * 6
for name, label in rows:
    a, b = load(name, "a"), load(name, "b")
    sa, sb = a["stats"], b["stats"]
    v = [(b["clock_ns"] - a["clock_ns"]) / 1e9,
         sb["nand"]["pages_read"] - sa["nand"]["pages_read"],
         sb["nand"]["pages_programmed"] - sa["nand"]["pages_programmed"],
         sb["nand"]["blocks_erased"] - sa["nand"]["blocks_erased"],
         sb["app_flash"]["pages_erased"] - sa["app_flash"]["pages_erased"],
         sb["net_flash"]["pages_erased"] - sa["net_flash"]["pages_erased"]]
    tot = [x + y for x, y in zip(tot, v)]
    print("%-30s %8.3f s %11d %14d %12d %17d %17d" % (label, *v))
print("%-30s %8.3f s %11d %14d %12d %17d %17d" % ("total", *tot))
EOF
wall=$(( ($(date +%s%N) - wall0) / 1000000 ))
printf '\ndemo: ok in %d.%03d s of wall time; pictures: %s, %s; table: %s\n' $((wall / 1000)) $((wall % 1000)) \
  "$out/timeline.svg" "$out/nand-map.svg" "$out/demo-summary.txt"
