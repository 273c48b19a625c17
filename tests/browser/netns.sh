#!/usr/bin/env bash
# Runs COMMAND inside a private network namespace made just for it (docs/architecture.md#testing-with-real-peers):
#   lo up; a veth pair with BOTH ends inside: veth0 10.255.0.1/24, veth1 10.255.0.2/24;
#   a default route via 10.255.0.2 (Firefox gathers no host candidate without one).
# Headless browsers gather no ICE candidates on loopback alone; the veth addresses give them real host candidates.
# The namespace has no interface leading out, and a fresh namespace does not forward, so nothing the command sends
# can leave it.
#
# Usage: tests/browser/netns.sh COMMAND [ARGS...]   (as root; the command sees NETNS_SERVER_ADDR, NETNS_PEER_ADDR)
# Fails loudly (exit 97) when the namespace cannot be made; COMMAND is never run outside one.
set -euo pipefail

SERVER_ADDR=10.255.0.1
PEER_ADDR=10.255.0.2

die() { echo "netns.sh: $* (the browser tests need root, util-linux 'unshare' and iproute2 'ip' with veth support)" >&2; exit 97; }

[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

if [ "${BROWSER_TESTS_IN_NETNS:-}" != "1" ]; then
  command -v unshare >/dev/null || die "'unshare' not found: install util-linux"
  command -v ip >/dev/null || die "'ip' not found: install iproute2"
  [ "$(id -u)" -eq 0 ] || die "not root: cannot create a network namespace"
  BROWSER_TESTS_IN_NETNS=1 exec unshare -n -- "$(readlink -f "$0")" "$@"
fi

# Inside the new namespace. A fresh one holds exactly 'lo' (down); anything else means this is not ours.
links() { ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' '; }
[ "$(links)" = "lo " ] || die "expected a fresh namespace holding only 'lo', found: $(links)"
ip link set lo up || die "cannot bring up lo"
ip link add veth0 type veth peer name veth1 || die "cannot create a veth pair (kernel module veth missing?)"
ip addr add "$SERVER_ADDR/24" dev veth0 || die "cannot set $SERVER_ADDR on veth0"
ip addr add "$PEER_ADDR/24" dev veth1 || die "cannot set $PEER_ADDR on veth1"
ip link set veth0 up || die "cannot bring up veth0"
ip link set veth1 up || die "cannot bring up veth1"
ip route add default via "$PEER_ADDR" dev veth0 || die "cannot add the default route"
[ "$(links)" = "lo veth0 veth1 " ] || die "unexpected interfaces in the namespace: $(links)"
ip -o -4 addr show dev veth0 | grep -q " $SERVER_ADDR/" || die "veth0 lacks $SERVER_ADDR"
ip -o -4 addr show dev veth1 | grep -q " $PEER_ADDR/" || die "veth1 lacks $PEER_ADDR"

unset BROWSER_TESTS_IN_NETNS
export NETNS_SERVER_ADDR=$SERVER_ADDR NETNS_PEER_ADDR=$PEER_ADDR
exec "$@"
