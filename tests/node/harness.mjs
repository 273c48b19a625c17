// Points fal's client at our server (docs/protocols.md#pointing-fal-js-at-this-server): fal-js dials a hard-coded wss://fal.run, so the
// global WebSocket constructor is replaced by one that rewrites the host, and tokens come from our own /tokens/.
import WebSocketImpl from "ws";
import { createFalClient } from "@fal-ai/client";

export const BASE = process.env.BRIDGE_URL ?? "http://127.0.0.1:5000";
export const KEY = process.env.BRIDGE_KEY ?? "";
const WS_BASE = BASE.replace(/^http/, "ws");

export const dialled = [];
globalThis.WebSocket = class extends WebSocketImpl {
  constructor(url, protocols) {
    const rewritten = url.replace(/^wss:\/\/fal\.run/, WS_BASE);
    dialled.push(rewritten);
    super(rewritten, protocols);
  }
};

/** Asks our server for a temporary token, as fal's backend would. */
export async function fetchToken(app) {
  const alias = app.split("/")[1];
  const res = await fetch(`${BASE}/tokens/`, {
    method: "POST",
    headers: { Authorization: `Key ${KEY}`, "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ allowed_apps: [alias], token_expiration: 120 }),
  });
  if (!res.ok) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return await res.json();
}

export const fal = createFalClient({});

/** Resolves with the next value pushed, or rejects after a timeout. */
export function inbox(timeoutMs = 15000) {
  const items = [];
  const waiters = [];
  return {
    push(item) {
      const w = waiters.shift();
      if (w) { clearTimeout(w.timer); w.resolve(item); } else items.push(item);
    },
    next(what = "message") {
      if (items.length) return Promise.resolve(items.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
        waiters.push({ resolve, timer });
      });
    },
    get pending() { return items.length; },
  };
}

/** A minimal valid PNG (RGBA, filter 0) built with node's zlib, so the test needs no image files. */
import { deflateSync } from "node:zlib";
export function makePng(width, height, pixel) {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = pixel(x, y);
      raw.set([r, g, b, a], y * (width * 4 + 1) + 1 + x * 4);
    }
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return new Uint8Array(Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0)),
  ]));
}
