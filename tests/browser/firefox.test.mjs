// Debian's firefox-esr streams its fake camera through our server with the invert filter. Playwright cannot drive
// stock Firefox, so it runs headless with a profile made here (user.js: fake camera, no permission prompt, no
// phoning home), and the page (wwwroot/app.js ?verify&report=URL) posts its measurements every second to a small
// HTTP server this test runs inside the namespace. Same assertions as for Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  BASE, SERVER_HOST, WINDOW_MS, WORK, analyze, assertWindow, requireExecutable, requireServer, summary,
} from "./harness.mjs";

const FIREFOX = "/usr/bin/firefox-esr";

/** The Firefox profile: fake camera without a prompt, autoplay, plain host candidates, nothing phoned home. */
function userJs(origin) {
  const prefs = {
    "media.navigator.permission.disabled": true,
    "media.navigator.streams.fake": true,
    "media.autoplay.default": 0,
    "media.autoplay.blocking_policy": 0,
    // Host candidates as plain addresses, not mDNS names (nothing resolves .local names in the namespace).
    "media.peerconnection.ice.obfuscate_host_addresses": false,
    // The page is served over plain http from the namespace address: let it use the camera.
    "dom.securecontext.allowlist": new URL(origin).hostname,
    "browser.shell.checkDefaultBrowser": false,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.aboutwelcome.enabled": false,
    "browser.newtabpage.enabled": false,
    "browser.discovery.enabled": false,
    "browser.safebrowsing.malware.enabled": false,
    "browser.safebrowsing.phishing.enabled": false,
    "browser.safebrowsing.downloads.enabled": false,
    "browser.safebrowsing.update.enabled": false,
    "app.update.enabled": false,
    "app.update.auto": false,
    "app.normandy.enabled": false,
    "extensions.update.enabled": false,
    "extensions.getAddons.cache.enabled": false,
    "datareporting.policy.dataSubmissionEnabled": false,
    "datareporting.healthreport.uploadEnabled": false,
    "toolkit.telemetry.enabled": false,
    "toolkit.telemetry.unified": false,
    "network.captive-portal-service.enabled": false,
    "network.connectivity-service.enabled": false,
    "network.dns.disablePrefetch": true,
    "network.prefetch-next": false,
    "media.gmp-manager.updateEnabled": false,
    "media.gmp-gmpopenh264.enabled": false,
    "services.settings.server": "http://127.0.0.1:9/",
    "toolkit.startup.max_resumed_crashes": -1,
  };
  return Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join("\n") + "\n";
}

/** Collects the page's reports; `until(pred, ms)` resolves with the first report matching pred. */
function reportServer() {
  const reports = [];
  const waiters = new Set();
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => { if (body.length < 4_000_000) body += chunk; });
    req.on("end", () => {
      res.writeHead(204, { "Access-Control-Allow-Origin": "*" }).end();
      if (req.method !== "POST") return;
      let report;
      try { report = JSON.parse(body); } catch { return; }
      reports.push(report);
      if (reports.length > 5) reports.shift();
      for (const w of waiters) if (w.pred(report)) { waiters.delete(w); clearTimeout(w.timer); w.resolve(report); }
    });
  });
  return {
    server,
    get last() { return reports[reports.length - 1] ?? null; },
    until(pred, ms, what) {
      const hit = reports.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve, timer: setTimeout(() => { waiters.delete(w); reject(new Error(`timed out after ${ms} ms waiting for ${what}`)); }, ms) };
        waiters.add(w);
      });
    },
  };
}

let firefox = null;
let reports = null;
let firefoxOutput = "";

/** Ends Firefox and every process it started (its own process group), then waits for it. */
async function stopFirefox() {
  if (!firefox || firefox.exitCode !== null || firefox.signalCode !== null) return;
  const exited = new Promise((resolve) => firefox.once("exit", resolve));
  try { process.kill(-firefox.pid, "SIGTERM"); } catch {}
  const timer = setTimeout(() => { try { process.kill(-firefox.pid, "SIGKILL"); } catch {} }, 5000);
  await exited;
  clearTimeout(timer);
  try { process.kill(-firefox.pid, "SIGKILL"); } catch {}
}

before(() => {
  requireServer();
  requireExecutable(FIREFOX, "firefox-esr");
});
after(async () => {
  await stopFirefox();
  reports?.server.close();
});

function describe(report) {
  if (!report) return `the page never reported (firefox output:\n${firefoxOutput.slice(-3000)})`;
  const rtp = report.rtp?.[report.rtp.length - 1];
  return `message: ${report.message}\nconnection: ${report.connectionState} ice: ${report.iceConnectionState}\n` +
    `returned frames: ${report.verify?.returned} verified: ${report.verify?.verified}\nrtp: ${JSON.stringify(rtp)}\n` +
    `page errors: ${JSON.stringify(report.errors)}\nserver stats: ${JSON.stringify(report.serverStats)}`;
}

test("firefox-esr: inverted frames come back at >= 20 fps, pixel-exact within tolerance", async () => {
  reports = reportServer();
  await new Promise((resolve, reject) => reports.server.listen(0, SERVER_HOST, resolve).once("error", reject));
  const reportUrl = `http://${SERVER_HOST}:${reports.server.address().port}/result`;
  const profile = join(WORK, "firefox-profile");
  mkdirSync(profile, { recursive: true });
  writeFileSync(join(profile, "user.js"), userJs(BASE));
  const url = `${BASE}/?autostart&filter=invert&verify&report=${encodeURIComponent(reportUrl)}`;
  firefox = spawn("timeout", ["-k", "5", "120", FIREFOX, "--headless", "--no-remote", "--profile", profile, url], {
    detached: true, stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, MOZ_HEADLESS: "1", HOME: WORK, MOZ_CRASHREPORTER_DISABLE: "1" },
  });
  for (const stream of [firefox.stdout, firefox.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", (d) => { firefoxOutput = (firefoxOutput + d).slice(-20_000); });
  }

  try {
    await reports.until((r) => (r.verify?.verified ?? 0) >= 30, 45_000, "30 verified frames from firefox");
  } catch (e) {
    assert.fail(`firefox-esr: no verified frames came back: ${e.message}\n${describe(reports.last)}`);
  }
  const from = reports.last.now;
  const report = await reports.until((r) => r.now >= from + WINDOW_MS + 200, WINDOW_MS + 15_000, "the end of the window");
  const a = analyze(report, from, "inv");
  console.log(summary("firefox-esr", a));
  try {
    assertWindow("firefox-esr", a);
  } catch (e) {
    e.message += `\n${describe(report)}`;
    throw e;
  }
  await stopFirefox();
});
