import { BridgeConnection } from "./bridge-client.js";
import { stamp, read } from "./frame-stamp.js";

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
    sent.set(counter, performance.now());
    if (sent.size > 300) sent.delete(sent.keys().next().value);
    framesOut++;
    video.requestVideoFrameCallback(draw);
  };
  video.requestVideoFrameCallback(draw);
  await connect(canvas.captureStream(30));
}

async function connect(stream, attempt = 0) {
  connection = new BridgeConnection({ url: $("server").value, params: params() });
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

function watchReturned(stream) {
  const video = $("remote");
  video.srcObject = stream;
  video.play().catch(() => {});
  const canvas = document.createElement("canvas");
  canvas.width = 17 * 16;
  canvas.height = 16;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const onFrame = () => {
    framesBack++;
    ctx.drawImage(video, 0, 0, 17 * 16, 16, 0, 0, 17 * 16, 16);
    const counter = read(ctx);
    const at = counter === null ? undefined : sent.get(counter);
    if (at !== undefined) {
      rtts.push(performance.now() - at);
      if (rtts.length > 120) rtts.shift();
    }
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

function percentile(values, p) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
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
}, 1000);

for (const name of Object.keys(FILTERS)) $("filter").append(new Option(name, name));
$("filter").onchange = () => { renderParamControls(); connection?.setParams(params()); };
$("start").onclick = () => start().catch((e) => message(e.message, "error"));
$("server").value = new URL("webrtc", location.href).toString();
const fromQuery = new URLSearchParams(location.search).get("filter");
if (fromQuery && FILTERS[fromQuery]) $("filter").value = fromQuery;
renderParamControls();
if (new URLSearchParams(location.search).has("autostart")) start().catch((e) => message(e.message, "error"));
