// fal's own JS client against a front server that serves the upstream's bridge/filters as the remote app
// remote/filters (Apps:Remote:0). The upstream is run.sh's server (auth on); the front mints upstream tokens with
// the key and relays fal's realtime protocol both ways.
import test, { before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import WebSocketImpl from "ws";
import { BASE, KEY, fal, inbox, makePng } from "./harness.mjs";

const DLL = fileURLToPath(new URL("../../src/Signaling/bin/Release/net10.0/WebRtcBridge.Signaling.dll", import.meta.url));
let front = null;
let frontUrl = "";

/** Starts our server with extra arguments on an ephemeral 127.0.0.1 port; resolves with its URL. */
function startServer(args) {
  const child = spawn("dotnet", [DLL, "--urls", "http://127.0.0.1:0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`front did not start:\n${log}`)), 30_000);
    const onData = (d) => {
      log += d;
      const m = log.match(/Now listening on: (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve({ child, url: m[1] }); }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`front exited (${code}):\n${log}`)));
  });
}

before(async () => {
  const upstream = BASE.replace(/^http/, "ws");
  ({ child: front, url: frontUrl } = await startServer([
    "--Apps:Remote:0:Id", "remote/filters",
    "--Apps:Remote:0:Url", `${upstream}/bridge/filters/realtime`,
    "--Apps:Remote:0:Key", KEY,
  ]));
  // fal-js dials wss://fal.run: point it at the front (not at the upstream, as the harness does).
  const frontWs = frontUrl.replace(/^http/, "ws");
  globalThis.WebSocket = class extends WebSocketImpl {
    constructor(url, protocols) { super(url.replace(/^wss:\/\/fal\.run/, frontWs), protocols); }
  };
});
after(() => {
  front?.kill("SIGKILL");
  front?.stdout.destroy();
  front?.stderr.destroy();
  front?.unref();
});

test("fal's client streams through the front's /realtime to the remote app and back", async () => {
  const results = inbox();
  const errors = inbox();
  const conn = fal.realtime.connect("remote/filters", {
    throttleInterval: 0,
    tokenProvider: async () => "front-runs-open", // the front has no keys; it holds the upstream key itself
    onResult: (r) => results.push(r),
    onError: (e) => errors.push(e),
  });
  const png = makePng(8, 8, () => [10, 20, 30, 255]);
  conn.send({ image: png, filter: "invert" });
  const r = await results.next("remote result");
  const img = r.images[0];
  assert.equal(img.width, 8);
  assert.equal(img.content_type, "image/png");
  assert.ok(img.content instanceof Uint8Array);
  // An upstream x-fal-error reaches onError through the relay, and the session stays usable.
  conn.send({ image: png, filter: "no-such-filter" });
  const err = await errors.next("upstream error");
  assert.match(err.message, /VALIDATION_ERROR/);
  conn.send({ image: png, filter: "identity" });
  assert.ok((await results.next("result after the error")).images[0].content instanceof Uint8Array);
  conn.close();
});
