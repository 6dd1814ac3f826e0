#!/usr/bin/env bash
# tests/target/shipped_map.sh MAP PREFIX...: checks the link map of a test image that runs the shipped
# code generation (target_boot_story_shipped): every device-library object it links comes from an image's
# copy (libPREFIX_tdm_*.a, board/CMakeLists.txt tdm_board_copies), none from a plain library (libtdm_*.a),
# and the copies are linked at all (a story over plain objects would pass without testing what ships).
# Owns: that check only. Never: builds or runs the image.
set -euo pipefail
map=${1:?usage: shipped_map.sh MAP PREFIX...}
shift
[ $# -gt 0 ] || { echo "shipped_map: no copy prefix given"; exit 2; }
[ -f "$map" ] || { echo "shipped_map: no map '$map'"; exit 2; }
# The members the linker took from archives: the map's first section, up to "Discarded input sections".
members=$(awk '/^Discarded input sections/{exit} /^[^ ].*\.a\(/{sub(/\(.*/, ""); sub(/.*\//, ""); print}' "$map" | sort | uniq -c)
plain=$(printf '%s\n' "$members" | awk '$2 ~ /^libtdm_/')
pattern=$(printf '|%s' "$@")
copies=$(printf '%s\n' "$members" | grep -E "lib(${pattern#|})_tdm_" || true)
echo "shipped_map: objects from the image copies:"
printf '%s\n' "$copies" | sed 's/^/  /'
if [ -n "$plain" ]; then
  echo "shipped_map: FAIL: plain device libraries linked (not the shipped code generation):"
  printf '%s\n' "$plain" | sed 's/^/  /'
  exit 1
fi
if ! printf '%s\n' "$copies" | grep -q "_tdm_boot\.a"; then
  echo "shipped_map: FAIL: no object of the bootloader's copy of tdm_boot linked"
  exit 1
fi
echo "shipped_map: ok, no plain device library object in $(basename "$map")"
