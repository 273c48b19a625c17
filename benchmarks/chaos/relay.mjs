// A UDP relay between the browser and the server's media socket that can hold every packet for a random time
// (the chaos run's jitter: this kernel has no netem). The server announces the relay's address as an ICE candidate
// (Bridge:WebRtc:AnnouncedAddress) and binds its own socket to an address the browser cannot reach, so every media
// packet passes here, in both directions.
//
//   node relay.mjs --listen 10.255.0.1:40000 --target 127.0.0.1:40000
//
// Each peer address that sends to --listen gets its own upstream socket towards --target (at most MAX_PEERS);
// what the target sends back on that socket goes to that peer from --listen, so the peer sees one symmetric
// address (RFC 8445 §7.2.5.2.1). Commands on stdin, one a line:
//   delay MIN MAX      hold every packet (both directions) for a uniform random MIN..MAX ms (0 0: forward at once)
//   order keep|any     keep: a packet never leaves before one that arrived earlier in the same direction (its hold
//                      is stretched instead); any (default): independent holds, so packets may be reordered
//   stats              prints one JSON line: packets per direction, held, dropped, reordered, hold time p50/p95/max
//   reset              zeroes the statistics
// Bounded: at most MAX_HELD packets held per direction; more are dropped and counted.
import dgram from "node:dgram";
import { createInterface } from "node:readline";

const MAX_PEERS = 16;
const MAX_HELD = 4096;
const MAX_SAMPLES = 50_000;

function endpoint(text) {
  const i = text.lastIndexOf(":");
  const port = Number(text.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`not an address:port: ${text}`);
  return { address: text.slice(0, i), port };
}

function arg(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) throw new Error(`missing ${name} (usage: relay.mjs --listen A:P --target A:P)`);
  return process.argv[i + 1];
}

const listen = endpoint(arg("--listen"));
const target = endpoint(arg("--target"));

let minDelay = 0, maxDelay = 0, keepOrder = false;

/** Per-direction statistics since the last reset. */
function newStats() {
  return { packets: 0, held: 0, dropped: 0, reordered: 0, holds: [], maxArrival: -1 };
}
const stats = { up: newStats(), down: newStats() };

/** One direction's queue when order is kept: FIFO of {due, send}; one timer for its head. */
function newLane() {
  return { queue: [], head: 0, timer: null, lastDue: 0, held: 0, seq: 0 };
}
const lanes = { up: newLane(), down: newLane() };

function record(dir, arrivedAt, seq) {
  const s = stats[dir];
  const hold = Number(process.hrtime.bigint() - arrivedAt) / 1e6;
  if (s.holds.length < MAX_SAMPLES) s.holds.push(hold);
  if (seq < s.maxArrival) s.reordered++;
  else s.maxArrival = seq;
}

function drainLane(dir) {
  const lane = lanes[dir];
  lane.timer = null;
  const now = performance.now();
  while (lane.head < lane.queue.length && lane.queue[lane.head].due <= now + 0.5) {
    const item = lane.queue[lane.head];
    lane.queue[lane.head++] = undefined;
    lane.held--;
    item.send();
    record(dir, item.arrivedAt, item.seq);
  }
  if (lane.head > 1024) {
    lane.queue = lane.queue.slice(lane.head);
    lane.head = 0;
  }
  if (lane.head < lane.queue.length) lane.timer = setTimeout(drainLane, Math.max(0, lane.queue[lane.head].due - now), dir);
}

/** Forwards one packet in direction `dir` ("up": peer to target, "down": target to peer) after the current hold. */
function forward(dir, send) {
  const s = stats[dir];
  const lane = lanes[dir];
  const seq = lane.seq++;
  s.packets++;
  const arrivedAt = process.hrtime.bigint();
  const delay = maxDelay > 0 ? minDelay + Math.random() * (maxDelay - minDelay) : 0;
  if (delay <= 0 && lane.held === 0) {
    send();
    record(dir, arrivedAt, seq);
    return;
  }
  if (lane.held >= MAX_HELD) {
    s.dropped++;
    return;
  }
  s.held++;
  lane.held++;
  if (keepOrder) {
    const due = Math.max(performance.now() + delay, lane.lastDue);
    lane.lastDue = due;
    lane.queue.push({ due, send, arrivedAt, seq });
    if (lane.timer === null) lane.timer = setTimeout(drainLane, Math.max(0, due - performance.now()), dir);
  } else {
    setTimeout(() => {
      lane.held--;
      send();
      record(dir, arrivedAt, seq);
    }, delay);
  }
}

const front = dgram.createSocket("udp4");
/** Peer "address:port" -> its upstream socket towards the target. */
const peers = new Map();

front.on("message", (msg, rinfo) => {
  const key = `${rinfo.address}:${rinfo.port}`;
  let up = peers.get(key);
  if (!up) {
    if (peers.size >= MAX_PEERS) {
      stats.up.dropped++;
      return;
    }
    up = dgram.createSocket("udp4");
    up.on("message", (reply) => forward("down", () => front.send(reply, rinfo.port, rinfo.address)));
    up.on("error", (e) => console.error(`relay: upstream for ${key}: ${e.message}`));
    up.bind({ address: target.address, port: 0 });
    peers.set(key, up);
    console.error(`relay: new peer ${key}`);
  }
  forward("up", () => up.send(msg, target.port, target.address));
});
front.on("error", (e) => {
  console.error(`relay: ${e.message}`);
  process.exit(1);
});
front.bind({ address: listen.address, port: listen.port }, () => {
  console.log(JSON.stringify({ listening: `${listen.address}:${listen.port}`, target: `${target.address}:${target.port}` }));
});

function percentile(values, p) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function summary(s) {
  const r = (x) => (x === null ? null : Math.round(x * 10) / 10);
  return { packets: s.packets, held: s.held, dropped: s.dropped, reordered: s.reordered,
    holdP50: r(percentile(s.holds, 50)), holdP95: r(percentile(s.holds, 95)), holdMax: r(s.holds.length ? Math.max(...s.holds) : null) };
}

createInterface({ input: process.stdin }).on("line", (line) => {
  const [cmd, a, b] = line.trim().split(/\s+/);
  if (cmd === "delay") {
    minDelay = Number(a);
    maxDelay = Number(b);
  } else if (cmd === "order") {
    keepOrder = a === "keep";
  } else if (cmd === "stats") {
    console.log(JSON.stringify({ stats: { up: summary(stats.up), down: summary(stats.down), delay: [minDelay, maxDelay],
      order: keepOrder ? "keep" : "any", peers: peers.size } }));
  } else if (cmd === "reset") {
    stats.up = newStats();
    stats.down = newStats();
  } else if (cmd) {
    console.error(`relay: unknown command '${cmd}'`);
  }
}).on("close", () => process.exit(0));
