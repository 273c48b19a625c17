// Shared helpers for the browser tests: prerequisites (fail, never skip, naming the Debian package), the fake
// camera file, Chromium's flags (docs/architecture.md#testing-with-real-peers) and the analysis of the page's
// verification log (wwwroot/frame-verify.js).
import { accessSync, constants, existsSync, mkdtempSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import assert from "node:assert/strict";

export const BASE = process.env.BRIDGE_URL ?? "";
export const WORK = process.env.BROWSER_TESTS_WORK ?? mkdtempSync("/tmp/browser-tests-");
/** The address the server listens on inside the namespace (the report server listens there too). */
export const SERVER_HOST = BASE ? new URL(BASE).hostname : "";

/**
 * Mean absolute error per RGB channel (0..255, over the 160x120 downscale, counter strip excluded) below which a
 * returned frame counts as matching. Measured on this machine (VP8 twice + YUV<->RGB, 640x480): mean 2.7 (Chromium)
 * and 3.0 (Firefox), p95 under 4; the same frames compared against the wrong filter (inverted vs as sent) give
 * about 100. 8 leaves room for a lower bitrate on a loaded machine and still fails any wrong or shifted picture.
 */
export const TOLERANCE = 8;
/** Measurement window and the figures every browser must reach in it. */
export const WINDOW_MS = 10_000;
export const MIN_FPS = 20;
export const MIN_MATCHING = 0.9;

export function requireServer() {
  assert.ok(BASE, "BRIDGE_URL is not set: run the browser tests through tests/browser/run.sh");
}

/** Fails (never skips) when an executable is missing, saying what to install. */
export function requireExecutable(path, debianPackage) {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    assert.fail(`${path} not found: install the Debian package '${debianPackage}' (scripts/install-deps.sh)`);
  }
}

let camera = null;
/** A 640x480 30 fps y4m for Chromium's fake camera (yuv420p: ffmpeg's lavfi default is refused). */
export function fakeCameraFile() {
  if (camera) return camera;
  requireExecutable("/usr/bin/ffmpeg", "ffmpeg");
  const file = join(WORK, "camera.y4m");
  if (!existsSync(file)) {
    const r = spawnSync("/usr/bin/ffmpeg", ["-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
      "-i", "testsrc=size=640x480:rate=30", "-t", "4", "-pix_fmt", "yuv420p", file], { timeout: 60_000, encoding: "utf8" });
    assert.equal(r.status, 0, `ffmpeg could not make the fake camera file: ${r.error ?? r.stderr}`);
  }
  return (camera = file);
}

/** Chromium flags (docs/architecture.md#testing-with-real-peers): headless, fake camera, no mDNS hiding, no phoning home. */
export function chromiumArgs({ fakeUi = true, y4m = null, extra = [] } = {}) {
  return [
    "--no-sandbox", "--disable-gpu", "--use-fake-device-for-media-stream",
    ...(fakeUi ? ["--use-fake-ui-for-media-stream"] : []),
    ...(y4m ? [`--use-file-for-fake-video-capture=${y4m}`] : []),
    "--disable-features=WebRtcHideLocalIpsWithMdns", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--autoplay-policy=no-user-gesture-required",
    // The page is served from the namespace address over plain http: treat it as secure so it may use the camera.
    ...(BASE ? [`--unsafely-treat-insecure-origin-as-secure=${new URL(BASE).origin}`] : []),
    ...extra,
  ];
}

export function percentile(values, p) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/**
 * Figures over the log entries whose page time lies in [from, from + WINDOW_MS): returned fps, the slowest
 * one-second bucket, the longest gap between returned frames, verified frames and how many of them match the
 * inverted (`mode` "inv") or identical ("id") input within TOLERANCE, mean error, round-trip p50/p95.
 */
