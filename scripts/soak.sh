#!/usr/bin/env bash
# The soak run (not part of CI): starts our server, holds N WebRTC sessions streaming against it for M minutes with
# the light load client (`Bench load`: pre-encoded 640x480 30 fps VP8 over real WebRTC, returned frames counted, not
# decoded), and samples the server process every interval: RSS, open file descriptors (of them sockets), threads,
# CPU, the WebRTC sessions /health reports, and the load client's latest fps. Prints a markdown table and a verdict:
# a figure is flat when the largest value in the last third of the run is within TOLERANCE % of the largest value
# in the first third (first third = samples up to M/3 minutes, the sample at 0 included; last third = from 2M/3 on).
# It also samples the idle server before the sessions start and again after they close, so a leak that the steady
# state hides (sockets or threads not given back) shows as well.
#
#   scripts/soak.sh [--minutes M] [--sessions N] [--interval SECONDS] [--tolerance PCT] [--out FILE]
#   defaults: 30 minutes, 8 sessions, 60 s, 10 %; --out also writes the table to FILE
#
# Native contexts (libvpx encoders/decoders, OpenSSL SSL objects) are not counted by the server and are out of
# scope here: each WebRTC session holds one of each, so the session count from /health stands in for them.
# Runs inside a private network namespace (scripts/netns-run.sh: server media on 10.255.0.1, client on 10.255.0.2,
# signaling on 127.0.0.1); needs root or password-less sudo. Exits 1 when a figure is not flat or sessions failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
minutes=30 sessions=8 interval=60 tolerance=10 out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=$2; shift 2 ;;
    --sessions) sessions=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    --tolerance) tolerance=$2; shift 2 ;;
    --out) out=$(readlink -f "$2"); shift 2 ;;
    *) echo "usage: $0 [--minutes M] [--sessions N] [--interval SECONDS] [--tolerance PCT] [--out FILE]" >&2; exit 2 ;;
  esac
