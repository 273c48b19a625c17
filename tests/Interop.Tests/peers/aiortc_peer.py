#!/usr/bin/python3
"""aiortc (Debian python3-aiortc 1.4) client peer for interop tests.

Sends a generated 640x480 moving test pattern as a video track and receives the remote video track, counting
decoded frames. Signaling is JSON lines on stdin/stdout:

  out: {"type":"offer","sdp":...}           --role offer (default), after ICE gathering completed (candidates
                                             are in the SDP)
  in:  {"type":"answer","sdp":...}
  (--role answer: in {"type":"offer"}, out {"type":"answer"} with aiortc's candidates, full ICE, controlled)
  in:  {"type":"stop"}                       optional: finish now and report
  out: {"type":"state", ...}                 progress notes (connection state changes)
  out: {"type":"result","framesReceived":..,"framesSent":..,"width":..,"height":..,...}   then exit 0
       (also: framesChecked/framesNonBlank: every 10th frame checked for a luma range > 32; maxChromaDeviation:
       the largest mean |U-128|,|V-128| of those frames, about 0 for gray video)
  out: {"type":"error","message":...}        then exit 1

It stops after --frames received frames or --timeout seconds, whichever comes first (a timeout is not an error:
the result says how far it got; the caller decides). Everything is bounded: a watchdog ends the process with
exit code 3 if the run overshoots --timeout by --grace seconds, whatever aiortc is doing.
stdout carries only the JSON lines; logging goes to stderr.
"""

import argparse
import asyncio
import fractions
import json
import logging
import os
import sys
import threading
import time

import numpy as np

WIDTH, HEIGHT = 640, 480


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def hard_exit(code):
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def restrict_host_addresses(address):
    """Make aioice gather candidates on this one address only (it gathers every interface otherwise)."""
    import aioice.ice

    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [address]


