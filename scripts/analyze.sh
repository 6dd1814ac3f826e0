#!/usr/bin/env bash
# scripts/analyze.sh: static analysis of the device code (base crypto nand store pkg fetch boot port board, without
# their host/ folders) with cppcheck, clang-tidy (clang static analyzer + bugprone/cert/misc checks)
# and gcc -fanalyzer, all for the Cortex-M33 data model (32-bit size_t, newlib headers).
# Owns: the tools' options and the suppression list below, each with its reason. Never: edits code.
# Exit 1 on any finding. First proves each tool still finds a seeded defect (tests/target/analyze_bad.c),
# so a broken configuration cannot pass silently. Run: bash scripts/analyze.sh [FILE.c...]
set -uo pipefail
cd "$(dirname "$0")/.."

for t in cppcheck clang-tidy arm-none-eabi-gcc; do
  command -v $t >/dev/null || { echo "analyze: $t not installed (make setup)"; exit 2; }
done
if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(find base crypto nand store pkg fetch boot port board -name '*.c' ! -path '*/host/*' 2>/dev/null | sort)
fi
[ ${#files[@]} -gt 0 ] || { echo "analyze: no device sources"; exit 2; }

newlib=/usr/lib/arm-none-eabi/include
target_clang=(--target=thumbv8m.main-none-eabi -mcpu=cortex-m33 -mfloat-abi=soft -isystem "$newlib")
target_gcc=(-mcpu=cortex-m33 -mthumb -mfloat-abi=soft)

# cppcheck: warning, style, performance, portability. Suppressions (none yet):
#   missingIncludeSystem  - newlib's headers are not given to cppcheck on purpose (it would analyse libc)
#   unusedFunction        - off: public functions are used by other layers, not by the file itself
cppcheck_opts=(--std=c11 --enable=warning,style,performance,portability --inline-suppr --quiet
  --error-exitcode=1 -I include -I board/common --suppress=missingIncludeSystem
  --template='{file}:{line}: cppcheck {severity} [{id}]: {message}')

# clang-tidy checks. Left out, with the reason:
#   bugprone-easily-swappable-parameters - flags every (void *ctx, uint32_t a, uint32_t b) port signature;
#       the port contract (function pointers + ctx) is the project's design
#   clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling - asks for memcpy_s/memset_s
#       (C11 Annex K), which neither newlib nor glibc provides; lengths are checked by the callers
#   misc-no-recursion - kept on (recursion would make the stack unbounded; scripts/size.sh also checks)
tidy_checks='-*,clang-analyzer-*,bugprone-*,cert-*,misc-*,performance-*,portability-*'
tidy_checks+=',-bugprone-easily-swappable-parameters'
tidy_checks+=',-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling'

run_cppcheck() { cppcheck "${cppcheck_opts[@]}" "$@" 2>&1; }
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
run_tidy() {
  printf '%s\n' "$@" | xargs -P "$jobs" -n 2 sh -c 'clang-tidy --quiet --header-filter="include/tandem/.*" \
    --checks="$0" "$@" -- -std=c11 -Iinclude -Iboard/common '"${target_clang[*]}"' 2>&1' "$tidy_checks" | grep -E '(warning|error):'
  return 0
}
run_fanalyzer() {
  printf '%s\n' "$@" | xargs -P "$jobs" -I{} sh -c 'arm-none-eabi-gcc -std=c11 -Iinclude -Iboard/common '"${target_gcc[*]}"' \
    -Os -fanalyzer -c -o /dev/null {} 2>&1' | grep -E '(warning|error):'
  return 0
}

# 1. each tool must find the seeded defects
bad=tests/target/analyze_bad.c
for tool in run_cppcheck run_tidy run_fanalyzer; do
  if [ -z "$($tool "$bad")" ]; then
    echo "analyze: ${tool#run_} no longer finds the seeded defects of $bad: configuration broken"
    exit 1
  fi
done

# 2. the device code
out=$( { run_cppcheck "${files[@]}"; run_tidy "${files[@]}"; run_fanalyzer "${files[@]}"; } | sort -u)
if [ -n "$out" ]; then
  echo "$out"
  echo "analyze: $(echo "$out" | wc -l) finding(s) in device code (cppcheck, clang-tidy, gcc -fanalyzer)"
  exit 1
fi
echo "analyze: ${#files[@]} device sources clean (cppcheck, clang-tidy, gcc -fanalyzer)"
