#!/usr/bin/env bash
# make campaign: the full power-cut campaign over the whole update story on the simulated nRF5340
# (fetch, stage, install, trial, confirm, fetch, install, trial, rollback), on the power-cut runner
# (sim/cutrun.h, `tandem campaign`): a cut at every mutating operation of every flash, before and torn;
# second cuts at every operation of the recovery of a seeded sample of first cuts; once on a clean chip
# and once with 20 factory bad blocks, grown bad blocks and bit flips, and a rollback with those faults.
# Prints the totals (and the replay command of every failure); exits 1 on any failure.
# Writes results/campaign.txt. Usage: scripts/campaign.sh [BUILD_DIR]
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
tandem="$build/tools/tandem"
out=${TDM_RESULTS:-results}
mkdir -p "$out"
log="$out/campaign.txt"
: >"$log"
doubles=${TDM_CAMPAIGN_DOUBLES:-40}
status=0
run() {
  echo "== tandem campaign $*" | tee -a "$log"
  "$tandem" campaign --full "$@" | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
}
start=$(date +%s)
run --case "device: a cut anywhere in the whole story, from fetch to rollback, is survived" --seconds "$doubles"
run --case "device: the whole story with bad blocks, grown bad blocks and bit flips" --seconds "$((doubles / 2))" --seed 2
run --case "device: a rollback with bad blocks, grown bad blocks and bit flips" --seconds 20 --seed 3
awk '/^(ok|FAIL) .* ops [0-9]+ cuts /{for(i=1;i<=NF;i++){if($i=="cuts")c+=$(i+1); if($i=="second")d+=$(i+1); if($i=="failures")f+=$(i+1)}}
     /^campaign devices:/{for(i=1;i<=NF;i++){if($i=="mixed_boots")m+=$(i+1); if($i=="bricked")b+=$(i+1)}}
     END{printf "campaign total: cuts %d double %d mixed_boots %d bricked %d failures %d\n", c, d, m, b, f}' "$log" | tee -a "$log"
echo "campaign: $(( $(date +%s) - start )) s, log in $log"
exit $status
