#!/usr/bin/env bash
# Installs the Debian packages tandem needs to build, test and demo. Idempotent: runs apt-get (and
# `apt-get update`, once) only when a package is missing. Needs root on a fresh machine; prints what it does.
set -euo pipefail

pkgs=(
  build-essential cmake pkg-config binutils   # host build
  libmbedtls-dev                              # SHA-256 and ECDSA P-256 (device crypto port on the host, host tools)
  libcurl4-openssl-dev curl                   # fetch transport, loopback comparison
  nginx openssl                               # the real HTTPS server of the tests and the demo, throwaway CA
  librsvg2-bin                                # renders the demo's SVG pictures to PNG in a test
  gcc-arm-none-eabi libnewlib-arm-none-eabi   # Cortex-M33 cross build, newlib-nano (make size, tests/target)
  qemu-system-arm                             # runs target tests on an emulated Cortex-M33 (mps2-an505)
  cppcheck clang clang-tidy                   # static analysis of device code (scripts/analyze.sh)
  python3                                     # JSON checks in the CLI tests and the demo
  lcov                                        # branch coverage of the device code (make coverage, bench)
  bsdiff xdelta3 zstd                         # the delta bench's references (bench/bench_delta.c)
)
if [ -n "${TDM_SETUP_EXTRA:-}" ]; then
  read -r -a extra <<<"$TDM_SETUP_EXTRA"
  pkgs+=("${extra[@]}")
fi

missing=()
for p in "${pkgs[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != *"install ok installed"* ]]; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages and not root: run as root, or apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
