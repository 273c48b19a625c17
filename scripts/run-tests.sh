#!/usr/bin/env bash
# Builds once and runs every test suite: the .NET test projects one after another (timing-sensitive real-peer
# tests should not share 2 cores with another suite), then the Node suite that drives fal's own JS client.
# Ends with one line "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log_dir=artifacts/test-logs; mkdir -p "$log_dir"
passed=0; failed=0; skipped=0; rc=0
if ! dotnet build WebRtcBridge.sln -c Release -nologo -v:q 2>&1 | tee "$log_dir/build.log" | grep -E 'error|Warn|Error' | grep -v ' 0 Error' ; then :; fi
if ! grep -q 'Build succeeded' "$log_dir/build.log"; then echo "build failed" >&2; tail -30 "$log_dir/build.log"; echo "tests: 0 passed, 1 failed"; exit 1; fi
# Docs check: code and tests cite the repository's own docs/, never design notes outside it.
echo "== docs references"
outside=$(grep -rIlE '\.\./shared|shared/design' src tests benchmarks samples wwwroot \
  --exclude-dir=bin --exclude-dir=obj --exclude-dir=node_modules 2>/dev/null || true)
if [ -n "$outside" ]; then
  echo "docs references: FAILED, these files point outside the repository (use docs/):"; echo "$outside"
  failed=$((failed+1)); rc=1
else
  echo "docs references: 1 passed"; passed=$((passed+1))
fi
filter=()
[ -n "${TEST_FILTER:-}" ] && filter=(--filter "$TEST_FILTER")
for proj in tests/*/*.csproj; do
  name=$(basename "$proj" .csproj)
  echo "== $name"
  out="$log_dir/$name.log"
  runner=()
  # Real peers (aiortc, browsers) gather no candidates on loopback: those tests run in a private network namespace.
  [ "$name" = "Interop.Tests" ] && runner=(scripts/netns-run.sh)
  timeout 900 "${runner[@]}" dotnet test "$proj" -c Release --no-build --nologo "${filter[@]}" --logger "console;verbosity=normal" >"$out" 2>&1
  r=$?
  grep -E '^\s+(Failed|Skipped) ' "$out" | head -40
  if grep -qE '^Total tests: [0-9]+' "$out"; then
    num() { grep -E "^\s+$1: [0-9]+" "$out" | tail -1 | grep -oE '[0-9]+' || echo 0; }
    p=$(num Passed); f=$(num Failed); s=$(num Skipped)
    echo "$name: $p passed, $f failed, $s skipped"
    passed=$((passed+p)); failed=$((failed+f)); skipped=$((skipped+s))
  elif [ ${#filter[@]} -gt 0 ] && [ $r -eq 0 ] && grep -q 'No test matches the given testcase filter' "$out"; then
    echo "$name: no test matches the filter"
  else
    echo "$name: no summary (exit $r)"; failed=$((failed+1)); tail -30 "$out"
  fi
  [ $r -ne 0 ] && rc=1
done
if [ -f tests/node/package.json ] && [ -z "${TEST_FILTER:-}" ]; then
  echo "== node (fal's @fal-ai/client against our server)"
  out="$log_dir/node.log"
  timeout 600 tests/node/run.sh >"$out" 2>&1; r=$?
  tail -15 "$out"
  p=$(grep -E '^# pass ' "$out" | awk '{print $3}'); f=$(grep -E '^# fail ' "$out" | awk '{print $3}')
  passed=$((passed+${p:-0})); failed=$((failed+${f:-0}))
  if [ $r -ne 0 ]; then rc=1; [ "${f:-0}" = 0 ] && failed=$((failed+1)); fi
fi
if [ -x tests/browser/run.sh ] && [ -z "${TEST_FILTER:-}" ]; then
  echo "== browser (Chromium and Firefox ESR through /webrtc, in a network namespace)"
  out="$log_dir/browser.log"
  timeout 600 tests/browser/run.sh >"$out" 2>&1; r=$?
  grep -E '^(not )?ok |^# (pass|fail)|^# (chromium|firefox)' "$out" | tail -20
  p=$(grep -E '^# pass ' "$out" | awk '{print $3}'); f=$(grep -E '^# fail ' "$out" | awk '{print $3}')
  passed=$((passed+${p:-0})); failed=$((failed+${f:-0}))
  if [ $r -ne 0 ]; then rc=1; [ "${f:-0}" = 0 ] && failed=$((failed+1)) && tail -30 "$out"; fi
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ] && [ $skipped -eq 0 ] || rc=1
exit $rc
