#!/usr/bin/python3
"""Benchmark baseline: the /webrtc endpoint with the `identity` filter, rebuilt on Debian's python3-aiortc (1.4).

One load client can drive this server and WebRtcBridge side by side. It speaks the message set of
docs/protocols.md#webrtc-signaling, as JSON text frames on a WebSocket (any path, e.g. /webrtc):

  S->C  {"type":"ready"}                                    first, right after the WebSocket is accepted
  C->S  {"type":"offer","sdp":...}                          -> RTCPeerConnection; each received video track is sent
                                                               back unchanged (identity) on the same transceiver
  S->C  {"type":"answer","sdp":...}                          aiortc gathers while setting the local description, so
  S->C  {"type":"icecandidate","candidate":null}               every candidate is in the answer; then end-of-candidates
  C->S  {"type":"icecandidate",...}, {"type":"params",...}   accepted and ignored (aiortc 1.4 cannot trickle; the
                                                               offer must carry the client's candidates)
  C->S  {"type":"close"}                                     closes the peer connection and the socket
  S->C  {"type":"stats",...}                                 every --stats-interval seconds (0 = never) once answered:
                                                               fpsIn/fpsOut/framesIn/framesOut/bitrateKbps (RTP bytes
                                                               sent) and queued (decoded frames waiting), a subset of
                                                               WebRtcBridge's stats message
  S->C  {"type":"error","error":"..."}                       bad JSON, unknown type, failed offer; the session goes on

When the peer connection fails or closes, or every received video track ends (the client shut DTLS down), the socket
is closed. On SIGTERM/SIGINT every peer connection is closed and
the process exits 0.

Run with Debian's interpreter (python3-aiortc, python3-numpy, python3-websockets 10.4 are Debian packages):

  /usr/bin/python3 benchmarks/aiortc/aiortc_server.py --host 127.0.0.1 --port 0 --ice-address 10.255.0.1 \
      --bitrate-kbps 1000

stdout carries exactly one line, `listening PORT`, once the WebSocket server listens. Logging goes to stderr (warnings
only unless --verbose); at exit one `stats {...}` JSON line with the process-wide frame counters goes to stderr.

aiortc's media path, for comparing with ours (read from /usr/lib/python3/dist-packages/aiortc, version 1.4.0):

* VP8 encoder (aiortc/codecs/vpx.py, libvpx through cffi): cpu-used -6 (VP8E_SET_CPUUSED), deadline VPX_DL_REALTIME,
  end-usage VPX_CBR, g_lag_in_frames 0, g_threads from number_of_threads(): 1 thread at 640x480 (and on any machine with
  fewer than 3 CPUs; 2 threads only above 640x480 with >= 3 CPUs), noise sensitivity 4, static threshold 1, one token
  partition, quantizer 2..56, undershoot 100 %, overshoot 15 %, buffer initial/optimal/size 500/600/1000 ms,
  keyframes auto with kf_max_dist 3000, no resize, libvpx defaults otherwise (error resilience off, frame dropping
  off). Frame duration given to libvpx is always 3000/90000 s (MAX_FRAME_RATE 30). So cpu-used (-6) and threads (1)
  match our encoder; rate control and noise sensitivity may differ. A PLI/FIR from the peer forces a keyframe.
  Bitrate: DEFAULT_BITRATE 500 kbps, clamped to MIN_BITRATE 250 kbps .. MAX_BITRATE 1.5 Mbps when REMB moves it;
  --bitrate-kbps sets all three so REMB cannot move it. Encoding runs in the event loop's default thread pool
  (run_in_executor), one frame at a time per sender; cffi releases the GIL during vpx_codec_encode.
* VP8 decoder: one thread per receiver, with postprocessing on (VP8_DEMACROBLOCK | VP8_DEBLOCK, level 3): extra
  decode CPU to keep in mind when comparing.
* Backpressure (we add no queue of our own): aiortc has no latest-frame-wins. Packets go through a jitter buffer
  (128 packets for video) into an unbounded queue.Queue feeding the decoder thread; every decoded frame is put into the
  remote track's unbounded asyncio.Queue; the sender pulls one frame, encodes it, sends it and only then pulls the next.
  So if encoding (or the event loop) falls behind, no frame is dropped: the backlog and the latency grow without bound.
  The `queued` stats field shows that backlog.
* Timestamps: the remote track's frames carry pts = RTP timestamp - first RTP timestamp (unwrapped) with time_base
  1/90000; the sender's RTP timestamp is its random origin + frame.pts. Returning the frame unchanged keeps the RTP
  timestamps 1:1 (constant offset).
"""

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
import time

