// What the demo page tells a person when things go wrong (Chromium): an unreachable server, a denied camera, a page
// served over plain http from a non-local address (browsers offer the camera to secure pages only), and a signaling
// connection that drops mid-stream (the page says so and reconnects).
import net from "node:net";
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { BASE, SERVER_HOST, chromiumArgs, fakeCameraFile, requireExecutable, requireServer } from "./harness.mjs";

const CHROMIUM = "/usr/bin/chromium";
const launched = [];

before(() => {
  requireServer();
  requireExecutable(CHROMIUM, "chromium");
});
after(async () => { for (const b of launched) await b.close().catch(() => {}); });

async function open(args, query) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args, timeout: 30_000 });
  launched.push(browser);
  const page = await browser.newPage();
  await page.goto(`${BASE}/?${query}`, { timeout: 20_000 });
  return page;
}

/** Waits until #message contains `text` (case-insensitive) and returns it; fails with what it says instead. */
async function expectMessage(page, text, ms = 15_000) {
  try {
    await page.waitForFunction((t) => document.getElementById("message").textContent.toLowerCase().includes(t),
      text.toLowerCase(), { timeout: ms, polling: 100 });
  } catch {
    const shown = await page.textContent("#message").catch(() => "(page gone)");
    assert.fail(`the page did not say "${text}" within ${ms} ms; it says: "${shown}"`);
  }
  const shown = await page.textContent("#message");
  assert.equal(await page.getAttribute("#message", "class"), "error", `"${shown}" is not shown as an error`);
  return shown;
}

test("an unreachable server shows a clear 'cannot reach the server' message naming the address", async () => {
  const page = await open(chromiumArgs({ y4m: fakeCameraFile() }), `autostart&server=ws://${SERVER_HOST}:1/webrtc`);
  const shown = await expectMessage(page, `cannot reach the server at ${SERVER_HOST}:1`);
  console.log(`unreachable server: "${shown}"`);
});

test("a denied camera permission shows the permission message", async () => {
  // No --use-fake-ui-for-media-stream: the permission prompt is answered "deny".
  const page = await open(chromiumArgs({ fakeUi: false, y4m: fakeCameraFile(), extra: ["--deny-permission-prompts"] }), "autostart");
  const shown = await expectMessage(page, "camera permission was denied");
  console.log(`camera denied: "${shown}"`);
});

test("a page served over plain http from a non-local address explains that the camera needs a secure page", async () => {
  const args = chromiumArgs({ y4m: fakeCameraFile() }).filter((a) => !a.startsWith("--unsafely-treat-insecure-origin-as-secure"));
  const page = await open(args, "autostart");
  const shown = await expectMessage(page, "only available on a secure page");
  console.log(`insecure origin: "${shown}"`);
});

/** Waits until window.bridgeDemo reports at least `fps` frames per second coming back. */
async function expectFramesBack(page, fps, ms = 30_000) {
  await page.waitForFunction((f) => (window.bridgeDemo?.fpsBack ?? 0) >= f, fps, { timeout: ms, polling: 200 });
}

test("a dropped signaling connection shows 'connection lost, reconnecting' and the page streams again", async () => {
  // A TCP relay on the server's address stands between the page and the server's WebSocket; cutting it mid-stream is
  // what a server restart or a network drop looks like to the page (close code 1006). Media goes to the server
  // directly, so after the page reconnects through the same relay, frames flow again.
  const target = new URL(BASE);
  const open_ = new Set();
  const relay = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    open_.add(client);
    open_.add(upstream);
    const end = () => { client.destroy(); upstream.destroy(); open_.delete(client); open_.delete(upstream); };
    for (const s of [client, upstream]) { s.on("error", end); s.on("close", end); }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve) => relay.listen(0, SERVER_HOST, resolve));
  try {
    const { port } = relay.address();
    const page = await open(chromiumArgs({ y4m: fakeCameraFile() }), `autostart&server=ws://${SERVER_HOST}:${port}/webrtc`);
    await expectFramesBack(page, 10);
    await page.evaluate(() => { window.firstConnection = window.bridgeConnection; });
    for (const s of open_) s.destroy();
    const shown = await expectMessage(page, "connection to the server lost");
    assert.match(shown, /reconnecting in \d+ s/);
    // A new connection (the old one is closed before the page reconnects), then a stats tick after it with frames.
    await page.waitForFunction(() => window.bridgeConnection && window.bridgeConnection !== window.firstConnection, null, { timeout: 30_000, polling: 100 });
    await page.evaluate(() => { window.statsAtReconnect = window.bridgeDemo; });
    await page.waitForFunction(() => window.bridgeDemo !== window.statsAtReconnect && window.bridgeDemo.fpsBack >= 10, null, { timeout: 30_000, polling: 200 });
    // The next three once-a-second ticks: about 30 fps back, not counted twice by a leftover frame callback.
    const ticks = [];
    for (let i = 0; i < 3; i++) {
      await page.evaluate(() => { window.lastTick = window.bridgeDemo; });
      await page.waitForFunction(() => window.bridgeDemo !== window.lastTick, null, { timeout: 5_000, polling: 100 });
      ticks.push(await page.evaluate(() => window.bridgeDemo.fpsBack));
    }
    assert.ok(ticks.every((f) => f >= 10 && f <= 40), `fps back after the reconnect: ${ticks.map((f) => f.toFixed(1)).join(", ")}`);
    console.log(`signaling dropped: "${shown}", then streaming again at ${ticks.map((f) => f.toFixed(1)).join(", ")} fps back`);
  } finally {
    relay.close();
    for (const s of open_) s.destroy();
  }
});
