#!/usr/bin/env bash
# bench/run hook: the full campaign (scripts/campaign.sh), reported as campaign.full.* metric lines.
# Set TDM_BENCH_QUICK=1 for a short sample.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[ -n "${TDM_BENCH_QUICK:-}" ] && export TDM_CAMPAIGN_DOUBLES=4
export TDM_RESULTS=${TDM_RESULTS:-results}
bash scripts/campaign.sh "$build" >&2
status=$?
line=$(grep '^campaign total:' "$TDM_RESULTS/campaign.txt" | tail -1)
cuts=$(echo "$line" | awk '{print $4 + $6}')
failures=$(echo "$line" | awk '{print $12}')
echo "about campaign.full.cuts every op of every flash over the whole story, before + torn, + second cuts | make campaign (story clean and with 20 bad blocks, grown bad blocks, bit flips; rollback with faults)"
echo "metric campaign.full.cuts ${cuts:-0} cuts"
echo "about campaign.full.failures goal 0 | runs that booted a mixed set, bricked, or ended on a wrong set"
echo "metric campaign.full.failures ${failures:-1} runs"
exit $status
