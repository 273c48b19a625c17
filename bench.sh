#!/usr/bin/env bash
# The benchmark report (docs/benchmarks.md): installs what is missing (runtime libraries, python3-aiortc and
# python3-websockets for the aiortc side-by-side server), builds Release, and runs `Bench report` inside a private
# network namespace (scripts/netns-run.sh: aiortc gathers no ICE candidates on loopback; nothing leaves the machine).
# Prints one markdown table on stdout (progress on stderr) and writes docs/benchmarks.md. About 5-8 minutes on 2 cores.
#   ./bench.sh [--cpu-used N] [--bitrate-kbps N] [--window SECONDS] [--out PATH] [--no-aiortc]
# Needs root or password-less sudo (apt-get, unshare -n).
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh --bench
dotnet build -c Release --nologo -v q src/Signaling/Signaling.csproj >/dev/null
dotnet build -c Release --nologo -v q benchmarks/Bench/Bench.csproj >/dev/null
exec scripts/netns-run.sh dotnet benchmarks/Bench/bin/Release/net10.0/WebRtcBridge.Bench.dll report "$@"
