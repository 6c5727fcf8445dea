/* global process */
// Draws the app icon and writes the set electron-builder packages:
// resources/icons/NxN.png (Linux, 16 to 512), resources/icon.png (512),
// resources/icon.ico (Windows, PNG entries 16 to 256) and resources/icon.icns
// (macOS, PNG entries 16 to 1024). Plain Node (zlib): no image tool, nothing
// downloaded, and the same bytes every run, so test/packaging checks the
// committed files against a fresh run. Usage: node scripts/make-icons.mjs [OUT_DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import { deflateSync } from 'node:zlib';

export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS entry types by pixel size (PNG payloads, macOS 10.7+). */
export const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
];

const BACKGROUND = [13, 17, 23]; // the console's #0d1117
const LINE = [47, 129, 247];
const ALERT = [248, 81, 73];
/** A price line across the tile in unit coordinates, with a dislocation at the right. */
const POLYLINE = [
  [0.18, 0.62],
  [0.32, 0.52],
  [0.44, 0.58],
  [0.56, 0.44],
  [0.66, 0.5],
  [0.8, 0.26],
];

/** RGBA pixels of the icon at `size` x `size`, antialiased by supersampling. */
export function drawIcon(size) {
  const pixels = Buffer.alloc(size * size * 4);
  const grid = size >= 256 ? 3 : 4;
  const stroke = size <= 24 ? 0.09 : 0.06;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let tile = 0;
      let line = 0;
      let dot = 0;
      for (let sy = 0; sy < grid; sy++) {
        for (let sx = 0; sx < grid; sx++) {
          const u = (x + (sx + 0.5) / grid) / size;
          const v = (y + (sy + 0.5) / grid) / size;
          if (!inRoundedSquare(u, v, 0.04, 0.2)) continue;
          tile++;
          if (Math.hypot(u - 0.8, v - 0.26) < 0.085) dot++;
          else if (distanceToPolyline(u, v) < stroke / 2) line++;
        }
      }
      const n = grid * grid;
      const i = (y * size + x) * 4;
      const colour = BACKGROUND.map((b, c) => (b * (tile - line - dot) + LINE[c] * line + ALERT[c] * dot) / Math.max(tile, 1));
      pixels[i] = Math.round(colour[0]);
      pixels[i + 1] = Math.round(colour[1]);
      pixels[i + 2] = Math.round(colour[2]);
      pixels[i + 3] = Math.round((255 * tile) / n);
    }
  }
  return pixels;
}

function inRoundedSquare(u, v, margin, radius) {
  const lo = margin + radius;
  const hi = 1 - margin - radius;
  const dx = Math.max(lo - u, 0, u - hi);
  const dy = Math.max(lo - v, 0, v - hi);
  return dx * dx + dy * dy <= radius * radius;
}

function distanceToPolyline(u, v) {
  let best = Infinity;
  for (let k = 1; k < POLYLINE.length; k++) {
    const [ax, ay] = POLYLINE[k - 1];
    const [bx, by] = POLYLINE[k];
    const t = Math.max(0, Math.min(1, ((u - ax) * (bx - ax) + (v - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
    best = Math.min(best, Math.hypot(u - (ax + t * (bx - ax)), v - (ay + t * (by - ay))));
  }
  return best;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG (8-bit RGBA, no interlace) of `size` x `size` pixels. */
export function encodePng(size, pixels) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** An ICO whose entries are PNGs (Windows Vista+); 256 is written as 0 in the directory. */
export function encodeIco(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  let offset = 6 + 16 * pngs.length;
  const entries = pngs.map(([size, png]) => {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size;
    e[1] = size >= 256 ? 0 : size;
    e.writeUInt16LE(1, 4);
    e.writeUInt16LE(32, 6);
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...pngs.map(([, png]) => png)]);
}

/** An ICNS of PNG entries: 'icns', total length, then type + length (header included) + data each. */
export function encodeIcns(entries) {
  const parts = entries.map(([type, png]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

/** Writes the whole set under `outDir`; returns the files written, relative to it. */
export function writeIcons(outDir) {
  const cache = new Map();
  const png = (size) => {
    if (!cache.has(size)) cache.set(size, encodePng(size, drawIcon(size)));
    return cache.get(size);
  };
  const files = {};
  for (const size of PNG_SIZES) files[join('icons', `${size}x${size}.png`)] = png(size);
  files['icon.png'] = png(512);
  files['icon.ico'] = encodeIco(ICO_SIZES.map((s) => [s, png(s)]));
  files['icon.icns'] = encodeIcns(ICNS_TYPES.map(([type, s]) => [type, png(s)]));
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(outDir, name)), { recursive: true });
    writeFileSync(join(outDir, name), bytes);
  }
  return Object.keys(files);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'resources');
  for (const f of writeIcons(out)) process.stdout.write(`${join(out, f)}\n`);
}
