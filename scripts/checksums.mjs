#!/usr/bin/env node
// `node scripts/checksums.mjs DIR OUT`: writes OUT in the format `sha256sum -c` reads ("HEX  NAME"
// per line) for the installers in DIR (AppImage, deb, dmg, exe), so that they can be checked on the
// other side of an air gap (docs/offline-install.md). Exits 1 when DIR holds no installer.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const [dir, out] = process.argv.slice(2);
if (!dir || !out) {
  console.error('usage: node scripts/checksums.mjs DIR OUT');
  process.exit(2);
}
const installers = fs.readdirSync(dir).filter((f) => /\.(AppImage|deb|dmg|exe)$/.test(f)).sort();
if (installers.length === 0) {
  console.error(`checksums: no installer (AppImage, deb, dmg, exe) in ${dir}`);
  process.exit(1);
}
const lines = installers.map((f) => `${createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex')}  ${f}`);
fs.writeFileSync(out, lines.join('\n') + '\n');
console.log(lines.join('\n'));
