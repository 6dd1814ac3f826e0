#!/usr/bin/env bash
# bench/coverage.sh BUILD_DIR: coverage.device_branches (and per layer) from scripts/coverage.sh, which
# rebuilds with --coverage into BUILD_DIR-cov and runs the host suite of make check (a few minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/coverage.sh "${1:-build}-cov" | grep -E '^(metric|about) '