log = logging.getLogger("aiortc_server")


class Counters:
    """Process-wide frame counters (also kept per session for the stats message)."""

    def __init__(self):
        self.frames_in = 0  # decoded frames taken from a remote video track
        self.frames_out = 0  # frames the sender finished with (encoded and sent): counted when it asks for the next
        self.sessions = 0
        self.sessions_active = 0
        self.offers_failed = 0


TOTAL = Counters()


def restrict_host_addresses(address):
    """Make aioice gather host candidates on this one address only (it gathers every interface otherwise)."""
    import aioice.ice

    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [address]


def pin_vp8_bitrate(kbps):
    """Pin aiortc's VP8 encoder bitrate: the setter REMB uses clamps to MIN..MAX, so make all three equal."""
    import aiortc.codecs.vpx as vpx

    bps = int(kbps) * 1000
    vpx.DEFAULT_BITRATE = vpx.MIN_BITRATE = vpx.MAX_BITRATE = bps


def video_codecs_vp8_only():
    """Answer VP8 (and its RTX) only, like WebRtcBridge, whatever else the client offers. aiortc 1.4 applies
    setCodecPreferences before the track event fires, so filter its codec table in place instead."""
    from aiortc.codecs import CODECS

    vp8 = [c for c in CODECS["video"] if c.mimeType.lower() == "video/vp8"]
    pts = {c.payloadType for c in vp8}
    rtx = [c for c in CODECS["video"] if c.mimeType.lower() == "video/rtx" and c.parameters.get("apt") in pts]
    CODECS["video"][:] = vp8 + rtx


def make_identity_track(source, session):
    from aiortc import MediaStreamTrack

    class IdentityTrack(MediaStreamTrack):
        """Returns every received frame unchanged (pts and time_base kept: RTP timestamps map 1:1)."""

        kind = "video"

        def __init__(self):
            super().__init__()
            self._handed_out = False

        async def recv(self):
            if self._handed_out:
                # The sender asks for the next frame only after encoding and sending the previous one.
                self._handed_out = False
                session.frames_out += 1
                TOTAL.frames_out += 1
            frame = await source.recv()
            session.frames_in += 1
            TOTAL.frames_in += 1
            self._handed_out = True
            return frame

        def stop(self):
            super().stop()
            source.stop()

    return IdentityTrack()


async def drain(track):
    """Consume a track we do not return (audio), so aiortc's unbounded queue does not grow."""
    from aiortc.mediastreams import MediaStreamError

    try:
        while True:
            await track.recv()
    except (MediaStreamError, asyncio.CancelledError):
        pass


