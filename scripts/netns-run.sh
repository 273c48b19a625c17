#!/usr/bin/env bash
# Runs a command inside a private network namespace made for it (unshare -n), with loopback up and a veth pair
# whose BOTH ends live in that namespace:
#   veth-a 10.255.0.1/24   veth-b 10.255.0.2/24   default route via 10.255.0.2 (Firefox wants one)
# The command sees NETNS_ADDR_A=10.255.0.1 and NETNS_ADDR_B=10.255.0.2 (and NETNS_RUN=1).
# The namespace has no other interface, so nothing the command sends can leave it: real-peer tests (aiortc,
# Chromium, Firefox) gather the veth addresses as host candidates and talk to each other there.
#
# Usage: scripts/netns-run.sh COMMAND [ARGS...]
#   e.g. scripts/netns-run.sh dotnet test tests/Interop.Tests --filter "Category=Interop"
# Build first (outside) if a restore may need the network: the namespace has none.
#
# Fails loudly (exit 97, message on stderr) when the namespace cannot be made or does not look as expected;
# the command is never run outside it. Otherwise exits with the command's exit code.
set -euo pipefail

ADDR_A=10.255.0.1
ADDR_B=10.255.0.2
PREFIX=24

die() { echo "netns-run.sh: $*" >&2; exit 97; }

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

if [ "${__NETNS_RUN_INSIDE:-}" != "1" ]; then
  # Outside: re-enter this script in a fresh network namespace.
  command -v unshare >/dev/null || die "unshare not found (Debian package util-linux)"
  command -v ip >/dev/null || die "ip not found (Debian package iproute2)"
  self=$(readlink -f "$0")
  if [ "$(id -u)" -eq 0 ]; then
    unshare -n true || die "unshare -n failed: cannot create a network namespace (needs CAP_SYS_ADMIN)"
    __NETNS_RUN_INSIDE=1 exec unshare -n -- "$self" "$@"
  fi
  command -v sudo >/dev/null || die "not root and sudo not found: cannot create a network namespace"
  # sudo -E keeps the caller's environment (PATH, DOTNET_*); the inner script runs the command as root.
  exec sudo -E env __NETNS_RUN_INSIDE=1 unshare -n -- "$self" "$@" \
    || die "sudo unshare -n failed: cannot create a network namespace"
fi

# Inside the new namespace from here on.
unset __NETNS_RUN_INSIDE
# A namespace made by unshare -n starts with loopback only (down). Anything else means we are not in a fresh one.
existing=$(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' ')
[ "$existing" = "lo " ] || die "expected a fresh namespace with only 'lo', found: $existing"

ip link set lo up || die "cannot bring up lo"
ip link add veth-a type veth peer name veth-b || die "cannot create veth pair (kernel module veth?)"
ip addr add "$ADDR_A/$PREFIX" dev veth-a || die "cannot set $ADDR_A on veth-a"
ip addr add "$ADDR_B/$PREFIX" dev veth-b || die "cannot set $ADDR_B on veth-b"
ip link set veth-a up || die "cannot bring up veth-a"
ip link set veth-b up || die "cannot bring up veth-b"
ip route add default via "$ADDR_B" dev veth-a || die "cannot add default route"

# Check the result: exactly lo, veth-a, veth-b, all up, with the addresses above.
links=$(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' ')
[ "$links" = "lo veth-a veth-b " ] || die "unexpected interfaces in namespace: $links"
ip -o -4 addr show dev veth-a | grep -q " $ADDR_A/" || die "veth-a lacks $ADDR_A"
ip -o -4 addr show dev veth-b | grep -q " $ADDR_B/" || die "veth-b lacks $ADDR_B"

export NETNS_RUN=1 NETNS_ADDR_A="$ADDR_A" NETNS_ADDR_B="$ADDR_B"
exec "$@"
