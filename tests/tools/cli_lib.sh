# Shared by the CLI tests (sourced, not run): a scratch folder, pass/fail bookkeeping with the replay line,
# and the checks every command-line test makes. Before sourcing, set `replay` to the words that rerun the
# test (e.g. "bash $0 $tandem $seed"). Owns: the report format. Never: runs a command of its own.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0; passes=0
ok()    { passes=$((passes+1)); echo "ok    $1"; }
bad()   { fails=$((fails+1)); echo "FAIL  $1"; echo "      replay: $replay"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

# run NAME CMD...: must exit 0; its stdout is kept in $dir/out
run() {
  local name=$1; shift
  if "$@" >"$dir/out" 2>"$dir/err"; then return 0; fi
  bad "$name: '$*' failed: $(head -c 300 "$dir/err")"
  return 1
}

# expect_error NAME CODE CMD...: exit code CODE and exactly one line on stderr starting with "tandem: "
expect_error() {
  local name=$1 code=$2; shift 2
  "$@" >"$dir/out" 2>"$dir/err"; local rc=$?
  if [ $rc -eq "$code" ] && [ "$(wc -l <"$dir/err")" -eq 1 ] && grep -q '^tandem: ' "$dir/err"; then ok "$name"
  else bad "$name (exit $rc, want $code; stderr: $(head -c 200 "$dir/err"))"; fi
}

# The closing line every runner understands, and the exit status.
finish() {
  echo "$passes passed, $fails failed"
  [ $fails -eq 0 ]
}
