#!/usr/bin/env bash
# End-to-end tests with real browsers (Debian chromium through playwright-core, firefox-esr driven directly)
# against our server. Builds nothing: expects the Release build of src/Signaling. Installs the pinned npm packages
# (once, outside the namespace), then re-runs itself inside a private network namespace (netns.sh: a veth pair,
# 10.255.0.1 / 10.255.0.2, nothing leaves it), starts the server on 10.255.0.1 with HostAddresses 10.255.0.1, runs
# the *.test.mjs files with node's test runner (TAP-like output ending with "# pass N" / "# fail N") and stops the
# server. Exits non-zero on any failure. Every external process runs under a hard timeout.
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
root=$(cd ../.. && pwd)

if [ -z "${NETNS_SERVER_ADDR:-}" ]; then
  command -v node >/dev/null || { echo "browser tests: node not found: install nodejs (and npm)" >&2; exit 1; }
  if [ ! -f node_modules/playwright-core/package.json ]; then
    command -v npm >/dev/null || { echo "browser tests: npm not found: install npm" >&2; exit 1; }
    timeout 300 npm ci --no-audit --no-fund --loglevel=error >/dev/null
  fi
  exec timeout -k 10 330 "$here/netns.sh" "$here/run.sh" "$@"
fi

# Inside the namespace from here on.
dll="$root/src/Signaling/bin/Release/net10.0/WebRtcBridge.Signaling.dll"
[ -f "$dll" ] || { echo "browser tests: $dll missing: build first (dotnet build src/Signaling -c Release)" >&2; exit 1; }
work=$(mktemp -d /tmp/browser-tests.XXXXXX)
log="$work/server.log"
# ONNX apps for onnx.test.mjs, on the same server: models made here with Debian's python3-onnx (never downloaded).
# Without python3-onnx the server starts without them and that test fails saying so.
onnx_args=()
if timeout 60 /usr/bin/python3 "$root/tests/MediaRunner.Tests/Onnx/make_models.py" "$work" >"$work/onnx-models.log" 2>&1; then
  onnx_args=(--Apps:Onnx:0:Id test/invert --Apps:Onnx:0:Model "$work/invert.onnx"
    --Apps:Onnx:1:Id test/mask --Apps:Onnx:1:Model "$work/mask_left.onnx" --Apps:Onnx:1:Mode mask --Apps:Onnx:1:Background 0,255,0)
else
  export ONNX_MODELS_ERROR="could not make the ONNX test models (install python3-onnx: scripts/install-deps.sh --test): $(tail -1 "$work/onnx-models.log")"
fi
DOTNET_CLI_TELEMETRY_OPTOUT=1 timeout -k 5 320 dotnet "$dll" --urls "http://$NETNS_SERVER_ADDR:0" \
  --Bridge:WebRtc:HostAddresses:0 "$NETNS_SERVER_ADDR" "${onnx_args[@]}" >"$log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  if [ "${keep_log:-0}" = 1 ]; then echo "--- server log (last 80 lines of $log)"; tail -80 "$log"; else rm -rf "$work"; fi
}
trap cleanup EXIT
url=""
for _ in $(seq 1 300); do
  url=$(grep -oE 'Now listening on: http://[0-9.]+:[0-9]+' "$log" | head -1 | sed 's/Now listening on: //') || true
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { keep_log=1; echo "browser tests: server exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { keep_log=1; echo "browser tests: server did not start within 30 s" >&2; exit 1; }
echo "server at $url (namespace: server $NETNS_SERVER_ADDR, peer $NETNS_PEER_ADDR)"
rc=0
# Debian 12's own nodejs is 18, whose test runner has neither flag.
flags=()
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] && flags=(--test-concurrency=1 --test-timeout=120000)
BRIDGE_URL="$url" BROWSER_TESTS_WORK="$work" timeout -k 10 290 \
  node --test "${flags[@]}" ${BROWSER_TESTS:-./*.test.mjs} || rc=$?
[ $rc -eq 0 ] || keep_log=1
exit $rc
