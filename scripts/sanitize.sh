#!/usr/bin/env bash
# scripts/sanitize.sh [BUILD_DIR]: the whole host test suite again under AddressSanitizer and
# UndefinedBehaviorSanitizer (default dir build-asan). Owns: that build's flags and the sanitizer
# options. Never: touches the plain build. Any report stops the test that triggered it
# (-fno-sanitize-recover=all, halt_on_error), so ctest fails on it.
# The target_* tests (Cortex-M33 cross build, QEMU) are left to the plain run: they test nothing the
# host sanitizers can see.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-asan}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
# -O1: the usual sanitizer level (fast enough, precise stack traces); -g for file:line in reports.
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1 -g" \
  -DCMAKE_C_FLAGS="$san" -DCMAKE_EXE_LINKER_FLAGS="$san" >/dev/null
cmake --build "$dir" -j"$jobs" 2>&1 | grep -Ev '^\[ *[0-9]+%\]|^(Consolidate|Scanning)' || true
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "sanitize: build failed"; exit 1; }
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
echo "sanitize: ctest under ASan+UBSan in $dir"
cd "$dir"
ctest --output-on-failure -j"$jobs" -E '^target_'
