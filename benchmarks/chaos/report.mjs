// The chaos run's report: one markdown section ("## Chaos run") with date, machine, method, a row per phase, the
// impairments as measured, and the verdict; and the code that puts that section into docs/benchmarks.md in place of
// an earlier one (other sections are left as they are).
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export const HEADING = "## Chaos run";
/** Recovery: over its last 10 s, fps back at least this share of the baseline's, */
export const RECOVERED_FPS_SHARE = 0.8;
/** no freeze this long or longer, */
export const RECOVERED_MAX_GAP_MS = 1000;
/** at least this share of checked frames showing the right (inverted) picture, */
export const RECOVERED_MATCHING = 0.9;
/** and a round-trip median at most this multiple of the baseline's. */
export const RECOVERED_RTT_FACTOR = 2;

const f = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? "n/a" : x.toFixed(d));
const pct = (part, whole) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : "n/a");

/** What the impairment did, from its own counters: nft drops, relay hold times, tbf throughput and drops. */
function evidence(r) {
  const u = r.evidence.udp;
  const traffic = `UDP on veth: ${u["udp-in"] ?? 0} in, ${u["udp-out"] ?? 0} out`;
  const secs = r.f.secs;
  if (r.phase.what === "loss") {
    return `nft dropped ${pct(u["loss-in"] ?? 0, u["udp-in"])} in (${u["loss-in"] ?? 0}/${u["udp-in"]}), ` +
      `${pct(u["loss-out"] ?? 0, u["udp-out"])} out (${u["loss-out"] ?? 0}/${u["udp-out"]})`;
  }
  const rl = r.evidence.relay;
  if (r.phase.what === "jitter") {
    return `relay hold p50/p95/max: up ${f(rl.up.holdP50, 1)}/${f(rl.up.holdP95, 1)}/${f(rl.up.holdMax, 1)} ms, ` +
      `down ${f(rl.down.holdP50, 1)}/${f(rl.down.holdP95, 1)}/${f(rl.down.holdMax, 1)} ms; reordered ${rl.up.reordered} up, ` +
      `${rl.down.reordered} down of ${rl.up.packets}/${rl.down.packets}`;
  }
  if (r.phase.what === "rate" && r.evidence.rate) {
    const side = (s) => (s ? `${f((s.sentBytes * 8) / 1000 / secs)} kbit/s, ${s.dropped} dropped, ${s.overlimits} overlimits` : "no tbf");
    return `tbf server→browser ${side(r.evidence.rate.server)}; browser→server ${side(r.evidence.rate.client)}`;
  }
  return `${traffic}; relay forwarded ${rl.up.packets} up, ${rl.down.packets} down, hold p95 ${f(rl.up.holdP95, 1)}/${f(rl.down.holdP95, 1)} ms`;
}

function session(fig) {
  const states = fig.states.join("/") || "?";
  return `${fig.sameConnection ? "same" : "**reconnected**"}; connected in ${fig.connectedSamples}/${fig.samples} samples (${states})`;
}

