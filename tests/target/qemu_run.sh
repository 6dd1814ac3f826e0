#!/usr/bin/env bash
# tests/target/qemu_run.sh [--expect STATUS] IMAGE.elf [ARGS...]: run a test image on QEMU's mps2-an505
# (Cortex-M33) with semihosting; ARGS reach the image's argv. Succeeds when the image's exit status is
# STATUS (default 0). Owns: the QEMU command line and a wall-clock limit (TDM_QEMU_TIMEOUT, 20 s).
set -u
want=0
if [ "${1:-}" = "--expect" ]; then want=$2; shift 2; fi
elf=${1:?usage: qemu_run.sh [--expect STATUS] IMAGE.elf [ARGS...]}
shift
command -v qemu-system-arm >/dev/null || { echo "qemu_run: qemu-system-arm not installed (make setup)"; exit 2; }
[ -f "$elf" ] || { echo "qemu_run: no image '$elf'"; exit 2; }
args=""
for a in "$@"; do
  case "$a" in *" "*) args="$args '$a'" ;; *) args="$args $a" ;; esac
done
timeout "${TDM_QEMU_TIMEOUT:-20}" qemu-system-arm -M mps2-an505 -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native -kernel "$elf" ${args:+-append "${args# }"}
got=$?
[ $got -eq 124 ] && echo "qemu_run: $(basename "$elf") timed out"
if [ $got -ne "$want" ]; then
  echo "qemu_run: $(basename "$elf") exited $got, expected $want"
  exit 1
fi
echo "qemu_run: $(basename "$elf") exited $got as expected"
