#!/usr/bin/env node
// Draws Cairn's icons (a cairn: stones stacked smallest on top) as PNG files, with no image
// library: the shapes are ellipses rendered with 4x4 supersampling, and the PNG encoder is the
// format's minimum (signature, IHDR, one zlib IDAT, IEND). The output is deterministic, so
// running this again only changes files when the drawing changes.
//
//   node resources/generate-icons.mjs
//
// Writes: icon.png (512 px, macOS and Windows), icons/<n>x<n>.png (the Linux icon set) and
// tray/tray-<status>.png plus @2x (the tray, one image per status the tray shows).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));

// ---- PNG encoding -------------------------------------------------------------------------

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** Encodes RGBA pixels (size x size, row-major) as an 8-bit RGBA PNG. */
function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  header[10] = 0; // deflate
  header[11] = 0; // adaptive filtering
  header[12] = 0; // no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- Drawing ------------------------------------------------------------------------------

/** Shapes in a unit square (0..1, y down); the first shape that covers a point paints it. */
const stones = [
  // top to bottom, so a lower stone never paints over the one resting on it
  { cx: 0.5, cy: 0.2, rx: 0.13, ry: 0.085, color: [0xb9, 0xc2, 0xcc] },
  { cx: 0.49, cy: 0.37, rx: 0.21, ry: 0.1, color: [0x8d, 0x99, 0xa6] },
  { cx: 0.51, cy: 0.56, rx: 0.29, ry: 0.115, color: [0x66, 0x73, 0x80] },
  { cx: 0.5, cy: 0.77, rx: 0.38, ry: 0.13, color: [0x46, 0x51, 0x5c] },
];

const badgeColors = { syncing: [0x2f, 0x80, 0xed], error: [0xe0, 0x3e, 0x36] };

function insideEllipse(x, y, { cx, cy, rx, ry }) {
  const dx = (x - cx) / rx;
  const dy = (y - cy) / ry;
  return dx * dx + dy * dy <= 1;
}

/** The colour at a point, or null for transparent. */
function paint(x, y, { background, badge }) {
  if (badge) {
    const dot = { cx: 0.8, cy: 0.8, rx: 0.19, ry: 0.19 };
    const ring = { ...dot, rx: 0.24, ry: 0.24 };
    if (insideEllipse(x, y, dot)) return badgeColors[badge];
    if (insideEllipse(x, y, ring)) return null; // a gap so the badge reads at 16 px
  }
  for (const stone of stones) if (insideEllipse(x, y, stone)) return stone.color;
  if (background && insideRoundedSquare(x, y, 0.06, 0.2)) return [0xf4, 0xf1, 0xea];
  return null;
}

function insideRoundedSquare(x, y, margin, radius) {
  const lo = margin + radius;
  const hi = 1 - margin - radius;
  const nx = Math.min(Math.max(x, lo), hi);
  const ny = Math.min(Math.max(y, lo), hi);
  return (x - nx) ** 2 + (y - ny) ** 2 <= radius * radius && x >= margin && x <= 1 - margin && y >= margin && y <= 1 - margin;
}

function render(size, options) {
  const samples = 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const color = paint((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size, options);
          if (!color) continue;
          r += color[0];
          g += color[1];
          b += color[2];
          covered++;
        }
      }
      const at = (py * size + px) * 4;
      if (covered === 0) continue;
      rgba[at] = Math.round(r / covered);
      rgba[at + 1] = Math.round(g / covered);
      rgba[at + 2] = Math.round(b / covered);
      rgba[at + 3] = Math.round((255 * covered) / (samples * samples));
    }
  }
  return encodePng(size, rgba);
}

// ---- Output -------------------------------------------------------------------------------

function write(relative, bytes) {
  const file = path.join(here, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  console.log(`wrote resources/${relative} (${bytes.length} bytes)`);
}

const appIcon = { background: true, badge: null };
write('icon.png', render(512, appIcon));
for (const size of [16, 32, 48, 64, 128, 256, 512]) write(`icons/${size}x${size}.png`, render(size, appIcon));

for (const status of ['idle', 'syncing', 'error']) {
  const tray = { background: false, badge: status === 'idle' ? null : status };
  write(`tray/tray-${status}.png`, render(16, tray));
  write(`tray/tray-${status}@2x.png`, render(32, tray));
}
