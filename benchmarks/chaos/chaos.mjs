// The chaos run's driver (scripts/chaos-run.sh starts it inside the server's namespace, with the server running):
// starts the jitter relay, launches Debian's Chromium inside the client's namespace, lets the demo page stream its
// fake camera with the invert filter and ?verify, then walks the phases (baseline, loss, jitter, rate cap,
// recovery), recording the page all along and the impairments' own counters per phase. Prints the report and
// writes it into docs/benchmarks.md ("## Chaos run"). Exits 1 when the session did not survive or recover.
import { spawn, execFileSync } from "node:child_process";
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";
import { chromiumArgs, fakeCameraFile } from "../../tests/browser/harness.mjs";
import { Impairments } from "./impair.mjs";
import { PageRecorder } from "./measure.mjs";
import { RECOVERED_RTT_FACTOR, renderReport, writeSection } from "./report.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the chaos run through scripts/chaos-run.sh`);
  return v;
};
const BASE = env("BRIDGE_URL");
const WORK = env("BROWSER_TESTS_WORK");
const ROOT = env("CHAOS_ROOT");

function options(argv) {
  const o = { baseline: 15, phase: 30, recovery: 15, loss: 5, jitter: 30, rate: "1mbit", keepOrder: false,
    out: join(ROOT, "docs", "benchmarks.md"), write: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--baseline") o.baseline = Number(next());
    else if (a === "--phase") o.phase = Number(next());
    else if (a === "--recovery") o.recovery = Number(next());
    else if (a === "--loss") o.loss = Number(next());
    else if (a === "--jitter") o.jitter = Number(next());
    else if (a === "--rate") o.rate = next();
    else if (a === "--keep-order") o.keepOrder = true;
    else if (a === "--out") o.out = next();
    else if (a === "--no-write") o.write = false;
    else throw new Error(`unknown option ${a}`);
  }
  for (const k of ["baseline", "phase", "recovery", "loss", "jitter"]) {
    if (!(o[k] >= 0)) throw new Error(`--${k} must be a number >= 0`);
  }
  if (o.recovery < 10) throw new Error("--recovery must be at least 10 s (the verdict reads its last 10 s)");
  return o;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (text) => process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

/** The relay as a child process, driven over its stdin; its JSON lines come back on stdout. */
async function startRelay(o) {
  // At a raised priority (it stands for the network, whose delays should not depend on how busy the CPU is).
  const relay = spawn("nice", ["-n", "-10", process.execPath, join(here, "relay.mjs"), "--listen", env("CHAOS_RELAY_LISTEN"),
    "--target", env("CHAOS_RELAY_TARGET")], { stdio: ["pipe", "pipe", "inherit"] });
  const waiting = [];
  createInterface({ input: relay.stdout }).on("line", (line) => waiting.shift()?.(JSON.parse(line)));
  const next = () => new Promise((resolve, reject) => {
    waiting.push(resolve);
    setTimeout(() => reject(new Error("the relay did not answer within 5 s")), 5000).unref();
  });
  await next();
  relay.stdin.write(`order ${o.keepOrder ? "keep" : "any"}\n`);
  return {
    send: (line) => relay.stdin.write(line + "\n"),
    stats: async () => {
      const answer = next();
      relay.stdin.write("stats\n");
      return (await answer).stats;
    },
    stop: () => relay.kill(),
  };
}

function machine() {
  const read = (path) => { try { return readFileSync(path, "utf8"); } catch { return ""; } };
  const cpu = read("/proc/cpuinfo").match(/^model name\s*:\s*(.*)$/m)?.[1] ?? "?";
  const os = read("/etc/os-release").match(/^PRETTY_NAME="?([^"\n]*)/m)?.[1] ?? "?";
  const cores = read("/proc/cpuinfo").match(/^processor\s*:/gm)?.length ?? "?";
  let browser = "?";
  try { browser = execFileSync("/usr/bin/chromium", ["--version"], { encoding: "utf8", timeout: 20_000 }).trim(); } catch { /* unknown */ }
  let dotnet = "?";
  try { dotnet = execFileSync("dotnet", ["--version"], { encoding: "utf8", timeout: 20_000 }).trim(); } catch { /* unknown */ }
  return { cpu, os, cores, kernel: read("/proc/sys/kernel/osrelease").trim(), browser, node: process.version,
    dotnet, load: () => read("/proc/loadavg").split(" ").slice(0, 3).join(" ") };
}

