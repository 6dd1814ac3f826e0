#!/usr/bin/env bash
# make campaign: the full power-cut campaign over the whole update story on the simulated nRF5340
# (fetch, stage, install, trial, confirm, fetch, install, trial, rollback): a cut at every mutating
# operation of every flash, before and torn; second cuts at every operation of the recovery of a seeded
# sample of first cuts; once on a clean chip and once with 20 factory bad blocks, grown bad blocks and
# bit flips. Prints the totals (and the replay command of every failure); exits 1 on any failure.
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
  "$tandem" campaign "$@" | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
}
start=$(date +%s)
run --scenario story --doubles "$doubles"
run --scenario story --bad-blocks 20 --grown-bad-ppm 2000 --bitflip-ppm 5000 --doubles "$((doubles / 2))" --seed 2
run --scenario rollback --bad-blocks 20 --grown-bad-ppm 2000 --bitflip-ppm 5000 --doubles 20 --seed 3
awk '/^campaign /{for(i=1;i<=NF;i++){if($i=="cuts")c+=$(i+1); if($i=="double")d+=$(i+1); if($i=="failures")f+=$(i+1); if($i=="mixed_boots")m+=$(i+1); if($i=="bricked")b+=$(i+1)}}
     END{printf "campaign total: cuts %d double %d mixed_boots %d bricked %d failures %d\n", c, d, m, b, f}' "$log" | tee -a "$log"
echo "campaign: $(( $(date +%s) - start )) s, log in $log"
exit $status
