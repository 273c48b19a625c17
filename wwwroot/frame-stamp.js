// Round-trip latency measured for real: a frame counter is drawn into the video we send (a strip of black and
// white blocks, one reference block then 16 bits) and read back from the video the server returns. Filters that
// invert or grey the picture keep the code readable (bits are read relative to the reference block); filters that
// move pixels (mirror, rotate, pixelate with large blocks) make it unreadable, and the overlay then says so.

export const BLOCK = 16;
export const BITS = 16;

export function stamp(ctx, counter) {
  for (let i = 0; i <= BITS; i++) {
    const on = i === 0 ? true : ((counter >> (i - 1)) & 1) === 1;
    ctx.fillStyle = on ? "#fff" : "#000";
    ctx.fillRect(i * BLOCK, 0, BLOCK, BLOCK);
  }
}

/** Reads the counter from a frame drawn into ctx, or null when the strip is not readable. */
export function read(ctx) {
  const data = ctx.getImageData(0, 0, (BITS + 1) * BLOCK, BLOCK).data;
  const width = (BITS + 1) * BLOCK;
  const luma = (i) => {
    const x = i * BLOCK + BLOCK / 2, y = BLOCK / 2;
    const p = (y * width + x) * 4;
    return 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
  };
  const ref = luma(0);
  let value = 0, contrast = 0;
  for (let i = 1; i <= BITS; i++) {
    const l = luma(i);
    const same = Math.abs(l - ref) < 64;
    contrast = Math.max(contrast, Math.abs(l - ref));
    if (same) value |= 1 << (i - 1);
  }
  return contrast > 96 || value === 0xffff ? value : null;
}