def make_pattern_track(fps):
    from aiortc import VideoStreamTrack
    from av import VideoFrame

    # I420 planes of a 640x480 pattern: horizontal luma ramp, a white bar that moves 8 px per frame, chroma bands.
    base_y = np.tile(np.linspace(16, 200, WIDTH, dtype=np.uint8), (HEIGHT, 1))
    u = np.full((HEIGHT // 2, WIDTH // 2), 90, dtype=np.uint8)
    v = np.full((HEIGHT // 2, WIDTH // 2), 160, dtype=np.uint8)
    u[:, : WIDTH // 4] = 200
    v[HEIGHT // 4 :, :] = 60
    clock_rate = 90000

    class PatternTrack(VideoStreamTrack):
        def __init__(self):
            super().__init__()
            self.sent = 0
            self._start = None

        async def recv(self):
            if self._start is None:
                self._start = time.time()
            index = self.sent
            wait = self._start + index / fps - time.time()
            if wait > 0:
                await asyncio.sleep(wait)
            y = base_y.copy()
            x = (index * 8) % (WIDTH - 32)
            y[:, x : x + 32] = 235
            # frame counter as a dark block whose height encodes index % 64
            y[: (index % 64) * 4 + 4, :16] = 16
            frame = VideoFrame.from_ndarray(np.concatenate([y, u.reshape(-1, WIDTH), v.reshape(-1, WIDTH)]), format="yuv420p")
            frame.pts = int(index * clock_rate / fps)
            frame.time_base = fractions.Fraction(1, clock_rate)
            self.sent += 1
            return frame

    return PatternTrack()


class StdinReader:
    """Reads JSON lines from stdin on a daemon thread into an asyncio queue (bounded: signaling is a few lines)."""

    def __init__(self, loop):
        self.queue = asyncio.Queue(maxsize=64)
        self._loop = loop
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            try:
                msg = json.loads(line)
            except ValueError:
                msg = {"type": "bad-json", "line": line[:200]}
            self._loop.call_soon_threadsafe(self._put, msg)
        self._loop.call_soon_threadsafe(self._put, {"type": "eof"})

    def _put(self, msg):
        try:
            self.queue.put_nowait(msg)
        except asyncio.QueueFull:
            pass

    async def next(self, timeout):
        return await asyncio.wait_for(self.queue.get(), timeout)


def srtp_profile_name(pc):
    """Name of the negotiated SRTP profile, read from OpenSSL through pyOpenSSL's cffi binding if possible."""
    try:
        from OpenSSL import SSL

        for transceiver in pc.getTransceivers():
            dtls = transceiver.receiver.transport
            conn = getattr(dtls, "ssl", None)
            if conn is None:
                continue
            profile = SSL._lib.SSL_get_selected_srtp_profile(conn._ssl)
            if profile != SSL._ffi.NULL:
                return SSL._ffi.string(profile.name).decode()
    except Exception as exc:  # not every pyOpenSSL build exposes the symbol
        return "unknown (%s)" % type(exc).__name__
    return "none"


def dtls_role(pc):
    for transceiver in pc.getTransceivers():
        role = getattr(transceiver.receiver.transport, "_role", None)
        if role:
            return role
    return None


async def run(args):
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

    loop = asyncio.get_running_loop()
    stdin = StdinReader(loop)
    if args.host_address:
        restrict_host_addresses(args.host_address)

    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    track = make_pattern_track(args.fps)
    if args.role == "offer":
        pc.addTransceiver(track, direction="sendrecv")

    received = {"frames": 0, "width": 0, "height": 0, "nonBlank": 0, "checked": 0, "first": None, "chroma": 0.0}
    done = asyncio.Event()
    failed = {"reason": None}

    async def consume(remote):
        while True:
            frame = await remote.recv()
            n = received["frames"] = received["frames"] + 1
            if received["first"] is None:
                received["first"] = time.time()
            received["width"], received["height"] = frame.width, frame.height
            if n % 10 == 1:
                planes = frame.to_ndarray(format="yuv420p")  # (h*3/2, w): Y, then U and V rows
                luma = planes[: frame.height]
                chroma = planes[frame.height :].astype(np.int16) - 128
                received["checked"] += 1
                if int(luma.max()) - int(luma.min()) > 32:
                    received["nonBlank"] += 1
                # mean |U-128|, |V-128| over the frame: about 0 for a gray picture, tens for our pattern
                received["chroma"] = max(received["chroma"], float(np.abs(chroma).mean()))
            if n >= args.frames:
                done.set()

    consumers = []

    @pc.on("track")
    def on_track(remote):
        if remote.kind == "video":
            consumers.append(asyncio.ensure_future(consume(remote)))

    @pc.on("connectionstatechange")
    def on_state():
        emit({"type": "state", "connectionState": pc.connectionState, "iceConnectionState": pc.iceConnectionState})
        if pc.connectionState == "failed":
            failed["reason"] = "connection failed"
            done.set()

    async def wait_for(kind):
        while True:
            msg = await stdin.next(args.timeout)
            if msg.get("type") == kind:
                return msg
            if msg.get("type") in ("eof", "stop"):
                raise RuntimeError("no %s: got %s" % (kind, msg.get("type")))

    if args.role == "offer":
        await asyncio.wait_for(pc.setLocalDescription(await pc.createOffer()), args.timeout)
        emit({"type": "offer", "sdp": pc.localDescription.sdp})
        answer = await wait_for("answer")
        await asyncio.wait_for(pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer")), args.timeout)
    else:
        offer = await wait_for("offer")
        await asyncio.wait_for(pc.setRemoteDescription(RTCSessionDescription(sdp=offer["sdp"], type="offer")), args.timeout)
        pc.addTrack(track)  # takes the transceiver the offer created
        # setLocalDescription gathers candidates; they are in the answer (no trickle)
        await asyncio.wait_for(pc.setLocalDescription(await pc.createAnswer()), args.timeout)
        emit({"type": "answer", "sdp": pc.localDescription.sdp})
    started = time.time()

    async def watch_stdin():
        while True:
            m = await stdin.queue.get()
            if m.get("type") in ("stop", "eof"):
                done.set()
                return

    stdin_task = asyncio.ensure_future(watch_stdin())
    try:
        await asyncio.wait_for(done.wait(), args.timeout)
    except asyncio.TimeoutError:
        pass
    elapsed = time.time() - started
    result = {
        "type": "result",
        "framesReceived": received["frames"],
        "framesSent": track.sent,
        "width": received["width"],
        "height": received["height"],
        "framesChecked": received["checked"],
        "framesNonBlank": received["nonBlank"],
        "maxChromaDeviation": round(received["chroma"], 2),
        "seconds": round(elapsed, 3),
        "secondsToFirstFrame": round(received["first"] - started, 3) if received["first"] else None,
        "connectionState": pc.connectionState,
        "srtpProfile": srtp_profile_name(pc),
        "dtlsRole": dtls_role(pc),
        "failure": failed["reason"],
    }
    emit(result)
    stdin_task.cancel()
    for c in consumers:
        c.cancel()
    try:
        await asyncio.wait_for(pc.close(), 5)
    except Exception:
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--role", choices=["offer", "answer"], default="offer",
                        help="offer: print an offer, read an answer (default); answer: read an offer, print the answer")
    parser.add_argument("--host-address", help="gather ICE candidates on this address only (e.g. $NETNS_ADDR_B)")
    parser.add_argument("--frames", type=int, default=150, help="stop after receiving this many frames")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds for each wait and for the media run")
    parser.add_argument("--grace", type=float, default=30.0, help="extra seconds before the watchdog kills us")
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if args.verbose else logging.WARNING)

    # Watchdog: answer wait + media run + grace, then exit no matter what.
    budget = 2 * args.timeout + args.grace

    def watchdog():
        emit({"type": "error", "message": "watchdog: run exceeded %.0f s" % budget})
        hard_exit(3)

    timer = threading.Timer(budget, watchdog)
    timer.daemon = True
    timer.start()
    try:
        asyncio.run(run(args))
    except BaseException as exc:  # report anything, including KeyboardInterrupt, as one JSON line
        emit({"type": "error", "message": "%s: %s" % (type(exc).__name__, exc)})
        hard_exit(1)
    hard_exit(0)


if __name__ == "__main__":
    main()
