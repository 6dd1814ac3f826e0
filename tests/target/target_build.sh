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
cmake --build "$dir" -j"${JOBS:-2}" 2>&1 | grep -Ev '^\[ *[0-9]+%\]|^(Consolidate|Scanning)' || true
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "target_build: cross build failed"; exit 1; }
bash "$root/scripts/size.sh" --check "$dir" | grep -Ev '^(metric|about) '
exit "${PIPESTATUS[0]}"
