#!/usr/bin/env node
/**
 * Writes the tray's per-status template icons next to this file (16x16 and @2x 32x32):
 *   beaconOkTemplate      a dot with two broadcast arcs: collecting
 *   beaconWarnTemplate    one arc and a hollow ring badge: needs attention / starting
 *   beaconErrorTemplate   the dot alone (no signal) and a solid badge: not collecting
 *   beaconPausedTemplate  the dot and two pause bars: capture paused by the user
 * Template images: black pixels, the shape is in the alpha channel; macOS tints them for the
 * menu bar. The drawing is computed (no image tools needed); rerun with
 * `node build/generate-tray-icons.cjs` after changing it. Uses only node:zlib.
 */
'use strict';
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const OUT_DIR = join(__dirname, '..', 'resources', 'tray');
const { deflateSync } = require('node:zlib');

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function pngChunk(type, data) {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, tail]);
}

/** An RGBA PNG of `size` px whose alpha is `shape(x, y)` (x, y in 0..1), 4x4 supersampled. */
function encode(size, shape) {
  const stride = 1 + size * 4;
  const raw = Buffer.alloc(size * stride); // RGB stays 0 (black); filter byte 0 per row
  const n = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < n; sy++) for (let sx = 0; sx < n; sx++) hits += shape((x + (sx + 0.5) / n) / size, (y + (sy + 0.5) / n) / size) ? 1 : 0;
      raw[y * stride + 1 + x * 4 + 3] = Math.round((255 * hits) / (n * n));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

const CX = 0.46;
const CY = 0.74;
const dot = (x, y) => Math.hypot(x - CX, y - CY) < 0.13;
const arc = (radius) => (x, y) => {
  const r = Math.hypot(x - CX, y - CY);
  const inCone = y < CY - 0.02 && Math.abs(x - CX) < (CY - y) * 1.05;
  return inCone && Math.abs(r - radius) < 0.065;
};
const ring = (x, y) => Math.abs(Math.hypot(x - 0.82, y - 0.2) - 0.12) < 0.05;
const badge = (x, y) => Math.hypot(x - 0.82, y - 0.2) < 0.17;
const bars = (x, y) => y > 0.12 && y < 0.52 && ((x > 0.3 && x < 0.42) || (x > 0.56 && x < 0.68));
const any = (...parts) => (x, y) => parts.some((p) => p(x, y));

const SHAPES = {
  beaconOkTemplate: any(dot, arc(0.34), arc(0.56)),
  beaconWarnTemplate: any(dot, arc(0.34), ring),
  beaconErrorTemplate: any(dot, badge),
  beaconPausedTemplate: any(dot, bars),
};

for (const [name, shape] of Object.entries(SHAPES)) {
  writeFileSync(join(OUT_DIR, `${name}.png`), encode(16, shape));
  writeFileSync(join(OUT_DIR, `${name}@2x.png`), encode(32, shape));
}
console.log(`wrote ${Object.keys(SHAPES).length * 2} tray icons to ${OUT_DIR}`);