export function analyze(demo, from, mode = "inv") {
  const to = from + WINDOW_MS;
  const log = demo.verify.log;
  const inWindow = log.filter((e) => e.t >= from && e.t < to);
  const secs = WINDOW_MS / 1000;
  // Frames the returned <video> presented: its presentedFrames counter (a callback may cover several frames).
  const pf = inWindow.filter((e) => e.pf >= 0);
  const presented = pf.length > 1 ? pf[pf.length - 1].pf - pf[0].pf : null;
  const presentedSpan = pf.length > 1 ? (pf[pf.length - 1].t - pf[0].t) / 1000 : 0;
  // Counter rates from the page's getStats samples, over the samples inside the window.
  const rtp = (demo.rtp ?? []).filter((e) => e.t >= from - 500 && e.t < to + 500);
  const rate = (key) => {
    const xs = rtp.filter((e) => typeof e[key] === "number");
    return xs.length > 1 ? (xs[xs.length - 1][key] - xs[0][key]) / ((xs[xs.length - 1].t - xs[0].t) / 1000) : null;
  };
  const buckets = new Array(WINDOW_MS / 1000).fill(0);
  let maxGap = 0, prev = from;
  for (const e of inWindow) {
    buckets[Math.floor((e.t - from) / 1000)]++;
    maxGap = Math.max(maxGap, e.t - prev);
    prev = e.t;
  }
  maxGap = Math.max(maxGap, to - prev);
  const errors = inWindow.filter((e) => e[mode] >= 0).map((e) => e[mode]);
  const other = inWindow.filter((e) => e[mode === "inv" ? "id" : "inv"] >= 0).map((e) => e[mode === "inv" ? "id" : "inv"]);
  const rtts = inWindow.filter((e) => e.rtt >= 0).map((e) => e.rtt);
  const matching = errors.filter((x) => x < TOLERANCE).length;
  return {
    returned: inWindow.length,
    fps: inWindow.length / secs,
    sentFps: (demo.verify.sentLog ?? []).filter((t) => t >= from && t < to).length / secs,
    presentedFps: presented === null || presentedSpan <= 0 ? null : presented / presentedSpan,
    encodedFps: rate("encoded"),
    decodedFps: rate("decoded"),
    lastSize: rtp.length ? `${rtp[rtp.length - 1].w}x${rtp[rtp.length - 1].h}` : "?",
    minBucketFps: Math.min(...buckets),
    maxGapMs: maxGap,
    verified: errors.length,
    matching,
    matchingShare: errors.length ? matching / errors.length : 0,
    meanError: errors.length ? errors.reduce((a, b) => a + b, 0) / errors.length : null,
    wrongFilterError: other.length ? other.reduce((a, b) => a + b, 0) / other.length : null,
    errorP50: percentile(errors, 50),
    errorP95: percentile(errors, 95),
    rttP50: percentile(rtts, 50),
    rttP95: percentile(rtts, 95),
  };
}

/** One line for the test output, e.g. "chromium: 29.8 fps returned, RTT p50 41 ms p95 63 ms, mean error 6.1". */
export function summary(browser, a) {
  const f = (x, d = 0) => (x === null ? "n/a" : x.toFixed(d));
  return `${browser}: ${f(a.presentedFps ?? a.fps, 1)} fps returned (frames presented by the <video>; ` +
    `sent ${f(a.sentFps, 1)}, encoded ${f(a.encodedFps, 1)}, decoded ${f(a.decodedFps, 1)} fps; ${f(a.fps, 1)} checked per s, ` +
    `slowest second ${a.minBucketFps}, longest gap ${f(a.maxGapMs)} ms, `+
    `returned size ${a.lastSize}), ` +
    `RTT p50 ${f(a.rttP50)} ms p95 ${f(a.rttP95)} ms, mean error ${f(a.meanError, 2)} ` +
    `(p50 ${f(a.errorP50, 2)}, p95 ${f(a.errorP95, 2)}; ${a.matching}/${a.verified} verified frames below ${TOLERANCE}; ` +
    `vs the wrong filter ${f(a.wrongFilterError, 1)})`;
}

/** The assertions every browser must pass over its measurement window. */
export function assertWindow(browser, a) {
  // Returned frames: the <video>'s presentedFrames count (every frame it received and showed). The page's
  // per-frame callbacks, which do the pixel checks, may skip frames when the page is busy (headless Chromium on
  // a loaded machine: about 23 callbacks/s for 28 presented frames/s), so they are the sample, not the count.
  const fps = a.presentedFps ?? a.fps;
  assert.ok(fps >= MIN_FPS, `${browser}: only ${fps.toFixed(1)} fps returned over ${WINDOW_MS / 1000} s (need ${MIN_FPS})`);
  assert.ok(a.maxGapMs < 1000, `${browser}: the returned video stalled for ${a.maxGapMs.toFixed(0)} ms`);
  assert.ok(a.verified >= a.returned * 0.5,
    `${browser}: only ${a.verified} of ${a.returned} returned frames could be matched to a sent frame by their counter`);
  assert.ok(a.matchingShare >= MIN_MATCHING,
    `${browser}: only ${(a.matchingShare * 100).toFixed(1)}% of verified frames match the inverted input within ${TOLERANCE} ` +
    `(mean error ${a.meanError?.toFixed(2)}, p95 ${a.errorP95?.toFixed(2)})`);
  assert.ok(a.rttP50 !== null, `${browser}: no round-trip time measured`);
}
