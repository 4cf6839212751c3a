#!/usr/bin/env node
// `npm run dist [-- ELECTRON-BUILDER ARGS]`: builds dist/ and the current OS's installers into
// dist/installers/ (Linux AppImage + deb, macOS dmg, Windows NSIS; see electron.config.ts). Needs a
// connected machine or the prepared caches of docs/offline-install.md.
//
// electron-builder rebuilds better-sqlite3 inside node_modules for Electron's ABI, which the
// command line and the tests (plain Node) cannot load; it is rebuilt for Node afterwards, even
// when packaging failed.

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function run(command, args) {
  console.log(`> ${command} ${args.join(' ')}`);
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  return r.status === 0;
}

if (!run(npm, ['run', 'build'])) process.exit(1);
const packaged = run(npx, ['electron-builder', '--config', 'electron.config.ts', ...process.argv.slice(2)]);
const restored = run(npm, ['rebuild', 'better-sqlite3']);
if (!restored) console.error('npm run dist: better-sqlite3 is still built for Electron; run `npm rebuild better-sqlite3` before using the CLI');
if (!packaged) {
  console.error('npm run dist: electron-builder failed (offline? see docs/offline-install.md)');
  process.exit(1);
}
console.log(`npm run dist: installers in ${path.join(root, 'dist', 'installers')}`);
