#!/usr/bin/python3
"""Self-test of aiortc_peer.py without our stack: an aiortc answerer that echoes the received video back.

Run inside the namespace:  scripts/netns-run.sh /usr/bin/python3 tests/Interop.Tests/peers/aiortc_selftest.py
Starts aiortc_peer.py (candidates on $NETNS_ADDR_B), answers its offer with candidates on $NETNS_ADDR_A, echoes
every frame, prints the peer's result line and exits 0 if the peer received --frames frames, else 1.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys


async def main(args):
    import aioice.ice
    from aiortc import MediaStreamTrack, RTCConfiguration, RTCPeerConnection, RTCSessionDescription

    addr_a, addr_b = os.environ.get("NETNS_ADDR_A"), os.environ.get("NETNS_ADDR_B")
    if not addr_a or not addr_b:
        raise SystemExit("NETNS_ADDR_A/B not set: run me through scripts/netns-run.sh")
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [addr_a]

    peer = await asyncio.create_subprocess_exec(
        sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "aiortc_peer.py"),
        "--host-address", addr_b, "--frames", str(args.frames), "--timeout", str(args.timeout),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    async def read_msg():
        line = await asyncio.wait_for(peer.stdout.readline(), args.timeout)
        if not line:
            raise RuntimeError("peer closed stdout")
        return json.loads(line)

    class Echo(MediaStreamTrack):
        kind = "video"

        def __init__(self, source):
            super().__init__()
            self.source = source
            self.count = 0

        async def recv(self):
            frame = await self.source.recv()
            self.count += 1
            return frame

    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    echoes = []

    @pc.on("track")
    def on_track(track):
        echo = Echo(track)
        echoes.append(echo)
        pc.addTrack(echo)

    try:
        offer = await read_msg()
        assert offer["type"] == "offer", offer
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer["sdp"], type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        peer.stdin.write((json.dumps({"type": "answer", "sdp": pc.localDescription.sdp}) + "\n").encode())
        await peer.stdin.drain()
        while True:
            msg = await asyncio.wait_for(read_msg(), 2 * args.timeout)
            print(json.dumps(msg), flush=True)
            if msg["type"] in ("result", "error"):
                break
        print("echoed frames:", echoes[0].count if echoes else 0, flush=True)
        return 0 if msg["type"] == "result" and msg["framesReceived"] >= args.frames else 1
    finally:
        await asyncio.wait_for(pc.close(), 5)
        if peer.returncode is None:
            try:
                await asyncio.wait_for(peer.wait(), 10)
            except asyncio.TimeoutError:
                peer.kill()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--frames", type=int, default=90)
    p.add_argument("--timeout", type=float, default=20)
    sys.exit(asyncio.run(asyncio.wait_for(main(p.parse_args()), 120)))