class Session:
    def __init__(self, server, ws):
        self.server = server
        self.ws = ws
        self.pc = None
        self.answered = False
        self.frames_in = 0
        self.frames_out = 0
        self.sources = []
        self.tasks = []

    async def send(self, obj):
        try:
            await self.ws.send(json.dumps(obj, separators=(",", ":")))
        except Exception as exc:  # socket gone: the receive loop ends on its own
            log.debug("send failed: %s", exc)

    async def error(self, text):
        await self.send({"type": "error", "error": text})

    async def run(self):
        TOTAL.sessions += 1
        TOTAL.sessions_active += 1
        log.debug("session open %s", getattr(self.ws, "path", ""))
        try:
            await self.send({"type": "ready"})
            if self.server.stats_interval > 0:
                self.tasks.append(asyncio.ensure_future(self.stats_loop()))
            async for raw in self.ws:
                if not await self.handle(raw):
                    break
        except Exception as exc:  # ConnectionClosed and friends
            log.debug("session ended: %s: %s", type(exc).__name__, exc)
        finally:
            TOTAL.sessions_active -= 1
            await self.close()

    async def handle(self, raw):
        """Handles one frame; returns False to end the session."""
        if isinstance(raw, bytes):
            await self.error("bad_request: binary frames are not supported (JSON text only)")
            return True
        try:
            msg = json.loads(raw)
        except ValueError as exc:
            await self.error("bad_request: invalid JSON: %s" % exc)
            return True
        if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
            await self.error("bad_request: a message must be an object with a string 'type'")
            return True
        kind = msg["type"]
        if kind == "offer":
            await self.on_offer(msg)
        elif kind in ("icecandidate", "params"):
            pass  # candidates must be in the offer (aiortc 1.4 has no trickle ICE); no filter parameters to set
        elif kind == "close":
            return False
        else:
            await self.error("bad_request: unexpected message '%s'" % kind)
        return True

    async def on_offer(self, msg):
        from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

        sdp = msg.get("sdp")
        if not isinstance(sdp, str) or not sdp:
            await self.error("bad_request: offer needs a string 'sdp'")
            return
        if self.pc is not None:
            await self.error("bad_request: offer already received (renegotiation is not supported)")
            return
        # No STUN/TURN: host candidates on --ice-address only.
        pc = self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.server.pcs.add(pc)

        @pc.on("track")
        def on_track(track):
            if track.kind == "video":
                self.sources.append(track)
                track.on("ended", lambda: asyncio.ensure_future(self.on_source_ended(pc)))
                pc.addTrack(make_identity_track(track, self))
            else:
                self.tasks.append(asyncio.ensure_future(drain(track)))

        @pc.on("connectionstatechange")
        async def on_state():
            log.debug("connectionState %s", pc.connectionState)
            # Only for the session's live pc: a pc dropped after a failed offer closes without ending the session.
            if pc.connectionState in ("failed", "closed") and self.pc is pc:
                try:
                    await self.ws.close()
                except Exception:
                    pass

        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
            if not pc.getTransceivers():
                # aiortc accepts an offer without any m= section and would answer it with an empty SDP
                raise ValueError("the offer has no media section")
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception as exc:
            TOTAL.offers_failed += 1
            log.warning("offer failed: %s: %s", type(exc).__name__, exc)
            await self.error("offer_failed:%s:%s" % (type(exc).__name__, exc))
            await self.close_pc()
            return
        await self.send({"type": "answer", "sdp": pc.localDescription.sdp})
        await self.send({"type": "icecandidate", "candidate": None})
        self.answered = True

    async def on_source_ended(self, pc):
        """aiortc 1.4 keeps connectionState "connected" when the client shuts DTLS down (close_notify): only the
        remote tracks end. End the session then instead of waiting ~30 s for ICE consent to fail."""
        if self.pc is pc and all(t.readyState == "ended" for t in self.sources):
            log.debug("every remote video track ended: closing the session")
            await self.close_pc()
            try:
                await self.ws.close()
            except Exception:
                pass

    async def stats_loop(self):
        last_in = last_out = last_bytes = 0
        last = time.monotonic()
        while True:
            await asyncio.sleep(self.server.stats_interval)
            if not self.answered:
                continue
            now = time.monotonic()
            seconds = max(now - last, 1e-6)
            last = now
            queued = sum(t._queue.qsize() for t in self.sources if hasattr(t, "_queue"))
            bytes_sent = last_bytes
            pc = self.pc
            if pc is not None:
                try:
                    report = await pc.getStats()
                    bytes_sent = sum(s.bytesSent for s in report.values() if s.type == "outbound-rtp")
                except Exception as exc:
                    log.debug("getStats: %s", exc)
            await self.send({
                "type": "stats",
                "fpsIn": round((self.frames_in - last_in) / seconds, 2),
                "fpsOut": round((self.frames_out - last_out) / seconds, 2),
                "framesIn": self.frames_in,
                "framesOut": self.frames_out,
                "queued": queued,
                "bitrateKbps": round((bytes_sent - last_bytes) * 8 / 1000 / seconds),
            })
            last_in, last_out, last_bytes = self.frames_in, self.frames_out, bytes_sent

    async def close_pc(self):
        pc, self.pc = self.pc, None
        if pc is None:
            return
        self.server.pcs.discard(pc)
        try:
            await asyncio.wait_for(pc.close(), 2)
        except Exception as exc:
            log.debug("pc.close: %s: %s", type(exc).__name__, exc)

    async def close(self):
        for task in self.tasks:
            task.cancel()
        await self.close_pc()
        try:
            await self.ws.close()
        except Exception:
            pass
        log.debug("session closed: %d frames in, %d out", self.frames_in, self.frames_out)


