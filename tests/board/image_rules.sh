#!/usr/bin/env bash
# tests/board/image_rules.sh BOARD_BUILD_DIR: rules of the two cross-built images that only their machine
# code shows. Owns: the checks. Never: builds (ctest's target_build fixture does).
#  - nRF5340 errata anomaly 168: every WFI and WFE in bootloader.elf and netboot.elf is followed by at
#    least 8 NOPs (board.h tdm_board_wfi / tdm_board_wfe);
#  - the network core has no DSP extension: netboot.elf carries no Tag_DSP_extension build attribute
#    (every object in it compiled +nodsp) and its disassembly has no DSP instruction;
#  - both images take memcpy/memmove/memset/memcmp from board/common/mem.c (not the C library's) and none
#    of the four branches to its own start (gcc turning its loop or call back into itself).
set -euo pipefail
dir=${1:?usage: image_rules.sh BOARD_BUILD_DIR}
prefix=${TDM_ARM_PREFIX:-arm-none-eabi-}
status=0
for img in bootloader netboot; do
  elf=$dir/$img.elf
  [ -f "$elf" ] || { echo "FAIL no $elf (target_build did not link it)"; exit 1; }
  bad=$("${prefix}objdump" -d "$elf" | awk -F'\t' '
    /^[ ]+[0-9a-f]+:/ {
      op = $3; if (op ~ /^[0-9a-f]+$/) op = $4
      if (pending) { if (op == "nop") { nops++; if (nops >= 8) pending = 0 } else { print where; pending = 0 } }
      if (op == "wfi" || op == "wfe") { pending = 1; nops = 0; where = $1 }
    }
    END { if (pending) print where }')
  n=$("${prefix}objdump" -d "$elf" | awk -F'\t' '{op = $3; sub(/[ ].*/, "", op)} op == "wfi" || op == "wfe" {c++} END {print c + 0}')
  if [ -n "$bad" ]; then
    echo "FAIL $img: WFI/WFE without the 8 NOPs of anomaly 168 at: $bad"
    status=1
  elif [ "$n" -eq 0 ]; then
    echo "FAIL $img: no WFI/WFE found (the check would see nothing)"
    status=1
  else
    echo "ok   $img: $n WFI/WFE, each followed by 8 NOPs (anomaly 168)"
  fi
done
for img in bootloader netboot; do
  libc=$(grep -oE '[a-z_]+\.a\([^)]*mem(cpy|move|set|cmp)[^)]*\)' "$dir/$img.map" | sort -u | tr '\n' ' ' || true)
  self=$("${prefix}objdump" -d "$dir/$img.elf" | awk -F'\t' '
    /^[0-9a-f]+ <[^>]+>:$/ { f = $0; sub(/.*</, "", f); sub(/>:$/, "", f) }
    f ~ /^mem(cpy|move|set|cmp)$/ && $3 ~ /^b/ && index($4, "<" f ">") { print f }' | sort -u | tr '\n' ' ')
  if [ -n "$libc" ] || [ -n "$self" ]; then
    echo "FAIL $img: mem* routines not board/common/mem.c's ($libc) or calling themselves ($self)"
    status=1
  else
    echo "ok   $img: memcpy/memmove/memset/memcmp from board/common/mem.c, none calls itself"
  fi
done
if "${prefix}readelf" -A "$dir/netboot.elf" | grep -q 'Tag_DSP_extension'; then
  echo "FAIL netboot: built with the DSP extension allowed (the network core has none)"
  status=1
else
  echo "ok   netboot: no Tag_DSP_extension attribute"
fi
dsp='^(q(d)?(add|sub)(8|16)?|q(as|sa)x|s(add|sub)(8|16)|u(q)?(add|sub)(8|16)|sel|smla[bt][bt]|smlaw[bt]|smul[bt][bt]|smulw[bt]|smlal[bt][bt]|smlad|smlsd|smuad|smusd|smmla|smmul|ssat16|usat16|usad8|usada8|pkhbt|pkhtb|sxtab|sxtb16|uxtb16|uxtab16)(x|r)?$'
hits=$("${prefix}objdump" -d "$dir/netboot.elf" | awk -F'\t' '{op = $3; sub(/[ .].*/, "", op); print op}' | grep -E "$dsp" | sort -u | tr '\n' ' ' || true)
if [ -n "$hits" ]; then
  echo "FAIL netboot: DSP instructions: $hits"
  status=1
else
  echo "ok   netboot: no DSP instruction in the disassembly"
fi
exit $status
