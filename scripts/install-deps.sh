#!/usr/bin/env bash
# Installs what WebRtcBridge needs on Debian 12, and nothing that is already there.
#   scripts/install-deps.sh          runtime libraries (OpenSSL 3, libvpx7, libturbojpeg0, libyuv0)
#   scripts/install-deps.sh --test   plus the real peers the tests drive: chromium, firefox-esr, python3-aiortc,
#                                    ffmpeg (fake-camera files), python3-onnx (the ONNX tests make their small models), iproute2 + util-linux (network namespaces), node/npm,
#                                    libjpeg-turbo-progs (cjpeg/djpeg: test JPEGs, e.g. the many-scan one)
#   scripts/install-deps.sh --bench  runtime libraries plus what ./bench.sh drives: python3-aiortc, python3-websockets
#                                    (the aiortc benchmark server), iproute2 + util-linux, nftables, curl (scripts/soak.sh)
#   scripts/install-deps.sh --chaos  runtime libraries plus what scripts/chaos-run.sh drives:
#                                    chromium, ffmpeg (fake camera), node/npm, nftables (loss), iproute2 (tc, veth),
#                                    util-linux (unshare, nsenter), procps
# Needs root, or sudo without a password, when something is missing.
set -euo pipefail
want=(libssl3 libvpx7 libturbojpeg0 libyuv0 ca-certificates)
if [ "${1:-}" = "--test" ]; then
  want+=(chromium firefox-esr python3-aiortc python3-numpy python3-onnx ffmpeg iproute2 util-linux procps libjpeg-turbo-progs)
  command -v node >/dev/null 2>&1 || want+=(nodejs)
  command -v npm >/dev/null 2>&1 || want+=(npm)
fi
if [ "${1:-}" = "--bench" ]; then
  want+=(python3-aiortc python3-numpy python3-websockets python3-onnx iproute2 util-linux procps nftables curl)
fi
if [ "${1:-}" = "--chaos" ]; then
  want+=(chromium ffmpeg iproute2 util-linux procps nftables)
  command -v node >/dev/null 2>&1 || want+=(nodejs)
  command -v npm >/dev/null 2>&1 || want+=(npm)
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null || $SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