done
for v in "$minutes" "$sessions" "$interval" "$tolerance"; do
  [[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -gt 0 ] || { echo "soak.sh: options take whole numbers > 0" >&2; exit 2; }
done

dll="$root/src/Signaling/bin/Release/net10.0/WebRtcBridge.Signaling.dll"
bench="$root/benchmarks/Bench/bin/Release/net10.0/WebRtcBridge.Bench.dll"
if [ -z "${NETNS_RUN:-}" ]; then
  "$root/scripts/install-deps.sh" --bench
  dotnet build -c Release --nologo -v q "$root/src/Signaling/Signaling.csproj" >/dev/null
  dotnet build -c Release --nologo -v q "$root/benchmarks/Bench/Bench.csproj" >/dev/null
  # The whole run under a hard timeout: the soak itself, start-up and the after-close sample.
  exec timeout -k 10 $((minutes * 60 + 600)) "$root/scripts/netns-run.sh" "$(readlink -f "$0")" \
    --minutes "$minutes" --sessions "$sessions" --interval "$interval" --tolerance "$tolerance" ${out:+--out "$out"}
fi

# Inside the namespace from here on.
work=$(mktemp -d /tmp/soak.XXXXXX)
server="" load=""
cleanup() {
  [ -n "$load" ] && { kill "$load" 2>/dev/null || true; wait "$load" 2>/dev/null || true; }
  [ -n "$server" ] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
  echo "soak.sh: logs in $work" >&2
}
trap cleanup EXIT
log() { echo "[soak $(date -u +%H:%M:%S)] $*" >&2; }

DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_gcServer=0 dotnet "$dll" --urls "http://127.0.0.1:0" \
  --Bridge:WebRtc:HostAddresses:0 "$NETNS_ADDR_A" --Bridge:MaxSessions $((sessions + 8)) \
  --Logging:LogLevel:Default Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime Information \
  --Logging:LogLevel:WebRtcBridge Information >"$work/server.log" 2>&1 &
server=$!
port=""
for _ in $(seq 1 300); do
  port=$(grep -oE 'Now listening on: http://127.0.0.1:[0-9]+' "$work/server.log" | head -1 | sed 's/.*://') || true
  [ -n "$port" ] && break
  kill -0 "$server" 2>/dev/null || { tail -30 "$work/server.log" >&2; echo "soak.sh: the server exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "soak.sh: the server did not start within 30 s" >&2; exit 1; }
log "server pid $server on 127.0.0.1:$port; $sessions sessions for $minutes min, a sample every $interval s"

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
last_cpu=$(cpu_ticks) last_t=$(date +%s.%N)
# One sample: label, then RSS MiB, fds, socket fds, threads, CPU % of a core since the last sample, WebRTC sessions,
# the load client's latest window.
sample() {
  local label=$1 rss fds sockets threads cpu now sess fps
  rss=$(awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$server/status")
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$server/status")
  fds=$(find "/proc/$server/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
  sockets=$(find "/proc/$server/fd" -mindepth 1 -maxdepth 1 -lname 'socket:*' 2>/dev/null | wc -l)
  local c t
  c=$(cpu_ticks) t=$(date +%s.%N)
  cpu=$(awk -v c="$c" -v lc="$last_cpu" -v t="$t" -v lt="$last_t" -v hz="$ticks" 'BEGIN {printf "%.0f", 100 * (c - lc) / hz / (t - lt)}')
  last_cpu=$c last_t=$t
  sess=$(curl -s --max-time 5 "http://127.0.0.1:$port/health" | grep -oE '"webrtcSessions":[0-9]+' | cut -d: -f2) || true
  fps=""
  [ -n "$load" ] && fps=$(grep -E '^ *[0-9]+ sessions:' "$work/load.log" 2>/dev/null | tail -1 \
    | sed -E 's/^ *([0-9]+) sessions: fps out min ([0-9.]+) mean ([0-9.]+).*dropped ([0-9.]+)%.*/\1 sessions, min \2 mean \3 fps, dropped \4 %/') || true
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$rss" "$fds" "$sockets" "$threads" "$cpu" "${sess:-n/a}" "${fps:-n/a}" >>"$work/samples.tsv"
  log "$label: RSS $rss MiB, fds $fds ($sockets sockets), threads $threads, CPU $cpu %, sessions ${sess:-n/a}, load: ${fps:-n/a}"
}

sleep 2
sample idle
DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet "$bench" load --url "ws://127.0.0.1:$port/webrtc" --sessions "$sessions" \
  --seconds $((minutes * 60 + 120)) --client-address "$NETNS_ADDR_B" --pid "$server" >"$work/load.log" 2>&1 &
load=$!
# Ready when the load client has printed its first window with every session up.
for _ in $(seq 1 240); do
  grep -qE "^ *$sessions sessions:" "$work/load.log" 2>/dev/null && break
  kill -0 "$load" 2>/dev/null || { tail -30 "$work/load.log" >&2; echo "soak.sh: the load client exited" >&2; exit 1; }
  sleep 0.5
done
grep -qE "^ *$sessions sessions:" "$work/load.log" || { tail -30 "$work/load.log" >&2; echo "soak.sh: sessions did not come up within 120 s" >&2; exit 1; }
start=$(date +%s)
steps=$((minutes * 60 / interval))
for i in $(seq 0 "$steps"); do
  target=$((start + i * interval))
  now=$(date +%s)
  [ "$target" -gt "$now" ] && sleep $((target - now))
  kill -0 "$load" 2>/dev/null || { echo "soak.sh: the load client exited early" >&2; tail -20 "$work/load.log" >&2; break; }
  sample "$(awk -v s=$((i * interval)) 'BEGIN {printf "%d:%02d", s / 60, s % 60}')"
done
kill "$load" 2>/dev/null || true
wait "$load" 2>/dev/null || true
load=""
# Give the server time to notice the closed sessions (signaling sockets close at once; consent takes longer).
for _ in $(seq 1 60); do
  n=$(curl -s --max-time 5 "http://127.0.0.1:$port/health" | grep -oE '"webrtcSessions":[0-9]+' | cut -d: -f2) || true
  [ "${n:-0}" = 0 ] && break
  sleep 1
done
sleep 5
sample "after close"

# The table and the verdict.
awk -F'\t' -v minutes="$minutes" -v tol="$tolerance" -v sessions="$sessions" -v interval="$interval" \
  -v date="$(date -u '+%Y-%m-%d %H:%M')" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" -v cores="$(nproc)" '
function secs(label,   p) { split(label, p, ":"); return p[1] * 60 + p[2] }
{ label[NR] = $1; rss[NR] = $2; fds[NR] = $3; sock[NR] = $4; thr[NR] = $5; cpu[NR] = $6; sess[NR] = $7; fps[NR] = $8 }
END {
  printf "Soak run %s UTC: %d sessions for %d min, a sample every %d s; %d cores, load average at the end %s.\n\n", date, sessions, minutes, interval, cores, load
  print "| t (min:s) | RSS MiB | fds | of them sockets | threads | CPU % of a core | WebRTC sessions (/health) | load client (latest 5 s window) |"
  print "|---|---|---|---|---|---|---|---|"
  for (i = 1; i <= NR; i++) printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", label[i], rss[i], fds[i], sock[i], thr[i], cpu[i], sess[i], fps[i]
  T = minutes * 60
  split("rss fds threads", names, " ")
  ok = 1
  printf "\nVerdict (flat = max of the last third (t >= %d s) <= max of the first third (t <= %d s) + %d %%):\n", 2 * T / 3, T / 3, tol
  for (k = 1; k <= 3; k++) {
    first = -1; last = -1
    for (i = 1; i <= NR; i++) {
      if (label[i] == "idle" || label[i] == "after close") continue
      s = secs(label[i])
      v = (k == 1 ? rss[i] : k == 2 ? fds[i] : thr[i]) + 0
      if (s <= T / 3 && v > first) first = v
      if (s >= 2 * T / 3 && v > last) last = v
    }
    flat = (first >= 0 && last >= 0 && last <= first * (1 + tol / 100))
    if (!flat) { ok = 0; notflat = notflat " " names[k] }
    printf "- %s: first third max %s, last third max %s (%+.1f %%): %s\n", names[k], first, last, (first > 0 ? 100 * (last - first) / first : 0), (flat ? "flat" : "NOT flat")
  }
  # Every sample during the run must see every session up.
  bad = 0
  for (i = 1; i <= NR; i++) if (label[i] != "idle" && label[i] != "after close" && sess[i] != sessions && sess[i] != "n/a") bad++
  printf "- sessions: %s\n", (bad == 0 ? "all " sessions " up in every sample" : bad " samples with fewer than " sessions " sessions (the server log says why: see below)")
  printf "- after close: RSS %s MiB, fds %s, threads %s, sessions %s (idle before: RSS %s MiB, fds %s, threads %s)\n", rss[NR], fds[NR], thr[NR], sess[NR], rss[1], fds[1], thr[1]
  printf "- native contexts (libvpx, OpenSSL): not counted by the server; one encoder, decoder and SSL object per WebRTC session\n"
  printf "\n**Resources %s. Sessions %s.**\n", (ok ? "flat" : "NOT flat:" notflat), (bad == 0 ? "all up throughout" : "LOST during the run")
  exit (ok && bad == 0) ? 0 : 1
}' "$work/samples.tsv" >"$work/report.md" || rc=$?
# Why sessions ended while the load still ran (the server logs each end at Information).
ends=$(grep -c 'connection ended\|session ended' "$work/server.log" || true)
{
  echo
  echo "Server log: $ends session ends with a reason logged (a client's normal close is not logged), by reason:"
  { grep -oE '(WebRTC connection ended|WebRTC session ended).*' "$work/server.log" || true; } | sort | uniq -c | sort -rn | head -5 \
    | sed 's/^/    /'
} >>"$work/report.md"
cat "$work/report.md"
if [ -n "$out" ]; then cp "$work/report.md" "$out"; fi
exit "${rc:-0}"
