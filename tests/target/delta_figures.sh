#!/usr/bin/env bash
# tests/target/delta_figures.sh BENCH_DELTA ELF: the delta decoder's instructions per output byte and per
# patch byte on the Cortex-M33, and the check that sim/cpu_cost.c charges what was measured.
#   BENCH_DELTA  the host's bench_delta: `--pairs-out DIR` writes each pair's base and our patch (the 4
#                corpus pairs, then the 3 M33 image pairs of tests/data/m33) as DIR/N.base, DIR/N.patch
#   ELF          target_delta_instr.elf (tests/target/delta_instr.c), run under QEMU mps2-an505 with
#                -icount shift=0 (1 ns per instruction, SysTick counts it)
# Prints each pair's instructions, the cost per output byte and per patch byte over the corpus pairs (the
# rebuilds the agent does are corpus-sized packages), how well each unit predicts every pair, and fails
# when the corpus cost per output byte differs by more than 2 % from TDM_SIM_COST_DELTA_OUT_BYTE's entry
# (a decoder change that moves its cost must update the table). ctest target_qemu_delta_instr.
# Owns: this measurement. Never: edits the table (the figure is copied by hand, as tests/boot/cpu_figures.sh's).
set -euo pipefail
bench=${1:?usage: delta_figures.sh BENCH_DELTA ELF}
elf=${2:?usage: delta_figures.sh BENCH_DELTA ELF}
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v qemu-system-arm >/dev/null || { echo "delta_figures: qemu-system-arm not installed (make setup)"; exit 2; }
dir=$(mktemp -d /tmp/tdm-delta-figures-XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$bench" --pairs-out "$dir" >"$dir/table.txt"
out=$(timeout "${TDM_QEMU_TIMEOUT:-300}" qemu-system-arm -M mps2-an505 -nographic -monitor none -serial none \
  -icount shift=0 -semihosting-config enable=on,target=native -kernel "$elf" -append "$dir")
echo "$out" | grep -v '^pair ' || true
table=$(awk '/\[TDM_SIM_COST_DELTA_OUT_BYTE\] = / { gsub(/[^0-9]/, "", $NF); print $NF }' "$root/sim/cpu_cost.c")
echo "$out" | awk -v table="$table" -v corpus=4 '
  $1 == "pair" { n++; o[n] = $3; i[n] = $4; t[n] = $5; if (n <= corpus) { so += $3; si += $4; st += $5 } }
  END {
    if (n < corpus || so == 0) { print "delta_figures: fewer than " corpus " pairs measured"; exit 1 }
    per_out = st / so; per_in = st / si
    for (k = 1; k <= n; k++) {
      eo = per_out * o[k] / t[k] - 1; ei = per_in * i[k] / t[k] - 1
      if (eo < 0) eo = -eo
      if (ei < 0) ei = -ei
      if (eo > mo) mo = eo
      if (ei > mi) mi = ei
      printf "delta_figures: pair %d: predicted by output bytes %+.1f %%, by patch bytes %+.0f %%\n", k - 1,
             100 * (per_out * o[k] / t[k] - 1), 100 * (per_in * i[k] / t[k] - 1)
    }
    printf "delta_figures: corpus pairs: %.3f instructions per output byte (worst pair of all %d off by %.1f %%), " \
           "%.1f per patch byte (off by up to %.0f %%)\n", per_out, n, 100 * mo, per_in, 100 * mi
    printf "metric delta.decode_instr_per_out_byte %.3f instr\n", per_out
    if (table == "" || per_out * 1000 > table * 1.02 || per_out * 1000 < table * 0.98) {
      printf "delta_figures: sim/cpu_cost.c charges %s milli-instructions per output byte, measured %.0f: " \
             "update TDM_SIM_COST_DELTA_OUT_BYTE\n", table, per_out * 1000
      exit 1
    }
  }'
