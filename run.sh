#!/usr/bin/env bash
# Installs what is missing, then starts the server with the browser demo on http://localhost:5000.
# Extra arguments go to the server, e.g. ./run.sh --urls http://0.0.0.0:8080
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
exec dotnet run -c Release --project src/Signaling -- "$@"
