#!/usr/bin/env bash
# Installs the pinned npm packages (once), starts our server (built Release output) on an ephemeral 127.0.0.1 port
# with an API key configured, and runs the Node test files against it with fal's own client.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
if [ ! -d node_modules/@fal-ai/client ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
dll="$root/src/Signaling/bin/Release/net10.0/WebRtcBridge.Signaling.dll"
[ -f "$dll" ] || dotnet build "$root/src/Signaling" -c Release -nologo -v:q >/dev/null
log=$(mktemp)
dotnet "$dll" --urls http://127.0.0.1:0 --Auth:Keys:0=node-test:s3cret >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT
url=""
for _ in $(seq 1 300); do
  url=$(grep -oE 'Now listening on: http://127\.0\.0\.1:[0-9]+' "$log" | head -1 | sed 's/Now listening on: //') || true
  [ -n "$url" ] && break
  kill -0 $server 2>/dev/null || { cat "$log"; echo "server exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { cat "$log"; echo "server did not start" >&2; exit 1; }
echo "server at $url"
# Debian 12's own nodejs is 18, whose test runner has neither flag (it runs files one at a time on 2 cores anyway).
flags=()
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] && flags=(--test-concurrency=1 --test-timeout=60000)
BRIDGE_URL="$url" BRIDGE_KEY="node-test:s3cret" node --test "${flags[@]}" ./*.test.mjs
