// A short run of `npm run bench:index -- --json` on a fixture, so the benchmark cannot rot: the
// issue's keys are there and consistent (ratio = index time ÷ Go's reader time in the same run,
// sizes equal the files'). It needs Go 1.22+ and Debian's golang.org/x/exp/trace for Go's reader.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { findGo } from '../../bench/lib.ts';

const TRACE = path.resolve('test/fixtures/traces/gcchurn.go127.trace');
const X_EXP = '/usr/share/gocode/src/golang.org/x/exp/trace';
const missing = !findGo() ? 'no Go 1.22+ toolchain' : !fs.existsSync(X_EXP) ? `no ${X_EXP} (apt-get install golang-golang-x-exp-dev)` : '';

test('bench:index --json prints the trace and index sizes, both times and their ratio', { skip: missing || false }, () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/index.ts', '--trace', TRACE, '--json', '--runs', '1', '--skip-go-tool-trace'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
  for (const key of ['traceBytes', 'goReaderS', 'indexS', 'ratio', 'peakRssMB', 'indexBytes']) assert.equal(typeof out[key], 'number', key);
  assert.equal(out.traceBytes, fs.statSync(TRACE).size);
  assert.ok(out.goReaderS > 0 && out.indexS > 0 && out.peakRssMB > 0 && out.indexBytes > 0, r.stdout);
  assert.ok(Math.abs(out.ratio - out.indexS / out.goReaderS) < 1e-9, r.stdout);
});
