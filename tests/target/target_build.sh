#!/usr/bin/env bash
# tests/target/target_build.sh DIR: cross-build the device layers and the QEMU test images into DIR
# (tests/target/image with cmake/arm-none-eabi.cmake), then the size check over DIR.
# Owns: the ctest step that proves the device code still builds for the Cortex-M33 and stays device code.
set -euo pipefail
dir=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -f "$dir/CMakeCache.txt" ]; then
  cmake -S "$root/tests/target/image" -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/arm-none-eabi.cmake" >/dev/null
fi
# -Werror comes from the top CMakeLists.txt; a warning fails here with the compiler's message.
# Each step's status is taken before its output is filtered: no pipe, so no PIPESTATUS that `|| true`
# would overwrite (a failed build used to pass here over the previous build's libraries).
rc=0
cmake --build "$dir" -j"${JOBS:-2}" >"$dir/target_build.log" 2>&1 || rc=$?
grep -Ev '^\[ *[0-9]+%\]|^(Consolidate|Scanning)' "$dir/target_build.log" || true
[ $rc -eq 0 ] || { echo "target_build: cross build failed"; exit 1; }
bash "$root/scripts/size.sh" --check "$dir" >"$dir/size_check.txt" || rc=$?
grep -Ev '^(metric|about) ' "$dir/size_check.txt" || true
exit $rc
