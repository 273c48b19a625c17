// Test hook (page flag ?verify): checks the video the server returns pixel by pixel against what this page sent.
// Every sent frame is kept as a small copy (160x120, the same downscale on both sides evens out codec noise and
// sub-pixel shifts) keyed by the frame counter stamped into it (frame-stamp.js). For every returned frame the
// counter is read back, the frame is downscaled the same way, and the mean absolute difference per RGB channel is
// computed against the sent copy inverted (255 - sent) and as sent, excluding the rows of the counter strip.
// Memory is bounded: at most `capacity` sent copies and `logCapacity` log entries; older ones are dropped.

export const WIDTH = 160;
export const HEIGHT = 120;
/** Rows skipped at the top: the counter strip is 16 of 480 rows (4 rows here), plus one for the scaler's blur. */
export const SKIP_ROWS = 5;

export class FrameVerifier {
  constructor(capacity = 90, logCapacity = 1200) {
    this.capacity = capacity;
    this.logCapacity = logCapacity;
    this.sent = new Map();
    /**
     * One entry per returned frame seen: {t: page ms, c: counter or -1, rtt: ms or -1, inv, id: mean abs error or -1,
     * pf: the video element's presented-frame count (frames may be presented without a callback of their own)}.
     */
    this.log = [];
    /** Page times of sent frames. */
    this.sentLog = [];
    this.returned = 0;
    this.verified = 0;
    const canvas = document.createElement("canvas");
    canvas.width = WIDTH;
    canvas.height = HEIGHT;
    this.ctx = canvas.getContext("2d", { willReadFrequently: true });
  }

  #shrink(source, sw, sh) {
    this.ctx.drawImage(source, 0, 0, sw, sh, 0, 0, WIDTH, HEIGHT);
    return this.ctx.getImageData(0, 0, WIDTH, HEIGHT).data;
  }

  /** Keeps a small copy of the frame just drawn into `canvas` with `counter` stamped in. */
  rememberSent(canvas, counter) {
    this.sent.delete(counter);
    this.sent.set(counter, this.#shrink(canvas, canvas.width, canvas.height));
    while (this.sent.size > this.capacity) this.sent.delete(this.sent.keys().next().value);
    this.sentLog.push(Math.round(performance.now()));
    if (this.sentLog.length > this.logCapacity) this.sentLog.splice(0, this.sentLog.length - this.logCapacity);
  }

  /** Compares the frame now shown by `video` with the sent frame stamped `counter` (null: unreadable). */
  checkReturned(video, counter, rtt, now, presentedFrames) {
    this.returned++;
    const entry = { t: Math.round(now), c: counter ?? -1, rtt: rtt === undefined ? -1 : Math.round(rtt), inv: -1, id: -1,
      pf: presentedFrames ?? -1 };
    const sent = counter === null ? undefined : this.sent.get(counter);
    if (sent !== undefined && video.videoWidth > 0) {
      const got = this.#shrink(video, video.videoWidth, video.videoHeight);
      let inv = 0, id = 0;
      for (let p = SKIP_ROWS * WIDTH * 4; p < got.length; p += 4) {
        for (let k = 0; k < 3; k++) {
          const a = got[p + k], b = sent[p + k];
          inv += Math.abs(a - (255 - b));
          id += Math.abs(a - b);
        }
      }
      const n = (HEIGHT - SKIP_ROWS) * WIDTH * 3;
      entry.inv = Math.round((inv / n) * 100) / 100;
      entry.id = Math.round((id / n) * 100) / 100;
      this.verified++;
    }
    this.log.push(entry);
    if (this.log.length > this.logCapacity) this.log.splice(0, this.log.length - this.logCapacity);
  }

  snapshot() {
    return { returned: this.returned, verified: this.verified, log: this.log.slice(), sentLog: this.sentLog.slice() };
  }
}
