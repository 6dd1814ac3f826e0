#!/usr/bin/env bash
# scripts/size.sh [--build] [--check] [BUILD_DIR]: the device code's size report for the Cortex-M33.
# Owns: reading a cross build (cmake/arm-none-eabi.cmake, default dir build-m33) and reporting, per device
# library, code and static RAM (arm-none-eabi-size over its objects), the worst-case stack of each public
# function (a walk of the gcc call graph, -fcallgraph-info=su,da .ci files, with the budgets of
# cmake/stack_budgets.txt for calls through pointers), and that no device object references heap, stdio
# or OS functions nor includes a non-freestanding header. Never: edits or builds anything but BUILD_DIR.
#   --build  configure (if needed) and build BUILD_DIR with the toolchain file: tests/target/image, i.e.
#            the device layers, the board port and its two images (board/), and the QEMU test images
#   --check  exit 1 on a forbidden symbol or header, a dynamic stack frame or recursion
# Prints a table, then `metric size.lib_<name>_{text,data,bss,stack} N B` lines and `about` lines
# (bench/size.sh feeds them to bench/run), then per linked image (IMAGES below: the bootloader and the
# net-boot stage of board/) its code per library from the link map and size.<image>_{text,ram,stack}.
set -euo pipefail
# Under pipefail a pipe must never end in a reader that quits early (head, grep -q, awk/sed that exit):
# the writer then dies of SIGPIPE (exit 141) whenever it is still writing, i.e. at random. Pick lines
# inside awk, or read everything (sed -n 1p), or give grep a here-string.
cd "$(dirname "$0")/.."
root=$PWD

build_it=0 check=0 dir=build-m33
for a in "$@"; do
  case "$a" in
    --build) build_it=1 ;;
    --check) check=1 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "size.sh: unknown option '$a'" >&2; exit 2 ;;
    *) dir=$a ;;
  esac
done
prefix=${TDM_ARM_PREFIX:-arm-none-eabi-}
command -v "${prefix}gcc" >/dev/null || { echo "size.sh: ${prefix}gcc not found (make setup)" >&2; exit 2; }

if [ $build_it -eq 1 ]; then
  home=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$dir/CMakeCache.txt" 2>/dev/null || true)
  if [ -n "$home" ] && [ "$home" != "$root/tests/target/image" ]; then
    echo "size.sh: '$dir' is a build of '$home', not of tests/target/image: use another directory" >&2
    exit 2
  fi
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    cmake -S tests/target/image -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/arm-none-eabi.cmake" >/dev/null
  fi
  cmake --build "$dir" -j"${JOBS:-2}" >/dev/null
fi
[ -d "$dir" ] || { echo "size.sh: no build dir '$dir' (use --build)" >&2; exit 2; }

# Linked images: NAME:PATH-IN-BUILD-DIR:ENTRY (board/CMakeLists.txt links them in the cross build).
# `text` is without crypto: the crypto port's libraries (CRYPTO_LIB: board/common/sha256.c and the ECDSA
# verifier crypto/p256.c) are counted apart; their code in the image is size.<NAME>_crypto_text.
# ENTRY is the function whose worst-case stack is size.<NAME>_stack (the board port's reset handler of
# cmake/tdm_sections.ld); the image's own objects (CMakeFiles/<target>.dir/*.ci) join the call graph.
# PREFIX (4th field) names the image's own LTO copies of the libraries (board/CMakeLists.txt:
# tdm_board_copies): an LTO image's call graph is its link's ltrans .ci (the code that ships) plus the .ci
# of those copies built without LTO (the crypto port); without ltrans files, the libraries' .ci as before.
IMAGES=${TDM_SIZE_IMAGES:-"boot:board/bootloader.elf:tdm_board_reset:bootcore netboot:board/netboot.elf:tdm_board_reset:netcore"}
CRYPTO_LIB=${TDM_SIZE_CRYPTO_LIB:-"tdm_port_crypto tdm_crypto"}

