import { BridgeConnection } from "./bridge-client.js";
import { stamp, read, BLOCK, BITS } from "./frame-stamp.js";
import { FrameVerifier } from "./frame-verify.js";

const $ = (id) => document.getElementById(id);
const FILTERS = {
  identity: {}, invert: {}, grayscale: {}, sepia: {}, mirror: {},
  rotate: { degrees: [90, -360, 360, 1] },
  blur: { radius: [4, 1, 30, 1] },
  pixelate: { block_size: [12, 2, 64, 1] },
  edges: {},
  cartoon: { levels: [6, 2, 32, 1], edge_threshold: [120, 0, 1443, 1], smooth: [2, 0, 10, 1] },
};

let connection = null;
let camera = null;
let running = false;
const sent = new Map();
const rtts = [];
let framesOut = 0, framesBack = 0, lastTick = performance.now();
// Test hooks, off unless asked for in the query: ?verify checks returned pixels against sent ones (frame-verify.js);
// ?report=URL posts window.bridgeDemo there every second as text/plain JSON (no CORS preflight), for browsers a test
// cannot drive; ?server=URL preselects the signaling URL.
const query = new URLSearchParams(location.search);
const verifier = query.has("verify") ? new FrameVerifier() : null;
if (verifier) window.bridgeVerifier = verifier; // tests compare regions of returned frames with the sent copies
const reportUrl = query.get("report");
const pageErrors = [];
if (reportUrl) {
  addEventListener("error", (e) => pageErrors.length < 20 && pageErrors.push(String(e.message)));
  addEventListener("unhandledrejection", (e) => pageErrors.length < 20 && pageErrors.push(String(e.reason)));
}

function message(text, kind = "info") {
  const m = $("message");
  m.textContent = text;
  m.className = kind;
}

function params() {
  const filter = $("filter").value;
  const p = { filter };
  for (const input of document.querySelectorAll("#params input")) p[input.name] = Number(input.value);
  return p;
}

function renderParamControls() {
  const box = $("params");
  box.replaceChildren();
  for (const [name, [def, min, max, step]] of Object.entries(FILTERS[$("filter").value])) {
    const label = document.createElement("label");
    label.textContent = name + " ";
    const input = Object.assign(document.createElement("input"), { type: "range", name, min, max, step, value: def });
    const value = Object.assign(document.createElement("span"), { textContent: def });
    input.oninput = () => { value.textContent = input.value; connection?.setParams(params()); };
    label.append(input, value);
    box.append(label);
  }
}

async function start() {
  $("start").disabled = true;
  if (!navigator.mediaDevices?.getUserMedia) {
    // Browsers only offer the camera to secure pages: https://, or http://localhost / 127.0.0.1.
    message(`The camera is only available on a secure page: open this demo over https:// or at http://localhost (this page is ${location.origin}).`, "error");
    $("start").disabled = false;
    return;
  }
  try {
    camera = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, frameRate: 30 }, audio: false });
  } catch (e) {
    message(e.name === "NotAllowedError" ? "Camera permission was denied: allow the camera for this page and press Start again."
      : `No camera could be opened (${e.name}: ${e.message}).`, "error");
    $("start").disabled = false;
    return;
  }
  $("local").srcObject = camera;
  // The stream we send: the camera drawn into a canvas with the frame counter stamped in.
  const canvas = $("stamped");
  const ctx = canvas.getContext("2d", { willReadFrequently: false });
  const video = $("local");
  await video.play();
  running = true;
  let counter = 0;
  const draw = () => {
    if (!running) return;
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    counter = (counter + 1) & 0xffff;
    stamp(ctx, counter);
    verifier?.rememberSent(canvas, counter);
    sent.set(counter, performance.now());
    if (sent.size > 300) sent.delete(sent.keys().next().value);
    framesOut++;
    video.requestVideoFrameCallback(draw);
  };
  video.requestVideoFrameCallback(draw);
  // No frame-rate argument: a frame is captured each time the canvas is drawn (once per camera frame). Firefox
  // delivers only about 19 of 30 fps with captureStream(30) (measured here), every frame without it.
  await connect(canvas.captureStream());
}

async function connect(stream, attempt = 0) {
  connection = new BridgeConnection({ url: $("server").value, params: params() });
  window.bridgeConnection = connection;
  connection.addEventListener("status", (e) => message(e.detail));
  connection.addEventListener("error", (e) => message(e.detail, "error"));
  connection.addEventListener("stats", (e) => showServerStats(e.detail));
  connection.addEventListener("track", (e) => watchReturned(e.detail));
  connection.addEventListener("closed", (e) => {
    if (!running) return;
    const wait = Math.min(8000, 1000 * 2 ** attempt);
    message(`Connection to the server lost (${e.detail.code}); reconnecting in ${wait / 1000} s…`, "error");
    connection.close();
    setTimeout(() => running && connect(stream, attempt + 1).catch((err) => message(err.message, "error")), wait);
  });
  try {
    await connection.start(stream);
    message("Streaming.");
  } catch (e) {
    message(`${e.message}. Is the server running? Retrying…`, "error");
    connection.close();
    const wait = Math.min(8000, 1000 * 2 ** attempt);
    setTimeout(() => running && connect(stream, attempt + 1), wait);
  }
}

