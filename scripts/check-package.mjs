#!/usr/bin/env node
// A packaging dry run for machines that cannot download Electron: electron-builder packs the app
// for Linux into dist/package-check/linux-unpacked with a placeholder standing in for the Electron
// binary (the `electronDist` option), no native rebuild and no fuses (both need the real binary).
// What it checks is ours: the asar holds the bundles, the renderer and better-sqlite3's runtime
// and nothing else, the native addon is unpacked, and the sample is in resources/.
// Run after `npm run build`: `node scripts/check-package.mjs`.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { register } from 'tsx/esm/api';

register();
const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { build, Platform } = await import('electron-builder');
const { default: config } = await import('../electron.config.ts');
const asar = require('@electron/asar');

for (const built of ['dist/main/electron-main.cjs', 'dist/renderer/index.html']) {
  if (!fs.existsSync(path.join(root, built))) {
    console.error(`check-package: ${built} is missing; run npm run build first`);
    process.exit(1);
  }
}

// The placeholder "Electron": an executable and a version file, all electron-builder copies.
const placeholder = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-electron-placeholder-'));
fs.writeFileSync(path.join(placeholder, 'electron'), '#!/bin/sh\necho "placeholder for the Electron binary (scripts/check-package.mjs)"\n', { mode: 0o755 });
fs.writeFileSync(path.join(placeholder, 'version'), `v${config.electronVersion}`);
fs.writeFileSync(path.join(placeholder, 'LICENSE'), '');

const output = path.join(root, 'dist', 'package-check');
fs.rmSync(output, { recursive: true, force: true });
try {
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget('dir'),
    config: { ...config, electronDist: placeholder, npmRebuild: false, electronFuses: null, directories: { ...config.directories, output } },
  });
} finally {
  fs.rmSync(placeholder, { recursive: true, force: true });
}

const resources = path.join(output, 'linux-unpacked', 'resources');
const inAsar = asar.listPackage(path.join(resources, 'app.asar')).map((f) => f.replaceAll('\\', '/').replace(/^\//, ''));
const problems = [];
for (const needed of ['package.json', 'dist/main/electron-main.cjs', 'dist/main/preload.cjs', 'dist/main/index-worker.js', 'dist/main/sql-worker.js', 'dist/main/read-worker.js',
  'dist/main/package.json', 'dist/renderer/index.html', 'assets/icons/png/512x512.png', 'node_modules/better-sqlite3/lib/index.js', 'node_modules/bindings/bindings.js']) {
  if (!inAsar.includes(needed)) problems.push(`app.asar lacks ${needed}`);
}
const allowedTop = /^(package\.json|dist\/main\/|dist\/renderer\/|assets\/icons\/png\/512x512\.png|node_modules\/(better-sqlite3|bindings|file-uri-to-path)(\/|$)|dist$|dist\/(main|renderer)$|assets(\/icons(\/png)?)?$|node_modules$)/;
for (const f of inAsar) if (!allowedTop.test(f)) problems.push(`app.asar holds ${f}, which the app does not need`);
for (const f of inAsar) if (f.endsWith('.map') || f.endsWith('.ts')) problems.push(`app.asar holds ${f}`);
const addon = path.join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
if (!fs.existsSync(addon)) problems.push('better_sqlite3.node is not unpacked from the asar');
const sample = fs.existsSync(path.join(resources, 'sample')) ? fs.readdirSync(path.join(resources, 'sample')) : [];
if (!sample.some((f) => f.endsWith('.trace'))) problems.push('resources/sample has no trace');
if (sample.some((f) => /readme/i.test(f))) problems.push('resources/sample holds the README');

const size = (p) => fs.statSync(p).size;
if (problems.length > 0) {
  for (const p of problems) console.error(`check-package: ${p}`);
  process.exit(1);
}
console.log(`check-package: ok — app.asar ${inAsar.length} entries, ${(size(path.join(resources, 'app.asar')) / 1024).toFixed(0)} KiB; ` +
  `better_sqlite3.node unpacked; resources/sample: ${sample.join(', ')}`);
