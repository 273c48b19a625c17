// Debian's Chromium (through playwright-core) streams a fake camera through our server with the invert filter.
// The page (wwwroot/app.js ?verify) checks every returned frame against the frame it sent; this test asserts the
// returned frame rate, the share of frames within tolerance, prints the round-trip latency, and then checks that a
// live {"type":"params"} switch to identity shows in the returned frames within half a second.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import {
  BASE, TOLERANCE, WINDOW_MS, analyze, assertWindow, chromiumArgs, fakeCameraFile, requireExecutable,
  requireServer, summary,
} from "./harness.mjs";

const CHROMIUM = "/usr/bin/chromium";
let browser = null;

before(() => {
  requireServer();
  requireExecutable(CHROMIUM, "chromium");
});
after(async () => { await browser?.close(); });

/** What the page knows when something did not happen: its message, states, ICE candidates and RTP counters. */
async function diagnose(page) {
  return await page.evaluate(async () => {
    const pc = window.bridgeConnection?.pc;
    const stats = [];
    if (pc) {
      for (const s of (await pc.getStats()).values()) {
        if (["candidate-pair", "local-candidate", "remote-candidate", "inbound-rtp", "outbound-rtp", "transport"].includes(s.type)) {
          const { type, state, address, port, candidateType, protocol, framesDecoded, framesSent, packetsReceived,
            packetsSent, bytesReceived, frameWidth, frameHeight, dtlsState, iceState, selectedCandidatePairId,
            nominated, requestsSent, responsesReceived, kind } = s;
          stats.push(JSON.stringify({ type, state, address, port, candidateType, protocol, framesDecoded, framesSent,
            packetsReceived, packetsSent, bytesReceived, frameWidth, frameHeight, dtlsState, iceState,
            selectedCandidatePairId, nominated, requestsSent, responsesReceived, kind }));
        }
      }
    }
    const d = window.bridgeDemo ?? {};
    return [`message: ${document.getElementById("message").textContent}`,
      `connection: ${pc?.connectionState} ice: ${pc?.iceConnectionState} signaling: ${pc?.signalingState}`,
      `returned frames: ${d.verify?.returned} verified: ${d.verify?.verified}`, ...stats].join("\n");
  }).catch((e) => `(page not reachable: ${e.message})`);
}

test("chromium: inverted frames come back at >= 20 fps, pixel-exact within tolerance; a live filter switch shows within 500 ms", async () => {
  const y4m = fakeCameraFile();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: chromiumArgs({ y4m }), timeout: 30_000 });
  const page = await browser.newPage();
  const consoleLines = [];
  page.on("console", (m) => consoleLines.length < 50 && consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.length < 50 && consoleLines.push(`pageerror: ${e.message}`));
  await page.goto(`${BASE}/?autostart&filter=invert&verify`, { timeout: 20_000 });

  try {
    await page.waitForFunction(() => (window.bridgeDemo?.verify?.verified ?? 0) >= 30, null, { timeout: 30_000, polling: 250 });
  } catch (e) {
    assert.fail(`chromium: no verified frames came back within 30 s\n${await diagnose(page)}\n${consoleLines.join("\n")}`);
  }

  // The measurement window, in page time.
  const from = await page.evaluate(() => performance.now());
  await page.waitForFunction((end) => performance.now() >= end && window.bridgeDemo.now >= end, from + WINDOW_MS + 200,
    { timeout: WINDOW_MS + 15_000, polling: 250 });
  const a = analyze(await page.evaluate(() => window.bridgeDemo), from, "inv");
  console.log(summary("chromium", a));
  try {
    assertWindow("chromium", a);
  } catch (e) {
    e.message += `\n${await diagnose(page)}`;
    throw e;
  }

  // Live switch to identity: the first returned frame that matches the input as sent must arrive within 500 ms.
  const switchedAt = await page.evaluate(() => {
    window.bridgeConnection.setParams({ filter: "identity" });
    return performance.now();
  });
  await page.waitForFunction((t) => window.bridgeDemo?.now > t + 1500, switchedAt, { timeout: 10_000, polling: 250 });
  const after = (await page.evaluate(() => window.bridgeDemo.verify.log)).filter((e) => e.t >= switchedAt);
  const first = after.find((e) => e.id >= 0 && e.id < TOLERANCE);
  assert.ok(first, `chromium: no returned frame matched the identity filter within 1.5 s of the switch ` +
    `(errors vs sent after the switch: ${after.slice(0, 20).map((e) => e.id).join(", ")})`);
  const delay = first.t - switchedAt;
  const stillInverted = after.filter((e) => e.t > first.t && e.inv >= 0 && e.inv < TOLERANCE).length;
  console.log(`chromium: filter switch invert -> identity visible after ${delay.toFixed(0)} ms ` +
    `(${after.filter((e) => e.t < first.t).length} frames before it; ${stillInverted} inverted frames after it; ` +
    `frames after the switch at +ms [error vs inverted/as sent]: ${after.slice(0, 8).map((e) => `${(e.t - switchedAt).toFixed(0)}[${e.inv}/${e.id}]`).join(" ")})`);
  assert.ok(delay <= 500, `chromium: the identity filter showed only ${delay.toFixed(0)} ms after the params message (limit 500 ms)`);
  assert.equal(stillInverted, 0, "chromium: inverted frames still came back after the first identity frame");
  await page.close();
});

test("chromium: the pixel check rejects a wrong picture (grayscale frames never pass as inverted or as sent)", async () => {
  const y4m = fakeCameraFile();
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: chromiumArgs({ y4m }), timeout: 30_000 });
  const page = await browser.newPage();
  await page.goto(`${BASE}/?autostart&filter=grayscale&verify`, { timeout: 20_000 });
  try {
    await page.waitForFunction(() => (window.bridgeDemo?.verify?.verified ?? 0) >= 30, null, { timeout: 30_000, polling: 250 });
  } catch {
    assert.fail(`chromium: no grayscale frames could be checked within 30 s\n${await diagnose(page)}`);
  }
  const checked = (await page.evaluate(() => window.bridgeDemo.verify.log)).filter((e) => e.inv >= 0);
  const mean = (k) => checked.reduce((s, e) => s + e[k], 0) / checked.length;
  console.log(`chromium: grayscale frames: mean error ${mean("inv").toFixed(1)} vs inverted, ${mean("id").toFixed(1)} vs as sent ` +
    `(${checked.length} frames; tolerance ${TOLERANCE})`);
  assert.equal(checked.filter((e) => e.inv < TOLERANCE).length, 0, "grayscale frames passed as inverted");
  assert.equal(checked.filter((e) => e.id < TOLERANCE).length, 0, "grayscale frames passed as sent");
  await page.close();
});
