#!/usr/bin/env node
/**
 * Writes the menu-bar template icons to resources/icons/:
 *   trayTemplate.png (16x16), trayTemplate@2x.png (32x32)        the normal state
 *   trayAlertTemplate.png, trayAlertTemplate@2x.png             the "needs attention" state
 * macOS treats a name ending in "Template" as a template image: only the alpha channel counts and
 * the system tints it for light/dark menu bars, so the pixels are black with varying alpha.
 * The drawing (a dot with two broadcast arcs, a beacon) is computed, so the icons can be
 * regenerated exactly with `node build/generate-tray-icons.cjs` and need no image tools.
 */
'use strict';
const { writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { deflateSync } = require('node:zlib');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** RGBA PNG from a function (x, y in 0..1 units of the icon) -> alpha 0..1. */
function png(size, alphaAt) {
  const samples = 4; // 4x4 supersampling for smooth edges
  const raw = Buffer.alloc(size * (1 + size * 4));
  for (let y = 0; y < size; y++) {
    raw[y * (1 + size * 4)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          a += alphaAt((x + (sx + 0.5) / samples) / size, (y + (sy + 0.5) / samples) / size);
        }
      }
      const o = y * (1 + size * 4) + 1 + x * 4;
      raw[o + 3] = Math.round((255 * a) / (samples * samples));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A dot near the bottom with two arcs above it; `alert` adds a badge in the top-right corner. */
function beacon(alert) {
  return (x, y) => {
    const cx = 0.5;
    const cy = 0.72;
    const r = Math.hypot(x - cx, y - cy);
    const above = y < cy - 0.02 && Math.abs(x - cx) < (cy - y) * 1.4;
    if (alert && Math.hypot(x - 0.82, y - 0.18) < 0.16) return 1;
    if (r < 0.13) return 1;
    if (above && Math.abs(r - 0.34) < 0.065) return 1;
    if (above && Math.abs(r - 0.56) < 0.065) return 1;
    return 0;
  };
}

const outDir = join(__dirname, '..', 'resources', 'icons');
mkdirSync(outDir, { recursive: true });
for (const [name, alert] of [['trayTemplate', false], ['trayAlertTemplate', true]]) {
  writeFileSync(join(outDir, `${name}.png`), png(16, beacon(alert)));
  writeFileSync(join(outDir, `${name}@2x.png`), png(32, beacon(alert)));
}
console.log(`wrote tray icons to ${outDir}`);