mapfile -t libs < <(find "$dir" -name 'libtdm_*.a' ! -path '*/CMakeFiles/*' | sort)
[ ${#libs[@]} -gt 0 ] || { echo "size.sh: no device libraries in '$dir'" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

# --- 1. forbidden symbols: the same list as the host check (tests/device_objects_test.sh), target nm.
forbidden=$(sed -n "s/^forbidden='\(.*\)'$/\1/p" tests/device_objects_test.sh)
[ -n "$forbidden" ] || { echo "size.sh: cannot read the forbidden list of tests/device_objects_test.sh" >&2; exit 2; }
# --- 2. headers a device object may include from outside the project (freestanding + string.h).
allowed_hdr='^(stdint|stddef|stdbool|string|limits|stdarg|stdalign|stdnoreturn|float|iso646)\.h$'

: >"$tmp/ci_list"
: >"$tmp/sizes"
for lib in "${libs[@]}"; do
  name=$(basename "$lib" .a); name=${name#lib}
  objdir=$(dirname "$lib")/CMakeFiles/$name.dir
  read -r text data bss < <("${prefix}size" -t "$lib" | awk '/\(TOTALS\)/ {print $1, $2, $3}')
  echo "$name $text $data $bss" >>"$tmp/sizes"
  hits=$("${prefix}nm" -u --format=posix "$lib" | awk '{print $1}' | grep -E "$forbidden" | sort -u | tr '\n' ' ' || true)
  if [ -n "$hits" ]; then
    echo "FAIL $name references: $hits"
    status=1
  fi
  # sources of the library's objects (from the compiler's dependency files), then their <...> includes
  srcs=$(cat "$objdir"/*.d 2>/dev/null | tr ' \\' '\n\n' | grep "^$root/" | grep -E '\.(c|h)$' | sort -u || true)
  for s in $srcs; do
    { grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' "$s" || true; } | while IFS= read -r line; do
      h=$(echo "$line" | sed 's/.*<\(.*\)>.*/\1/')
      if ! grep -Eq "$allowed_hdr" <<<"$h"; then
        echo "FAIL $name includes a host header: ${line%%:*}: <$h>"
      fi
    done
  done >>"$tmp/hdr"
  find "$objdir" -name '*.ci' | sed "s|^|$name |" >>"$tmp/ci_list"
done
if [ -s "$tmp/hdr" ]; then
  sort -u "$tmp/hdr"
  status=1
fi

# --- 3. worst-case stack per public function: walk the call graph of every device object.
# Output lines: entry LIB FUNC BYTES PATH | fallback SITE NAME | unknown FUNC CALLEE | recursion FUNC |
# dynamic FUNC QUAL.
walk() { # walk CI_LIST: the call graph of the .ci files listed as `LIB FILE` lines
  awk -v budgets="$root/cmake/stack_budgets.txt" '
function ident_at(file, line, col,    s, key) {
  key = file SUBSEP line
  if (!(key in srccache)) {
    if (!(file in loaded)) {
      n = 0
      while ((getline l < file) > 0) { src[file, ++n] = l }
      close(file); loaded[file] = 1
    }
    srccache[key] = src[file, line]
  }
  s = substr(srccache[key], col)
  if (!index(s, "(")) { return "?" }
  s = substr(s, 1, index(s, "(") - 1)
  gsub(/[ \t]/, "", s)
  sub(/.*(->|\.)/, "", s)
  return (s ~ /^[A-Za-z_][A-Za-z0-9_]*$/) ? s : "?"
}
function budget_for(file, name, site,    k, f) {
  for (k in budget) {
    if (index(k, ":") && name == substr(k, index(k, ":") + 1)) {
      f = substr(k, 1, index(k, ":") - 1)
      if (f ~ /\/$/ && index(file, "/" f)) { return budget[k] }
      if (substr(file, length(file) - length(f) + 1) == f) { return budget[k] }
    }
  }
  if (name in budget) { return budget[name] }
  fallback[site " " name] = 1
  return budget["*"]
}
function worst(f,    i, c, w, best, bc) {
  if (f in memo) { return memo[f] }
  if (f in onstack) { recursion[f] = 1; return 0 }
  onstack[f] = 1
  best = 0; bc = ""
  for (i = 1; i <= nedge[f]; i++) {
    c = edge[f, i]
    if (c in frame) { w = worst(c) }
    else if (c ~ /^@/) { w = cbudget[c] }
    else if (c in budget) { w = budget[c] }
    else { unknown[f " " c] = 1; w = 0 }
    if (w > best) { best = w; bc = c }
  }
  delete onstack[f]
  memo[f] = frame[f] + best
  next_on_path[f] = bc
  return memo[f]
}
function show(c) {
  if (c ~ /^@/) { return "[" cname[c] " budget " cbudget[c] "]" }
  if (c in frame) { sub(/.*:/, "", c); return c }
  return "[" c " budget " budget[c] "]"
}
FILENAME == budgets {
  if ($0 ~ /^[ \t]*(#|$)/) { next }
  budget[$1] = $2 + 0
  next
}
FILENAME == "-" { cilib[$2] = $1; next }
FNR == 1 { lib = cilib[FILENAME] }
/^node:/ {
  if (!match($0, /title: "[^"]*"/)) { next }
  t = substr($0, RSTART + 8, RLENGTH - 9)
  if (match($0, /[0-9]+ bytes \([a-z,]+\)/)) {
    s = substr($0, RSTART, RLENGTH)
    split(s, p, " ")
    frame[t] = p[1] + 0
    q = p[3]; gsub(/[()]/, "", q)
    if (q != "static") { dynamic[t] = q }
    owner[t] = lib
  }
  next
}
/^edge:/ {
  match($0, /sourcename: "[^"]*"/); from = substr($0, RSTART + 13, RLENGTH - 14)
  match($0, /targetname: "[^"]*"/); to = substr($0, RSTART + 13, RLENGTH - 14)
  if (to == "__indirect_call") {
    match($0, /label: "[^"]*"/); site = substr($0, RSTART + 8, RLENGTH - 9)
    n = split(site, parts, ":")
    col = parts[n]; line = parts[n - 1]; file = substr(site, 1, length(site) - length(line) - length(col) - 2)
    name = ident_at(file, line + 0, col + 0)
    to = "@" site
    cname[to] = name
    cbudget[to] = budget_for(file, name, site)
  }
  nedge[from]++
  edge[from, nedge[from]] = to
  next
}
END {
  for (f in frame) {
    if (index(f, ":")) { continue }         # static: reached through the public functions
    w = worst(f)
    path = ""; c = f; guard = 0
    while (c != "" && guard++ < 64) {
      path = path (path == "" ? "" : " > ") show(c) (c in frame ? "(" frame[c] ")" : "")
      c = (c in next_on_path) ? next_on_path[c] : ""
    }
    printf "entry %s %s %d %s\n", owner[f], f, w, path
  }
  for (k in fallback) { printf "fallback %s\n", k }
  for (k in unknown) { printf "unknown %s\n", k }
  for (k in recursion) { printf "recursion %s\n", k }
  for (k in dynamic) { printf "dynamic %s %s\n", k, dynamic[k] }
}
' "$root/cmake/stack_budgets.txt" - $(awk '{print $2}' "$1") <"$1"
}
walk "$tmp/ci_list" >"$tmp/stack"

# --- report
printf '%-14s %8s %6s %6s %8s  %s\n' library text data bss stack "deepest public function"
printf '%-14s %8s %6s %6s %8s  %s\n' ------- ---- ---- --- ----- -----------------------
while read -r name text data bss; do
  top=$(awk -v l="$name" '$1 == "entry" && $2 == l' "$tmp/stack" | sort -k4,4nr | sed -n 1p)
  st=$(echo "$top" | awk '{print $4}'); fn=$(echo "$top" | awk '{print $3}')
  printf '%-14s %8s %6s %6s %8s  %s\n' "$name" "$text" "$data" "$bss" "${st:-0}" "${fn:--}"
done <"$tmp/sizes"
echo
echo "worst-case stack per public function (bytes; path of the deepest call chain, [..] = budgeted call):"
awk '$1 == "entry" { $1 = ""; print }' "$tmp/stack" | sort -k1,1 -k3,3nr |
  awk '{ lib = $1; fn = $2; b = $3; $1 = $2 = $3 = ""; sub(/^ +/, ""); printf "  %-12s %-34s %6d  %s\n", lib, fn, b, $0 }'
if grep -q '^fallback ' "$tmp/stack"; then
  echo "pointer calls bounded by the default budget (add a line to cmake/stack_budgets.txt):"
  grep '^fallback ' "$tmp/stack" | sed 's/^fallback /  /'
fi
if grep -q '^unknown ' "$tmp/stack"; then
  echo "calls to functions outside the device objects and without a budget (counted as 0):"
  grep '^unknown ' "$tmp/stack" | sed 's/^unknown /  /' | sort -u
fi
if grep -Eq '^(recursion|dynamic) ' "$tmp/stack"; then
  echo "FAIL unbounded stack:"
  grep -E '^(recursion|dynamic) ' "$tmp/stack" | sed 's/^/  /'
  status=1
fi

# --- linked images (once they exist)
for spec in $IMAGES; do
  IFS=: read -r iname ipath ientry icopies <<<"$spec"
  elf=$dir/$ipath
  [ -f "$elf" ] || continue
  read -r text data bss < <("${prefix}size" "$elf" | awk 'NR == 2 {print $1, $2, $3}')
  edir=$(dirname "$elf")
  if compgen -G "$elf.ltrans*.ci" >/dev/null; then
    { ls "$elf".ltrans*.ci | sed "s|^|image_$iname |"
      [ -n "$icopies" ] && find "$edir/CMakeFiles" -path "*/${icopies}_*.dir/*" -name '*.ci' | sed "s|^|image_$iname |"
    } >"$tmp/ci_$iname"
  else
    { cat "$tmp/ci_list"
      find "$edir/CMakeFiles/$(basename "$elf" .elf).dir" -name '*.ci' | sed "s|^|image_$iname |"
    } >"$tmp/ci_$iname"
  fi
  walk "$tmp/ci_$iname" >"$tmp/stack_$iname"
  st=$(awk -v e="$ientry" '$1 == "entry" && $3 == e {print $4; exit}' "$tmp/stack_$iname")
  if grep -Eq '^(recursion|dynamic) ' "$tmp/stack_$iname"; then
    echo "FAIL image $iname: unbounded stack:"; grep -E '^(recursion|dynamic) ' "$tmp/stack_$iname" | sed 's/^/  /'
    status=1
  fi
  map=${elf%.elf}.map
  : >"$tmp/map_$iname"
  if [ -f "$map" ]; then # code + read-only data per library (or image object) that the link kept
    awk -f - "$map" <<'AWK' | sort -rn >"$tmp/map_$iname"
function hex(s,    i, v) { v = 0; s = tolower(s); sub(/^0x/, "", s)
  for (i = 1; i <= length(s); i++) { v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1 }
  return v }
function owner(f) { if (f ~ /ltrans[0-9]*\.o$/) { return "lto:everything_but_crypto_and_libc" }
  if (f ~ /\.a\(/) { sub(/\(.*/, "", f); sub(/.*\//, "", f); sub(/^lib/, "", f); sub(/\.a$/, "", f); sub(/^(bootcore|netcore)_/, "", f); return f }
  sub(/.*\//, "", f); sub(/\.obj$/, "", f); return "board:" f }
/^Linker script and memory map/ { inmap = 1 }
!inmap { next }
/^ \.(text|rodata)[^ ]* +0x[0-9a-f]+ +0x[0-9a-f]+ / { s[owner($4)] += hex($3); next }
/^ \.(text|rodata)[^ ]*$/ { pend = 1; next }
pend && /^ +0x[0-9a-f]+ +0x[0-9a-f]+ / { s[owner($3)] += hex($2); pend = 0; next }
{ pend = 0 }
END { for (k in s) if (s[k] > 0) print s[k], k }
AWK
  fi
  ctext=$(awk -v c=" $CRYPTO_LIB " 'index(c, " " $2 " ") { t += $1 } END { print t + 0 }' "$tmp/map_$iname")
  ctext=${ctext:-0}
  echo "image $iname: text $text (crypto $ctext), data $data, bss $bss, stack ${st:-?} from $ientry"
  awk -v e="$ientry" '$1 == "entry" && $3 == e { $1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); print "  stack: " $0; exit }' \
    "$tmp/stack_$iname"
  awk '{ printf "  %-24s %6d B\n", $2, $1 }' "$tmp/map_$iname"
  echo "metric size.${iname}_total_text $text B"
  echo "metric size.${iname}_text $((text - ctext)) B"
  echo "metric size.${iname}_crypto_text $ctext B"
  echo "metric size.${iname}_ram $((data + bss)) B"
  [ -n "$st" ] && echo "metric size.${iname}_stack $st B"
done

echo
while read -r name text data bss; do
  short=${name#tdm_}
  st=$(awk -v l="$name" '$1 == "entry" && $2 == l {print $4}' "$tmp/stack" | sort -n | tail -1)
  echo "metric size.lib_${short}_text $text B"
  echo "metric size.lib_${short}_data $data B"
  echo "metric size.lib_${short}_bss $bss B"
  echo "metric size.lib_${short}_stack ${st:-0} B"
  echo "about size.lib_${short}_text sum of objects, before --gc-sections | Cortex-M33 -Os code of $name"
  echo "about size.lib_${short}_stack budgets: cmake/stack_budgets.txt | worst public function of $name"
done <"$tmp/sizes"
echo "about size.boot_total_text goal <= 18920 B | bootloader image (board/nrf5340_app), everything linked: crypto, SPI-NAND driver, LTO"
echo "about size.boot_text goal <= 16384 B | bootloader image (board/nrf5340_app) without the crypto port"
echo "about size.netboot_text goal <= 4096 B | net-boot stage image (board/nrf5340_net) without the crypto port"
echo "about size.boot_ram linker script: 448 KB | bootloader .data + .bss (struct tdm_boot, NAND page buffer)"
echo "about size.boot_stack linker script: 8192 B | worst case from tdm_board_reset over the LTO image's call graph, port budgets included"
echo "about size.netboot_total_text | net-boot stage image (board/nrf5340_net), everything linked (SHA-256, no ECDSA)"
exit $status
