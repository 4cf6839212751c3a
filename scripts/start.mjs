#!/usr/bin/env node
// `npm start [-- ARGS]`: builds the renderer and the main process, then launches the desktop app.
// Where the Electron binary is not installed (it is fetched separately from npm, and machines
// without internet cannot fetch it), says so in one line and serves the same UI with
// `goroscope serve`, which prints its URL. ARGS go to either: [FILE…] [--library DIR].
// `--no-build` skips the build (dist/ must exist).

import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';
import { buildMain } from './build-main.mjs';

register();
const { findElectronBinary } = await import('../src-main/hosts/electron/electron-binary.ts');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const skipBuild = argv.includes('--no-build');
const args = argv.filter((a) => a !== '--no-build');

function run(command, commandArgs) {
  const r = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.error(`npm start: ${command} ${commandArgs.join(' ')} failed${r.error ? `: ${r.error.message}` : ''}`);
    process.exit(r.status ?? 1);
  }
}

/** Runs a child with our stdio and exits with its status; Ctrl-C reaches it through the terminal. */
function handOver(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (!skipBuild) {
  run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build:renderer']);
  await buildMain();
}

const electronPackage = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
const electron = findElectronBinary(electronPackage);
if (electron.found) {
  // ELECTRON_RUN_AS_NODE (set by some tools) would make the binary a plain Node.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  // Chromium refuses to start as root with its sandbox on (containers, CI): there only, run without it.
  const asRoot = process.platform === 'linux' && process.getuid?.() === 0;
  if (asRoot) console.log('npm start: running as root, so Electron starts with --no-sandbox (Chromium\'s sandbox needs an ordinary user)');
  handOver(electron.executable, [root, ...(asRoot ? ['--no-sandbox'] : []), ...args], env);
} else {
  console.log(`Electron binary not installed (${electron.reason}); see docs/offline-install.md to install it — serving the same UI with goroscope serve instead:`);
  handOver(process.execPath, [path.join(root, 'bin', 'goroscope.mjs'), 'serve', ...args]);
}
