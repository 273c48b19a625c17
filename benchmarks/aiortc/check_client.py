#!/usr/bin/python3
"""Smoke/load check for a /webrtc identity server (aiortc_server.py or WebRtcBridge): N concurrent sessions.

Each session opens the WebSocket, waits for {"type":"ready"}, offers one sendrecv VP8 video track carrying a
generated 640x480 moving pattern at --fps (aiortc, candidates in the offer), applies the answer and counts the frames
that come back for --seconds. Prints one JSON line per session and a total line to stdout; exit 1 if any session got
no frames back.

aiortc gathers nothing on loopback alone; run it (and the server) in a private namespace, e.g.
  scripts/netns-run.sh bash -c '
    /usr/bin/python3 benchmarks/aiortc/aiortc_server.py --ice-address $NETNS_ADDR_A > port.txt &
    ... /usr/bin/python3 benchmarks/aiortc/check_client.py --url ws://127.0.0.1:PORT/webrtc --ice-address $NETNS_ADDR_B'
"""

import argparse
import asyncio
import fractions
import json
import logging
import os
import sys
import time

import numpy as np

WIDTH, HEIGHT, CLOCK = 640, 480, 90000


def make_planes(count, noise):
    """`count` I420 frames (as (h*3/2, w) arrays) of a luma ramp with a moving bar, plus random luma noise of
    +-`noise` (hard to compress: drives the encoder to its bitrate); built once, cycled."""
    rng = np.random.default_rng(1)
    ramp = np.tile(np.linspace(16, 220, WIDTH, dtype=np.uint8), (HEIGHT, 1))
    u = np.full((HEIGHT // 4, WIDTH), 100, dtype=np.uint8)
    v = np.full((HEIGHT // 4, WIDTH), 150, dtype=np.uint8)
    frames = []
    for i in range(count):
        y = ramp.copy()
        x = (i * 16) % (WIDTH - 32)
        y[:, x : x + 32] = 235
        if noise:
            y = np.clip(y.astype(np.int16) + rng.integers(-noise, noise + 1, y.shape), 0, 255).astype(np.uint8)
        frames.append(np.concatenate([y, u, v]))
    return frames


def make_track(fps, planes):
    from aiortc import VideoStreamTrack
    from av import VideoFrame

    class PatternTrack(VideoStreamTrack):
        def __init__(self):
            super().__init__()
            self.sent = 0
            self.start = None

        async def recv(self):
            if self.start is None:
                self.start = time.monotonic()
            wait = self.start + self.sent / fps - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            frame = VideoFrame.from_ndarray(planes[self.sent % len(planes)], format="yuv420p")
            frame.pts = int(self.sent * CLOCK / fps)
            frame.time_base = fractions.Fraction(1, CLOCK)
            self.sent += 1
            return frame

    return PatternTrack()


async def session(index, args, planes):
    import websockets
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

    result = {"session": index, "framesReturned": 0, "framesSent": 0, "fps": 0.0, "error": None}
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    track = make_track(args.fps, planes)
    pc.addTransceiver(track, direction="sendrecv")
    returned = {"n": 0, "first": None, "last": None, "pts": []}
    consumers = []

    async def consume(remote):
        try:
            while True:
                frame = await remote.recv()
                returned["n"] += 1
                returned["last"] = time.monotonic()
                if returned["first"] is None:
                    returned["first"] = returned["last"]
                if len(returned["pts"]) < 3:
                    returned["pts"].append(frame.pts)
        except Exception:
            pass

    @pc.on("track")
    def on_track(remote):
        consumers.append(asyncio.ensure_future(consume(remote)))

    try:
        async with websockets.connect(args.url, compression=None, open_timeout=10) as ws:
            first = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if first.get("type") != "ready":
                raise RuntimeError("first message was %r, not ready" % first)
            await pc.setLocalDescription(await pc.createOffer())
            await ws.send(json.dumps({"type": "offer", "sdp": pc.localDescription.sdp}))
            other = []
            while True:
                msg = json.loads(await asyncio.wait_for(ws.recv(), 15))
                if msg.get("type") == "answer":
                    break
                other.append(msg.get("type"))
                if msg.get("type") == "error":
                    raise RuntimeError("server error: %s" % msg.get("error"))
            await pc.setRemoteDescription(RTCSessionDescription(sdp=msg["sdp"], type="answer"))
            start = time.monotonic()
            stats = []

            async def read_rest():
                async for raw in ws:
                    m = json.loads(raw)
                    if m.get("type") == "stats":
                        stats.append(m)
                    elif m.get("type") == "error":
                        result.setdefault("serverErrors", []).append(m.get("error"))

            reader = asyncio.ensure_future(read_rest())
            await asyncio.sleep(args.seconds)
            # frames per second between the first and the last returned frame
            n, t0, t1 = returned["n"], returned["first"], returned["last"]
            result["framesReturned"] = n
            result["framesSent"] = track.sent
            result["secondsToFirstFrame"] = round(t0 - start, 3) if t0 else None
            result["fps"] = round((n - 1) / (t1 - t0), 2) if n > 1 and t1 > t0 else 0.0
            result["firstPts"] = returned["pts"]
            result["lastServerStats"] = stats[-1] if stats else None
            await ws.send(json.dumps({"type": "close"}))
            reader.cancel()
    except Exception as exc:
        result["error"] = "%s: %s" % (type(exc).__name__, exc)
    for c in consumers:
        c.cancel()
    try:
        await asyncio.wait_for(pc.close(), 3)
    except Exception:
        pass
    return result


async def run(args):
    planes = make_planes(30, args.noise)
    results = await asyncio.gather(*[session(i, args, planes) for i in range(args.sessions)])
    for r in results:
        print(json.dumps(r), flush=True)
    total = {"total": True, "sessions": args.sessions,
             "fps": round(sum(r["fps"] for r in results), 2),
             "framesReturned": sum(r["framesReturned"] for r in results)}
    print(json.dumps(total), flush=True)
    return all(r["framesReturned"] > 0 and not r["error"] for r in results)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="e.g. ws://127.0.0.1:PORT/webrtc")
    parser.add_argument("--ice-address", required=True, help="the one address this client gathers candidates on")
    parser.add_argument("--sessions", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--noise", type=int, default=0, help="random luma noise amplitude (0 = clean pattern)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if args.verbose else logging.ERROR)

    import aioice.ice

    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [args.ice_address]
    ok = asyncio.run(run(args))
    sys.stdout.flush()
    os._exit(0 if ok else 1)


if __name__ == "__main__":
    main()