let watchGeneration = 0;

function watchReturned(stream) {
  // One frame-callback chain per connection: a reconnect ends the previous chain, or frames would be counted twice.
  const generation = ++watchGeneration;
  const video = $("remote");
  video.srcObject = stream;
  video.play().catch(() => {});
  const canvas = document.createElement("canvas");
  canvas.width = 17 * 16;
  canvas.height = 16;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const onFrame = (_, metadata) => {
    if (generation !== watchGeneration) return;
    framesBack++;
    const now = performance.now();
    // The strip is stamped on a 640x480 canvas; the returned video may come back scaled (sender adaptation).
    const sx = (video.videoWidth || 640) / 640, sy = (video.videoHeight || 480) / 480;
    ctx.drawImage(video, 0, 0, (BITS + 1) * BLOCK * sx, BLOCK * sy, 0, 0, (BITS + 1) * BLOCK, BLOCK);
    const counter = read(ctx);
    const at = counter === null ? undefined : sent.get(counter);
    const rtt = at === undefined ? undefined : now - at;
    if (rtt !== undefined) {
      rtts.push(rtt);
      if (rtts.length > 120) rtts.shift();
    }
    verifier?.checkReturned(video, counter, rtt, now, metadata?.presentedFrames);
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

function percentile(values, p) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

// The browser's own RTP counters, once a second (test hooks only): frames encoded and sent, received and decoded.
const rtpLog = [];
function sampleRtp(pc, now) {
  pc.getStats().then((report) => {
    const e = { t: Math.round(now) };
    for (const s of report.values()) {
      if (s.type === "outbound-rtp" && s.kind === "video") Object.assign(e, { sent: s.framesSent, encoded: s.framesEncoded, bytesSent: s.bytesSent, targetBitrate: s.targetBitrate, limit: s.qualityLimitationReason, sendFps: s.framesPerSecond, pli: s.pliCount, nack: s.nackCount });
      if (s.type === "inbound-rtp" && s.kind === "video") {
        Object.assign(e, { received: s.framesReceived, decoded: s.framesDecoded, dropped: s.framesDropped, w: s.frameWidth, h: s.frameHeight });
      }
    }
    rtpLog.push(e);
    if (rtpLog.length > 60) rtpLog.shift();
  }).catch(() => {});
}

let serverStats = {};
function showServerStats(s) { serverStats = s; }

setInterval(() => {
  const now = performance.now();
  const secs = (now - lastTick) / 1000;
  const fpsOut = framesOut / secs, fpsBack = framesBack / secs;
  framesOut = framesBack = 0;
  lastTick = now;
  const p50 = percentile(rtts, 50), p95 = percentile(rtts, 95);
  const s = serverStats;
  $("overlay").textContent = [
    `sent ${fpsOut.toFixed(1)} fps · returned ${fpsBack.toFixed(1)} fps`,
    `round trip ${p50 === null ? "n/a (this filter hides the frame counter)" : `p50 ${p50.toFixed(0)} ms · p95 ${p95.toFixed(0)} ms`}`,
    `server: in ${s.fpsIn?.toFixed?.(1) ?? "–"} fps · out ${s.fpsOut?.toFixed?.(1) ?? "–"} fps · dropped ${s.framesDropped ?? "–"}`,
    `bitrate out ${s.bitrateKbps ?? "–"} kbps · rtt ${s.roundTripTimeMs ?? "–"} ms`,
  ].join("\n");
  window.bridgeDemo = { fpsOut, fpsBack, p50, p95, rtts: [...rtts], serverStats: s };
  if (verifier || reportUrl) {
    const pc = connection?.pc;
    if (pc) sampleRtp(pc, now);
    Object.assign(window.bridgeDemo, {
      rtp: rtpLog.slice(),
      now: Math.round(now),
      message: $("message").textContent,
      connectionState: pc?.connectionState ?? null,
      iceConnectionState: pc?.iceConnectionState ?? null,
      errors: pageErrors.slice(),
      verify: verifier?.snapshot() ?? null,
    });
  }
  if (reportUrl) {
    fetch(reportUrl, { method: "POST", headers: { "Content-Type": "text/plain" }, body: JSON.stringify(window.bridgeDemo) })
      .catch(() => {});
  }
}, 1000);

for (const name of Object.keys(FILTERS)) $("filter").append(new Option(name, name));
$("filter").onchange = () => { renderParamControls(); connection?.setParams(params()); };
$("start").onclick = () => start().catch((e) => message(e.message, "error"));
$("server").value = query.get("server") ?? new URL("webrtc", location.href).toString();
const fromQuery = query.get("filter");
if (fromQuery && FILTERS[fromQuery]) $("filter").value = fromQuery;
renderParamControls();
if (query.has("autostart")) start().catch((e) => message(e.message, "error"));
