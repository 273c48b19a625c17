// What the chaos run measures, read off the demo page (wwwroot/app.js ?verify): a recorder that polls
// window.bridgeDemo and keeps every returned-frame entry, sent-frame time, RTP sample and page sample (the page keeps
// only its last 1200 / 60), and the figures of one phase [from, to) in page time, computed as the browser tests'
// harness does (tests/browser/harness.mjs analyze): fps back, longest gap between returned frames, round trip
// p50/p95 from the stamped frame counter, and the share of frames whose pixels match the inverted input.

/** Mean absolute error per channel under which a returned frame matches (the browser tests' TOLERANCE). */
export const TOLERANCE = 8;

export function percentile(values, p) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export class PageRecorder {
  constructor(page) {
    this.page = page;
    this.returned = [];
    this.sent = [];
    this.rtp = [];
    this.samples = [];
  }

  /** Marks the connection the run started with, so a reconnect (a new BridgeConnection) shows. */
  async markConnection() {
    await this.page.evaluate(() => { window.__chaosConnection = window.bridgeConnection; });
  }

  async now() { return await this.page.evaluate(() => performance.now()); }

  /** Pulls what is new since the last poll. */
  async poll() {
    const d = await this.page.evaluate(async () => {
      const demo = window.bridgeDemo ?? {};
      const c = window.bridgeConnection;
      // Where the round trip goes, from the browser's own stats: its jitter buffer (cumulative delay and frames
      // emitted) and the network round trip of the selected candidate pair (STUN consent checks).
      const pcStats = {};
      if (c?.pc) {
        for (const s of (await c.pc.getStats()).values()) {
          if (s.type === "inbound-rtp" && s.kind === "video") {
            Object.assign(pcStats, { jbDelay: s.jitterBufferDelay, jbEmitted: s.jitterBufferEmittedCount });
          }
          if (s.type === "candidate-pair" && s.nominated && s.state === "succeeded" && typeof s.currentRoundTripTime === "number") {
            pcStats.iceRtt = s.currentRoundTripTime;
          }
        }
      }
      return {
        pcStats,
        now: performance.now(),
        log: demo.verify?.log ?? [], sentLog: demo.verify?.sentLog ?? [], rtp: demo.rtp ?? [],
        serverStats: demo.serverStats ?? {}, message: demo.message ?? "",
        connectionState: c?.pc?.connectionState ?? null, wsOpen: c?.ws?.readyState === 1,
        sameConnection: c !== undefined && c === window.__chaosConnection,
      };
    });
    const lastT = (xs, f) => (xs.length ? f(xs[xs.length - 1]) : -Infinity);
    // Entries may share a (rounded) page time: those at the last time already kept are told apart by counter and
    // presented-frame count.
    const tReturned = lastT(this.returned, (e) => e.t);
    const key = (e) => `${e.c}/${e.pf}`;
    const atLast = new Set(this.returned.filter((e) => e.t === tReturned).map(key));
    for (const e of d.log) if (e.t > tReturned || (e.t === tReturned && !atLast.has(key(e)))) this.returned.push(e);
    const tSent = lastT(this.sent, (t) => t);
    for (const t of d.sentLog) if (t > tSent) this.sent.push(t);
    const tRtp = lastT(this.rtp, (e) => e.t);
    for (const e of d.rtp) if (e.t > tRtp) this.rtp.push(e);
    this.samples.push({ t: d.now, pc: d.pcStats, server: d.serverStats, message: d.message, connectionState: d.connectionState,
      wsOpen: d.wsOpen, sameConnection: d.sameConnection });
    return d;
  }

  /**
   * Seconds from `from` after which every following second of [from, to) had returned frames with a round-trip
   * median at or below `maxRttMs`; null when that never held up to `to`.
   */
  settledAfter(from, to, maxRttMs) {
    const seconds = Math.floor((to - from) / 1000);
    let settled = null;
    for (let k = seconds - 1; k >= 0; k--) {
      const rtts = this.returned.filter((e) => e.t >= from + k * 1000 && e.t < from + (k + 1) * 1000 && e.rtt >= 0).map((e) => e.rtt);
      if (!rtts.length || percentile(rtts, 50) > maxRttMs) break;
      settled = k;
    }
    return settled;
  }

  /** Figures of the page-time window [from, to). */
  figures(from, to) {
    const secs = (to - from) / 1000;
    const inWindow = this.returned.filter((e) => e.t >= from && e.t < to);
    const pf = inWindow.filter((e) => e.pf >= 0);
    const presentedFps = pf.length > 1 && pf[pf.length - 1].t > pf[0].t
      ? (pf[pf.length - 1].pf - pf[0].pf) / ((pf[pf.length - 1].t - pf[0].t) / 1000) : null;
    let maxGap = 0, prev = from, gapAt = from;
    for (const e of inWindow) {
      if (e.t - prev > maxGap) { maxGap = e.t - prev; gapAt = prev; }
      prev = e.t;
    }
    if (to - prev > maxGap) { maxGap = to - prev; gapAt = prev; }
    const verified = inWindow.filter((e) => e.inv >= 0);
    const rtts = inWindow.filter((e) => e.rtt >= 0).map((e) => e.rtt);
    const rtp = this.rtp.filter((e) => e.t >= from - 500 && e.t < to + 500);
    const delta = (key) => {
      const xs = rtp.filter((e) => typeof e[key] === "number");
      return xs.length > 1 ? { value: xs[xs.length - 1][key] - xs[0][key], secs: (xs[xs.length - 1].t - xs[0].t) / 1000 } : null;
    };
    const bytesSent = delta("bytesSent");
    const samples = this.samples.filter((s) => s.t >= from && s.t < to + 1000);
    const server = samples.map((s) => s.server).filter((s) => typeof s.fpsIn === "number");
    const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
    const lost = server.length > 1 ? server[server.length - 1].packetsLost - server[0].packetsLost : null;
    const dropped = server.length > 1 ? server[server.length - 1].framesDropped - server[0].framesDropped : null;
    const lastRtp = rtp[rtp.length - 1];
    const jb = samples.filter((s) => typeof s.pc?.jbDelay === "number" && typeof s.pc?.jbEmitted === "number");
    const jbFrames = jb.length > 1 ? jb[jb.length - 1].pc.jbEmitted - jb[0].pc.jbEmitted : 0;
    const iceRtts = samples.map((s) => s.pc?.iceRtt).filter((x) => typeof x === "number").map((x) => x * 1000);
    return {
      secs,
      returned: inWindow.length,
      checkedFps: inWindow.length / secs,
      presentedFps,
      sentFps: this.sent.filter((t) => t >= from && t < to).length / secs,
      maxGapMs: maxGap,
      maxGapAtS: (gapAt - from) / 1000,
      rttP50: percentile(rtts, 50),
      rttP95: percentile(rtts, 95),
      verified: verified.length,
      matchingShare: verified.length ? verified.filter((e) => e.inv < TOLERANCE).length / verified.length : null,
      browserSendKbps: bytesSent && bytesSent.secs > 0 ? (bytesSent.value * 8) / 1000 / bytesSent.secs : null,
      browserLimit: lastRtp?.limit ?? null,
      returnedSize: lastRtp?.w ? `${lastRtp.w}x${lastRtp.h}` : "?",
      nacksSent: delta("nack")?.value ?? null,
      jitterBufferMs: jbFrames > 0 ? ((jb[jb.length - 1].pc.jbDelay - jb[0].pc.jbDelay) * 1000) / jbFrames : null,
      iceRttMs: mean(iceRtts),
      serverQueueMs: mean(server.map((s) => s.stages?.queueMs).filter((x) => typeof x === "number")),
      serverFpsIn: mean(server.map((s) => s.fpsIn)),
      serverFpsOut: mean(server.map((s) => s.fpsOut)),
      serverKbpsOut: mean(server.map((s) => s.bitrateKbps)),
      serverPacketsLost: lost,
      serverFramesDropped: dropped,
      samples: samples.length,
      connectedSamples: samples.filter((s) => s.connectionState === "connected" && s.wsOpen).length,
      sameConnection: samples.every((s) => s.sameConnection),
      states: [...new Set(samples.map((s) => s.connectionState))],
    };
  }
}
