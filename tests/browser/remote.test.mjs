// Two more servers in the namespace: an upstream with auth on, and a front serving the upstream's bridge/filters
// as the remote app remote/filters (Apps:Remote:0, with the upstream key). Chromium streams its fake camera through
// the front's /remote/filters/webrtc with invert: inverted frames come back at >= 20 fps (pixel-checked); then the
// upstream is killed and restarted on the same port mid-stream: the same WebRTC session stays up (frames pass
// through meanwhile) and inverted frames resume.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import {
  BASE, SERVER_HOST, TOLERANCE, WINDOW_MS, analyze, assertWindow, chromiumArgs, fakeCameraFile, requireExecutable,
  requireServer, summary,
} from "./harness.mjs";

const CHROMIUM = "/usr/bin/chromium";
const DLL = fileURLToPath(new URL("../../src/Signaling/bin/Release/net10.0/WebRtcBridge.Signaling.dll", import.meta.url));
const KEY = "remote-test:s3cret";
const children = new Set();
let browser = null;

/** Our server on the namespace address with extra arguments; resolves with the process and its URL. */
function startServer(port, args) {
  const child = spawn("dotnet", [DLL, "--urls", `http://${SERVER_HOST}:${port}`,
    "--Bridge:WebRtc:HostAddresses:0", SERVER_HOST, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  child.on("exit", () => children.delete(child));
  let log = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 30_000);
    const onData = (d) => {
      log += d;
      const m = log.match(/Now listening on: (http:\/\/[0-9.]+:(\d+))/);
      if (m) { clearTimeout(timer); resolve({ child, url: m[1], port: Number(m[2]) }); }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${log}`)); });
  });
}

let upstream = null;
let front = null;

before(async () => {
  requireServer();
  requireExecutable(CHROMIUM, "chromium");
  upstream = await startServer(0, ["--Auth:Keys:0", KEY]);
  front = await startServer(0, [
    "--Apps:Remote:0:Id", "remote/filters",
    "--Apps:Remote:0:Url", `ws://${SERVER_HOST}:${upstream.port}/bridge/filters/realtime`,
    "--Apps:Remote:0:Key", KEY,
    "--Apps:Remote:0:MaxBackoffSeconds", "0.5",
  ]);
});
after(async () => {
  await browser?.close();
  for (const c of children) { c.kill("SIGKILL"); c.stdout.destroy(); c.stderr.destroy(); c.unref(); }
});

test("chromium through a remote app: inverted frames at >= 20 fps; the session survives an upstream restart", async () => {
  const y4m = fakeCameraFile();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: chromiumArgs({ y4m }), timeout: 30_000 });
  const page = await browser.newPage();
  const server = `${front.url.replace(/^http/, "ws")}/remote/filters/webrtc`;
  await page.goto(`${BASE}/?autostart&filter=invert&verify&server=${encodeURIComponent(server)}`, { timeout: 20_000 });
  await page.waitForFunction(() => (window.bridgeDemo?.verify?.verified ?? 0) >= 30, null, { timeout: 40_000, polling: 250 });

  const from = await page.evaluate(() => performance.now());
  await page.waitForFunction((end) => performance.now() >= end && window.bridgeDemo.now >= end, from + WINDOW_MS + 200,
    { timeout: WINDOW_MS + 15_000, polling: 250 });
  const a = analyze(await page.evaluate(() => window.bridgeDemo), from, "inv");
  console.log(summary("chromium via remote app", a));
  assertWindow("chromium via remote app", a);

  // Kill the upstream mid-stream (SIGKILL: no close handshake), then bring it back on the same port.
  const pcBefore = await page.evaluate(() => { window.bridgeConnection.pc.__marker = 1; return window.bridgeConnection.pc.connectionState; });
  upstream.child.kill("SIGKILL");
  const killedAt = await page.evaluate(() => performance.now());
  // While it is away the input passes through: frames keep coming back, as sent.
  await page.waitForFunction((t) => window.bridgeDemo.verify.log.filter((e) => e.t > t && e.id >= 0 && e.id < 8).length >= 10,
    killedAt, { timeout: 20_000, polling: 250 });
  upstream = await startServer(upstream.port, ["--Auth:Keys:0", KEY]);
  const restartedAt = await page.evaluate(() => performance.now());
  await page.waitForFunction((t) => window.bridgeDemo.verify.log.filter((e) => e.t > t && e.inv >= 0 && e.inv < 8).length >= 30,
    restartedAt, { timeout: 30_000, polling: 250 });
  const after = await page.evaluate(() => ({
    same: window.bridgeConnection.pc.__marker === 1,
    state: window.bridgeConnection.pc.connectionState,
  }));
  const log = (await page.evaluate(() => window.bridgeDemo.verify.log)).filter((e) => e.t > restartedAt);
  const resumedAfter = log.find((e) => e.inv >= 0 && e.inv < TOLERANCE).t - restartedAt;
  console.log(`chromium via remote app: upstream killed and restarted; session ${pcBefore} -> ${after.state} ` +
    `(same peer connection: ${after.same}); inverted frames resumed ${resumedAfter.toFixed(0)} ms after the restart`);
  assert.ok(after.same, "the page had to make a new peer connection");
  assert.equal(after.state, "connected");
  await page.close();
});
