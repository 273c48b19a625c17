#!/usr/bin/env bash
# The chaos run (not part of CI): Debian's Chromium streams its fake camera through our server (filter invert) while
# the network between them is impaired in phases -- baseline, 5 % random UDP loss, 0-30 ms jitter, a 1 Mbit/s cap,
# recovery -- and reports per phase the fps coming back, the longest freeze, the round trip (the demo page's stamped
# frame counter) and whether the one session survived every phase and recovered. Writes the table into
# docs/benchmarks.md, section "Chaos run" (replacing an earlier one), and prints it.
#
#   scripts/chaos-run.sh [--baseline S] [--phase S] [--recovery S] [--loss PCT] [--jitter MS] [--rate RATE]
#                        [--keep-order] [--out PATH] [--no-write]
#   defaults: 15 s baseline, 30 s each impairment, 15 s recovery, 5 % loss, 0-30 ms jitter, 1mbit, packets may be
#   reordered by the jitter (--keep-order: never)
#
# Network (this kernel has no netem, so each impairment is made with what it has):
#   namespace "server" (unshare -n): lo, veth-s 10.255.0.1; the server (HTTP on 10.255.0.1, media socket bound to
#     127.0.0.1:40000, announcing 10.255.0.1:40000) and benchmarks/chaos/relay.mjs on 10.255.0.1:40000 -> 127.0.0.1:40000
#   namespace "client" (a second unshare -n inside): lo, veth-c 10.255.0.2, default route via 10.255.0.1; Chromium
#   So every media packet crosses the veth pair and the relay. Loss: nftables rules on veth-s (input and output,
#   UDP only); jitter: the relay; cap: tc tbf on the egress of both veth ends. Nothing leaves the namespaces.
# Needs root or password-less sudo (apt-get, unshare -n, nft, tc).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
SERVER_ADDR=10.255.0.1
CLIENT_ADDR=10.255.0.2
MEDIA_PORT=40000

die() { echo "chaos-run.sh: $*" >&2; exit 97; }

if [ "${__CHAOS_INSIDE:-}" != "1" ]; then
  "$root/scripts/install-deps.sh" --chaos
  dotnet build -c Release --nologo -v q "$root/src/Signaling/Signaling.csproj" >/dev/null
  if [ ! -f "$root/benchmarks/chaos/node_modules/playwright-core/package.json" ]; then
    (cd "$root/benchmarks/chaos" && timeout 300 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  command -v unshare >/dev/null || die "unshare not found (Debian package util-linux)"
  self=$(readlink -f "$0")
  if [ "$(id -u)" -eq 0 ]; then
    __CHAOS_INSIDE=1 exec timeout -k 10 900 unshare -n -- "$self" "$@"
  fi
  command -v sudo >/dev/null || die "not root and sudo not found: cannot create a network namespace"
  exec sudo -E env __CHAOS_INSIDE=1 timeout -k 10 900 unshare -n -- "$self" "$@"
fi

# Inside the server's namespace from here on. A fresh one holds only 'lo'.
unset __CHAOS_INSIDE
links() { ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' '; }
[ "$(links)" = "lo " ] || die "expected a fresh namespace holding only 'lo', found: $(links)"
ip link set lo up
ip link add veth-s type veth peer name veth-c || die "cannot create a veth pair"

# The client's namespace lives as long as this holder process does.
unshare -n -- sleep 100000 &
holder=$!
work=$(mktemp -d /tmp/chaos-run.XXXXXX)
server=""
cleanup() {
  [ -n "$server" ] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
  kill "$holder" 2>/dev/null || true
  wait "$holder" 2>/dev/null || true
  if [ "${keep_work:-0}" = 1 ]; then echo "chaos-run.sh: logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
in_client() { nsenter -t "$holder" -n -- "$@"; }
for _ in $(seq 1 50); do
  [ "$(readlink /proc/$holder/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
  sleep 0.1
done
[ "$(readlink /proc/$holder/ns/net)" != "$(readlink /proc/self/ns/net)" ] || die "the client namespace was not made"
ip link set veth-c netns "$holder" || die "cannot move veth-c into the client namespace"
ip addr add "$SERVER_ADDR/24" dev veth-s
ip link set veth-s up
in_client ip link set lo up
in_client ip addr add "$CLIENT_ADDR/24" dev veth-c
in_client ip link set veth-c up
in_client ip route add default via "$SERVER_ADDR" dev veth-c
[ "$(links)" = "lo veth-s " ] || die "unexpected interfaces in the server namespace: $(links)"
[ "$(in_client ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' ')" = "lo veth-c " ] \
  || die "unexpected interfaces in the client namespace"

dll="$root/src/Signaling/bin/Release/net10.0/WebRtcBridge.Signaling.dll"
[ -f "$dll" ] || die "$dll missing: build first (dotnet build src/Signaling -c Release)"
log="$work/server.log"
# One host address (127.0.0.1, which the client namespace cannot reach) makes the server bind its media socket
# there; the announced address is the relay's. A fixed port lets the relay know where to forward.
DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet "$dll" --urls "http://$SERVER_ADDR:0" \
  --Bridge:WebRtc:HostAddresses:0 127.0.0.1 --Bridge:WebRtc:AnnouncedAddress "$SERVER_ADDR" \
  --Bridge:WebRtc:MinPort "$MEDIA_PORT" --Bridge:WebRtc:MaxPort "$MEDIA_PORT" >"$log" 2>&1 &
server=$!
url=""
for _ in $(seq 1 300); do
  url=$(grep -oE 'Now listening on: http://[0-9.]+:[0-9]+' "$log" | head -1 | sed 's/Now listening on: //') || true
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { keep_work=1; tail -40 "$log" >&2; die "the server exited"; }
  sleep 0.1
done
[ -n "$url" ] || { keep_work=1; die "the server did not start within 30 s"; }
echo "chaos-run.sh: server at $url (pid $server), media 127.0.0.1:$MEDIA_PORT via relay $SERVER_ADDR:$MEDIA_PORT; client namespace of pid $holder" >&2

rc=0
BRIDGE_URL="$url" BROWSER_TESTS_WORK="$work" CHAOS_CLIENT_PID="$holder" CHAOS_SERVER_PID="$server" \
  CHAOS_SERVER_LOG="$log" CHAOS_SERVER_DEV=veth-s CHAOS_CLIENT_DEV=veth-c CHAOS_MEDIA_PORT="$MEDIA_PORT" \
  CHAOS_RELAY_LISTEN="$SERVER_ADDR:$MEDIA_PORT" CHAOS_RELAY_TARGET="127.0.0.1:$MEDIA_PORT" CHAOS_ROOT="$root" \
  node "$root/benchmarks/chaos/chaos.mjs" "$@" || rc=$?
[ $rc -eq 0 ] || keep_work=1
exit $rc