/** A wrapper that runs Chromium inside the client's namespace (Playwright talks to it over pipes, which nsenter keeps). */
function chromiumInClient() {
  const path = join(WORK, "chromium-in-client.sh");
  writeFileSync(path, `#!/bin/sh\nexec /usr/bin/nsenter -t ${env("CHAOS_CLIENT_PID")} -n -- /usr/bin/chromium "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Size of the server's log now (lines before the phases are not the run's). */
const serverLogSize = () => statSync(env("CHAOS_SERVER_LOG")).size;

/** Warning and error lines the server logged since its log had `from` bytes. */
function serverTrouble(from) {
  const lines = readFileSync(env("CHAOS_SERVER_LOG")).subarray(from).toString("utf8").split("\n");
  return lines.filter((l) => /\b(warn|fail|crit|error)\b/i.test(l));
}

async function main() {
  const o = options(process.argv.slice(2));
  const m = machine();
  const loadBefore = m.load();
  const started = new Date();
  const impair = new Impairments({ serverDev: env("CHAOS_SERVER_DEV"), clientDev: env("CHAOS_CLIENT_DEV"),
    clientPid: env("CHAOS_CLIENT_PID") });
  impair.clear();
  impair.install();
  const relay = await startRelay(o);
  const y4m = fakeCameraFile();
  const browser = await chromium.launch({ executablePath: chromiumInClient(), args: chromiumArgs({ y4m }), timeout: 60_000 });
  let polling = false;
  try {
    const page = await browser.newPage();
    await page.goto(`${BASE}/?autostart&filter=invert&verify`, { timeout: 30_000 });
    log("page loaded; waiting for verified frames");
    await page.waitForFunction(() => (window.bridgeDemo?.verify?.verified ?? 0) >= 30, null, { timeout: 60_000, polling: 250 })
      .catch(async () => {
        const why = await page.evaluate(() => `${document.getElementById("message").textContent}; ` +
          `connection ${window.bridgeConnection?.pc?.connectionState}`).catch((e) => e.message);
        throw new Error(`no verified frames came back within 60 s (${why})`);
      });
    const recorder = new PageRecorder(page);
    await recorder.markConnection();
    await sleep(2000);

    // Poll the page once a second for the whole run (its own logs hold only the last ~40 s).
    polling = true;
    const poller = (async () => {
      while (polling) {
        await recorder.poll().catch((e) => log(`poll failed: ${e.message}`));
        await sleep(1000);
      }
    })();

    const phases = [
      { name: "baseline", seconds: o.baseline, what: "none", apply() {}, undo() {} },
      { name: `${o.loss} % loss`, seconds: o.phase, what: "loss", apply: () => impair.setLoss(o.loss), undo: () => impair.setLoss(0) },
      { name: `0-${o.jitter} ms jitter`, seconds: o.phase, what: "jitter",
        apply: () => relay.send(`delay 0 ${o.jitter}`), undo: () => relay.send("delay 0 0") },
      { name: `${o.rate.replace(/mbit$/, " Mbit/s")} cap`, seconds: o.phase, what: "rate",
        apply: () => impair.setRate(o.rate), undo: () => impair.setRate(null) },
      { name: "recovery", seconds: o.recovery, what: "none", apply() {}, undo() {} },
    ];
    const results = [];
    const logFrom = serverLogSize();
    for (const phase of phases) {
      const counters0 = impair.counters();
      relay.send("reset");
      phase.apply();
      const from = await recorder.now();
      log(`phase ${phase.name}: ${phase.seconds} s`);
      await sleep(phase.seconds * 1000);
      const to = await recorder.now();
      const counters1 = impair.counters();
      const evidence = {
        udp: Object.fromEntries(Object.keys(counters1).map((k) => [k, counters1[k] - (counters0[k] ?? 0)])),
        relay: await relay.stats(),
        rate: phase.what === "rate" ? impair.rateStats() : null,
      };
      phase.undo();
      await recorder.poll();
      results.push({ phase, from, to, evidence });
    }
    polling = false;
    await poller;
    await recorder.poll();

    const figures = results.map((r) => ({ ...r, f: recorder.figures(r.from, r.to) }));
    const rec = results[results.length - 1];
    const recoveryTail = recorder.figures(rec.to - 10_000, rec.to);
    const baseRtt = figures[0].f.rttP50;
    const rttSettledS = baseRtt === null ? null : recorder.settledAfter(rec.from, rec.to, RECOVERED_RTT_FACTOR * baseRtt);
    const final = recorder.samples[recorder.samples.length - 1];
    let health = null;
    try { health = await (await fetch(`${BASE}/health`)).json(); } catch { /* reported as unknown */ }
    const report = renderReport({
      o, m, started, minutes: (Date.now() - started.getTime()) / 60000, loadBefore, loadAfter: m.load(),
      figures, recoveryTail, rttSettledS, final, health, trouble: serverTrouble(logFrom),
    });
    process.stdout.write(report.markdown + "\n");
    if (o.write) {
      writeSection(o.out, report.markdown);
      log(`written to ${o.out}`);
    }
    return report.ok ? 0 : 1;
  } finally {
    polling = false;
    await browser.close().catch(() => {});
    relay.stop();
    impair.clear();
  }
}

main().then((code) => process.exit(code), (e) => {
  console.error(`chaos run failed: ${e.stack ?? e}`);
  process.exit(2);
});
