// fal's own JS client (@fal-ai/client 1.10.1) driving bridge/echo and bridge/filters on our server.
import test from "node:test";
import assert from "node:assert/strict";
import { fal, fetchToken, inbox, makePng, dialled } from "./harness.mjs";

function connect(app, extra = {}) {
  const results = inbox();
  const errors = inbox();
  const conn = fal.realtime.connect(app, {
    throttleInterval: 0,
    tokenProvider: fetchToken,
    onResult: (r) => results.push(r),
    onError: (e) => errors.push(e),
    ...extra,
  });
  return { conn, results, errors };
}

test("echo round-trips a map, bytes stay bytes, request_id comes back", async () => {
  const { conn, results, errors } = connect("bridge/echo");
  const bytes = new Uint8Array([0, 1, 2, 250, 255]);
  conn.send({ text: "héllo", n: 42, f: 1.5, neg: -7, flag: true, none: null, list: [1, "two"], nested: { a: 1 }, bytes, request_id: "req-1" });
  const r = await results.next("echo result");
  assert.equal(r.text, "héllo");
  assert.equal(r.n, 42);
  assert.equal(r.f, 1.5);
  assert.equal(r.neg, -7);
  assert.equal(r.flag, true);
  assert.equal(r.none, null);
  assert.deepEqual(r.list, [1, "two"]);
  assert.deepEqual(r.nested, { a: 1 });
  assert.ok(r.bytes instanceof Uint8Array, "bytes come back as a Uint8Array");
  assert.deepEqual(Array.from(r.bytes), Array.from(bytes));
  assert.equal(r.request_id, "req-1");
  assert.equal(errors.pending, 0);
  assert.ok(dialled.some((u) => u.includes("/bridge/echo/realtime?fal_jwt_token=")), "dialled our server with a token");
  conn.close();
});

test("filters: invert twice gives back the identity image, with size and content type", async () => {
  const { conn, results, errors } = connect("bridge/filters");
  const png = makePng(24, 16, (x, y) => [x * 10, y * 15, 128, 255]);
  conn.send({ image: png, filter: "identity", request_id: "a" });
  const identity = await results.next("identity result");
  conn.send({ image: png, filter: "invert", request_id: "b" });
  const inverted = await results.next("invert result");
  assert.equal(identity.request_id, "a");
  assert.equal(inverted.request_id, "b");
  const img = inverted.images[0];
  assert.equal(img.width, 24);
  assert.equal(img.height, 16);
  assert.equal(img.content_type, "image/png");
  assert.ok(img.content instanceof Uint8Array);
  assert.notDeepEqual(Array.from(img.content), Array.from(identity.images[0].content));
  conn.send({ image: img.content, filter: "invert", request_id: "c" });
  const back = await results.next("double invert result");
  assert.deepEqual(Array.from(back.images[0].content), Array.from(identity.images[0].content));
  assert.ok(typeof back.timings === "object");
  assert.equal(errors.pending, 0);
  conn.close();
});

test("an unknown filter reaches onError and the session stays usable", async () => {
  const { conn, results, errors } = connect("bridge/filters");
  const png = makePng(4, 4, () => [1, 2, 3, 255]);
  conn.send({ image: png, filter: "no-such-filter" });
  const err = await errors.next("error");
  assert.equal(err.status, 400);
  assert.match(err.message, /VALIDATION_ERROR/);
  assert.match(err.message, /no-such-filter/);
  conn.send({ image: png, filter: "grayscale" });
  const ok = await results.next("result after the error");
  assert.equal(ok.images[0].width, 4);
  conn.close();
});

test("undecodable image bytes reach onError", async () => {
  const { conn, errors } = connect("bridge/filters");
  conn.send({ image: new Uint8Array([1, 2, 3, 4, 5]), filter: "invert" });
  const err = await errors.next("error");
  assert.equal(err.status, 400);
  assert.match(err.message, /image/);
  conn.close();
});

test("a bad token gets the in-band Unauthorized frame and close 1008", async () => {
  const { conn, results, errors } = connect("bridge/echo", { tokenProvider: async () => "not-a-valid-token" });
  conn.send({ hello: 1 });
  const err = await errors.next("unauthorized error");
  assert.equal(err.status, 1008);
  assert.match(err.message, /Unauthorized/);
  assert.equal(results.pending, 0);
  conn.close();
});

test("close() gives no error", async () => {
  const first = connect("bridge/echo");
  first.conn.send({ i: 1 });
  await first.results.next("first result");
  first.conn.close();
  // A second full round trip on another connection gives the first one's close handshake time to finish.
  const second = connect("bridge/echo");
  second.conn.send({ i: 2 });
  assert.equal((await second.results.next("second result")).i, 2);
  second.conn.close();
  const third = connect("bridge/echo");
  third.conn.send({ i: 3 });
  assert.equal((await third.results.next("third result")).i, 3);
  third.conn.close();
  assert.equal(first.errors.pending, 0, "no onError after close()");
  assert.equal(second.errors.pending, 0, "no onError after close()");
});
