#!/usr/bin/env node
// Renders assets/icons/goroscope.svg into the icons electron-builder packages, offline:
//   assets/icons/png/NxN.png  16…1024 px (Linux takes the directory; the window icon is 512)
//   assets/icons/icon.png     1024 px
//   assets/icons/icon.ico     Windows: PNG-compressed entries 16…256 (Vista and later read them)
//   assets/icons/icon.icns    macOS: PNG entries icp4…ic10 (16…1024)
// Rendering uses Debian's Chromium through Playwright (a transparent screenshot of the SVG at each
// size, so small sizes are rasterised from the vector, not downscaled). Run again after editing the SVG.

import { chromium } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const iconDir = path.join(root, 'assets', 'icons');
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** Apple's PNG-bearing icon types by pixel size. */
const ICNS_TYPES = { 16: 'icp4', 32: 'icp5', 64: 'icp6', 128: 'ic07', 256: 'ic08', 512: 'ic09', 1024: 'ic10' };

async function renderPngs(svg) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
  });
  const pngs = new Map();
  try {
    const page = await browser.newPage();
    for (const size of SIZES) {
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg style="display:block;width:${size}px;height:${size}px" `)}</body></html>`);
      pngs.set(size, await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
    }
  } finally {
    await browser.close();
  }
  return pngs;
}

/** ICO: header, one 16-byte directory entry per image, then the PNG bytes. */
function ico(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(ICO_SIZES.length, 4);
  const entries = [];
  let offset = 6 + 16 * ICO_SIZES.length;
  for (const size of ICO_SIZES) {
    const png = pngs.get(size);
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    e.writeUInt8(size >= 256 ? 0 : size, 1);
    e.writeUInt8(0, 2);
    e.writeUInt8(0, 3);
    e.writeUInt16LE(1, 4); // colour planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(e);
  }
  return Buffer.concat([header, ...entries, ...ICO_SIZES.map((s) => pngs.get(s))]);
}

/** ICNS: 'icns' + total length, then (type, length including its 8-byte header, PNG) per entry. */
function icns(pngs) {
  const chunks = Object.entries(ICNS_TYPES).map(([size, type]) => {
    const png = pngs.get(Number(size));
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

const svg = fs.readFileSync(path.join(iconDir, 'goroscope.svg'), 'utf8');
const pngs = await renderPngs(svg);
fs.mkdirSync(path.join(iconDir, 'png'), { recursive: true });
for (const [size, png] of pngs) fs.writeFileSync(path.join(iconDir, 'png', `${size}x${size}.png`), png);
fs.writeFileSync(path.join(iconDir, 'icon.png'), pngs.get(1024));
fs.writeFileSync(path.join(iconDir, 'icon.ico'), ico(pngs));
fs.writeFileSync(path.join(iconDir, 'icon.icns'), icns(pngs));
console.log(`assets/icons: ${SIZES.length} PNGs (${SIZES.join(', ')} px), icon.ico (${ICO_SIZES.length} sizes), icon.icns (${Object.keys(ICNS_TYPES).length} sizes)`);