export function renderReport({ o, m, started, minutes, loadBefore, loadAfter, figures, recoveryTail, rttSettledS, final, health, trouble }) {
  const base = figures[0].f;
  const fpsOf = (x) => x.presentedFps ?? x.checkedFps;
  const survived = figures.every((r) => r.f.sameConnection && r.f.states.every((s) => s === "connected"))
    && final?.sameConnection && final?.connectionState === "connected" && final?.wsOpen;
  const recovered = fpsOf(recoveryTail) >= RECOVERED_FPS_SHARE * fpsOf(base)
    && recoveryTail.maxGapMs < RECOVERED_MAX_GAP_MS && (recoveryTail.matchingShare ?? 0) >= RECOVERED_MATCHING
    && recoveryTail.rttP50 !== null && base.rttP50 !== null && recoveryTail.rttP50 <= RECOVERED_RTT_FACTOR * base.rttP50;
  const rows = figures.map((r) => {
    const x = r.f;
    return `| ${r.phase.name} (${f(x.secs)} s) | ${f(fpsOf(x), 1)} · ${f(x.checkedFps, 1)} | ${f(x.sentFps, 1)} · ` +
      `${f(x.browserSendKbps)} kbit/s | ${f(x.maxGapMs)} ms (at +${f(x.maxGapAtS, 1)} s) | ${f(x.rttP50)} / ${f(x.rttP95)} ms | ${f(x.jitterBufferMs)} ms · ${f(x.iceRttMs, 1)} ms | ` +
      `${x.matchingShare === null ? "n/a" : `${f(100 * x.matchingShare, 1)} %`} of ${x.verified} | ` +
      `${f(x.serverFpsIn, 1)} / ${f(x.serverFpsOut, 1)} · ${f(x.serverKbpsOut)} kbit/s · lost ${x.serverPacketsLost ?? "n/a"} | ` +
      `${x.returnedSize} | ${session(x)} | ${evidence(r)} |`;
  });
  const date = started.toISOString().slice(0, 16).replace("T", " ");
  const md = [
    HEADING,
    "",
    `Run on ${date} UTC in ${f(minutes, 1)} min with \`scripts/chaos-run.sh\` (not part of CI).`,
    `Machine: ${m.cores} cores (${m.cpu}), ${m.os}, Linux ${m.kernel}, .NET SDK ${m.dotnet}, ${m.browser}, node ${m.node}. ` +
      `Load average before ${loadBefore}, after ${loadAfter}` +
      (Number(loadBefore.split(" ")[0]) > m.cores ? " (the machine was busy with other jobs: figures are noisy)." : "."),
    "",
    `**Survived all phases: ${survived ? "yes" : "NO"}. Recovered: ${recovered ? "yes" : "NO"}** ` +
      `(last 10 s of recovery: ${f(fpsOf(recoveryTail), 1)} fps back vs ${f(fpsOf(base), 1)} at baseline, ` +
      `longest freeze ${f(recoveryTail.maxGapMs)} ms, RTT p50 ${f(recoveryTail.rttP50)} ms (baseline ${f(base.rttP50)}), ` +
      `browser jitter buffer ${f(recoveryTail.jitterBufferMs)} ms (baseline ${f(base.jitterBufferMs)}), ` +
      `round trip back under ${RECOVERED_RTT_FACTOR}× baseline ` +
      `${rttSettledS === null ? `**not within the ${f(figures[figures.length - 1].f.secs)} s of recovery**` : `${rttSettledS} s into recovery, for good`}, ` +
      `server out ${f(recoveryTail.serverKbpsOut)} kbit/s (baseline ${f(base.serverKbpsOut)}), ` +
      `${recoveryTail.matchingShare === null ? "n/a" : f(100 * recoveryTail.matchingShare, 1) + " %"} right picture` +
      (recoveryTail.sentFps < 0.9 * base.sentFps
        ? `; the browser itself sent only ${f(recoveryTail.sentFps, 1)} fps then vs ${f(base.sentFps, 1)} at baseline, a sign of the machine's load` : "") +
      "). " +
      `Server at the end: ${health ? `${health.webrtcSessions ?? "?"} WebRTC session(s)` : "/health unreadable"}; ` +
      `${trouble.length} warning/error lines in its log${trouble.length ? ` (first: \`${trouble[0].slice(0, 160).replace(/`/g, "'")}\`)` : ""}.`,
    "",
    "| phase | fps back (presented · checked) | browser sends (fps · bitrate) | longest freeze | round trip p50 / p95 | browser jitter buffer · network RTT | right picture | server in / out fps · out bitrate · RTP lost (server's count) | returned size | session | impairment, as measured |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
    "Method:",
    "",
    "- Debian's Chromium (headless, through `playwright-core`) opens the demo page with `?autostart&filter=invert&verify`:",
    "  a 640x480 30 fps fake camera (ffmpeg `testsrc`), a frame counter stamped into every sent frame, every returned",
    "  frame read back and compared pixel by pixel with the sent frame inverted (`wwwroot/frame-verify.js`, tolerance 8,",
    "  as the browser tests). One session for the whole run; the page is polled once a second.",
    "- fps back: frames presented by the returned `<video>` per second (its `presentedFrames`) · frames the page's",
    "  per-frame callback checked per second. Longest freeze: the longest gap between two returned frames the page saw",
    "  (phase edges count as frames), with when in the phase it began. Round trip: sent-frame time to returned-frame",
    "  time by the stamped counter. Right picture: share of checked frames within tolerance of the inverted input.",
    "  Server figures: the server's own `stats` messages (means over the phase; RTP packets lost as it counts them).",
    "  Browser jitter buffer: mean time a frame spent in Chromium's jitter buffer over the phase (`jitterBufferDelay` /",
    "  `jitterBufferEmittedCount`); network RTT: the selected candidate pair's `currentRoundTripTime` (STUN), mean.",
    "- Network: two network namespaces joined by a veth pair (browser 10.255.0.2, server 10.255.0.1); the server's media",
    "  socket is bound to 127.0.0.1:40000 (unreachable from the browser's namespace) and announces 10.255.0.1:40000,",
    "  where `benchmarks/chaos/relay.mjs` (node, at nice -10) forwards to it; so every media packet crosses the veth pair and the",
    "  relay. The kernel has no `netem`, so: loss = nftables `numgen random mod 100 < " + o.loss + "` drop rules for UDP on",
    "  the server's veth end, in both directions; jitter = the relay holding each packet, both directions, for a",
    `  uniform random 0-${o.jitter} ms (${o.keepOrder ? "order kept: a packet never overtakes an earlier one" : "independent holds, so packets may be reordered, as netem's jitter does"});`,
    `  cap = tc \`tbf rate ${o.rate} burst 64kb latency 100ms\` on the egress of both veth ends (signaling shares it).`,
    "  The last column is each impairment's own counters for that phase (nft counters, relay hold times, tc -s).",
    `- Verdict: survived = the page kept its one connection (no reconnect), \`RTCPeerConnection.connectionState\` was`,
    `  \`connected\` and the signaling socket open in every sample; recovered = over the last 10 s of recovery, fps back`,
    `  ≥ ${RECOVERED_FPS_SHARE * 100} % of the baseline's, no freeze ≥ ${RECOVERED_MAX_GAP_MS} ms, ≥ ${RECOVERED_MATCHING * 100} % right picture, round-trip`,
    `  p50 ≤ ${RECOVERED_RTT_FACTOR} × the baseline's. "Back for good": the first second of recovery from which every second's`,
    "  round-trip median stays under that bound.",
    "",
  ].join("\n");
  return { markdown: md, ok: survived && recovered };
}

/** Puts `section` (starting with HEADING) into the markdown file at `path`: in place of an earlier one, else at the end. */
export function writeSection(path, section) {
  const doc = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n";
  const start = doc.indexOf(`\n${HEADING}\n`);
  let out;
  if (start < 0) out = `${doc.replace(/\n*$/, "")}\n\n${section}`;
  else {
    const rest = doc.slice(start + 1 + HEADING.length);
    const next = rest.search(/\n## /);
    const tail = next < 0 ? "" : rest.slice(next + 1);
    out = `${doc.slice(0, start + 1)}${section}${tail ? `\n${tail}` : ""}`;
  }
  writeFileSync(path, out.replace(/\n*$/, "\n"));
}
