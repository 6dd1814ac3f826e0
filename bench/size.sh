#!/usr/bin/env bash
# bench/size.sh BUILD_DIR: the Cortex-M33 size figures for bench/run (metric/about lines of scripts/size.sh).
# Owns: nothing but the call. Builds the cross tree BUILD_DIR-m33 (device layers, board images, QEMU test
# images: tests/target/image; under a minute).
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
bash scripts/size.sh --build "${build%/}-m33" | grep -E '^(metric|about) '
