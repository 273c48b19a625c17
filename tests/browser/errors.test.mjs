// What the demo page tells a person when things go wrong (Chromium): an unreachable server, a denied camera, and a
// page served over plain http from a non-local address (browsers offer the camera to secure pages only).
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