class Server:
    def __init__(self, stats_interval):
        self.stats_interval = stats_interval
        self.pcs = set()

    async def handler(self, ws, path=None):
        await Session(self, ws).run()


def stats_line():
    return "stats " + json.dumps({
        "framesIn": TOTAL.frames_in,
        "framesOut": TOTAL.frames_out,
        "sessions": TOTAL.sessions,
        "sessionsActive": TOTAL.sessions_active,
        "offersFailed": TOTAL.offers_failed,
    })


async def serve(args):
    import websockets

    server = Server(args.stats_interval)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    # compression=None: signaling is tiny, and permessage-deflate only costs CPU.
    ws_server = await websockets.serve(server.handler, args.host, args.port, compression=None, max_size=1 << 20)
    port = ws_server.sockets[0].getsockname()[1]
    sys.stdout.write("listening %d\n" % port)
    sys.stdout.flush()
    log.info("listening on %s:%d, ICE on %s", args.host, port, args.ice_address)

    await stop.wait()
    log.info("stopping: closing %d peer connections", len(server.pcs))
    ws_server.close()
    pcs = list(server.pcs)
    if pcs:
        await asyncio.wait([asyncio.ensure_future(pc.close()) for pc in pcs], timeout=1.5)
    try:
        await asyncio.wait_for(ws_server.wait_closed(), 1.0)
    except Exception:
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="WebSocket listen address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="WebSocket port, 0 = ephemeral (default)")
    parser.add_argument("--ice-address", required=True, help="the one address aioice gathers host candidates on")
    parser.add_argument("--bitrate-kbps", type=int, default=0,
                        help="pin the VP8 encoder bitrate (default 0: aiortc's own 500 kbps, REMB-driven 250..1500)")
    parser.add_argument("--stats-interval", type=float, default=1.0,
                        help="seconds between per-session stats messages, 0 = none (default 1, like WebRtcBridge)")
    parser.add_argument("--all-video-codecs", action="store_true",
                        help="answer any codec aiortc has (H.264 too); default VP8 only, like WebRtcBridge")
    parser.add_argument("--verbose", action="store_true", help="debug logging to stderr")
    args = parser.parse_args()

    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if not args.verbose:
        # aiortc/aioice log routine events at INFO and some teardown noise at WARNING/ERROR.
        for name in ("aiortc", "aioice", "websockets"):
            logging.getLogger(name).setLevel(logging.ERROR)

    restrict_host_addresses(args.ice_address)
    if args.bitrate_kbps > 0:
        pin_vp8_bitrate(args.bitrate_kbps)
    if not args.all_video_codecs:
        video_codecs_vp8_only()

    code = 0
    try:
        asyncio.run(serve(args))
    except Exception as exc:
        log.error("fatal: %s: %s", type(exc).__name__, exc)
        code = 1
    sys.stderr.write(stats_line() + "\n")
    # aiortc's decoder threads and the encode thread pool can keep the interpreter alive after the loop ends.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
