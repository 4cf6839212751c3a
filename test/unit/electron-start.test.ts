// `npm start` where the Electron binary is not installed (these machines): one line saying so and
// where to read how to install it, then the same UI served by `goroscope serve` on 127.0.0.1,
// whose printed URL answers with the renderer. Where Electron is installed, npm start launches it
// instead and this test is skipped.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findElectronBinary } from '../../src-main/hosts/electron/electron-binary.ts';

const root = path.resolve(import.meta.dirname, '../..');
const electron = findElectronBinary(path.join(root, 'node_modules', 'electron'));

test('without the Electron binary, npm start says so in one line and serves the UI', {
  skip: electron.found ? 'the Electron binary is installed: npm start launches it' : false,
  timeout: 120_000,
}, async () => {
  const library = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-start-'));
  // The whole of npm start, build included (dist/ need not exist).
  const child = spawn(process.execPath, ['scripts/start.mjs', '--no-open', '--library', library], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d;
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(stdout);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before printing a URL:\n${stdout}${stderr}`)));
    });
    // After the build's own output: the one line, then serve's URL.
    const all = stdout.split('\n');
    const first = all.findIndex((l) => l.startsWith('Electron binary not installed'));
    assert.ok(first >= 0, stdout);
    const lines = all.slice(first);
    assert.match(lines[0], /^Electron binary not installed \(.*path\.txt is missing: the Electron binary was never downloaded\); see docs\/offline-install\.md to install it — serving the same UI with goroscope serve instead:$/);
    assert.ok(fs.existsSync(path.join(root, 'docs', 'offline-install.md')));
    assert.match(lines[1], /^goroscope serve: http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>Goroscope<\/title>/);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    fs.rmSync(library, { recursive: true, force: true });
  }
});
