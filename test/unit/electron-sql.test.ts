// SQL queries of the desktop app in Electron utility processes (the packaged app's runAsNode fuse
// is off, so child_process.fork of its binary would not start), without Electron: a stand-in for
// utilityProcess.fork runs the real sql-worker in a Node process that has a `process.parentPort`
// as Electron gives one, and the service's query pool runs queries through the app's adaptor.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { ForkOptions, UtilityProcess } from 'electron';
import { Library } from '../../src-main/index/library.ts';
import { utilityQueryProcess } from '../../src-main/hosts/electron/sql-process.ts';
import { MAX_RESULT_BYTES, QueryPool } from '../../src-main/service/sql-pool.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const WORKER = path.join(ROOT, 'src-main/service/sql-worker.ts');

let dir: string;
let library: Library;
let indexPath: string;
let goroutines: number;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-electron-sql-'));
  library = new Library(dir);
  const { artefact } = library.index(path.join(ROOT, 'assets/sample/sample.trace'));
  indexPath = library.indexPath(artefact.hash);
  goroutines = artefact.goroutines;
});
after(() => {
  library.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * utilityProcess.fork as far as the worker and the adaptor can tell: a process whose
 * `process.parentPort` receives `{ data }` message events and posts back, and an object with
 * postMessage, kill and the 'message' and 'exit' events.
 */
const forks: { modulePath: string; options?: ForkOptions }[] = [];
function utilityFork(modulePath: string, _args?: string[], options?: ForkOptions): UtilityProcess {
  forks.push({ modulePath, options });
  // Like Electron's port, it holds messages until the worker listens (the adaptor posts the job at once).
  const bootstrap = `const { EventEmitter } = await import('node:events');
    const port = new EventEmitter();
    const held = [];
    port.postMessage = (m) => process.send(m);
    process.on('message', (m) => (port.listenerCount('message') > 0 ? port.emit('message', { data: m }) : held.push(m)));
    port.on('newListener', (event) => event === 'message' && setImmediate(() => held.splice(0).forEach((m) => port.emit('message', { data: m }))));
    process.parentPort = port;
    await import(${JSON.stringify(new URL(`file://${modulePath}`).href)});`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', bootstrap],
    { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
  const utility = new EventEmitter() as EventEmitter & { postMessage(m: unknown): void; kill(): boolean };
  utility.postMessage = (m) => void child.send(m as object);
  utility.kill = () => child.kill('SIGKILL');
  child.on('message', (m) => utility.emit('message', m));
  child.on('exit', (code) => utility.emit('exit', code ?? -1));
  return utility as unknown as UtilityProcess;
}

test('queries run in a utility process through the app\'s adaptor: answered, capped, failures in one line', async () => {
  const pool = new QueryPool(() => utilityQueryProcess(utilityFork, WORKER), 2, 2);
  const count = await pool.run({ dbPath: indexPath, sql: 'SELECT count(*) AS n FROM goroutines', rowLimit: 10, byteLimit: MAX_RESULT_BYTES }, 30_000);
  assert.deepEqual(count, { columns: ['n'], rows: [[goroutines]], truncated: false });
  const capped = await pool.run({ dbPath: indexPath, sql: "SELECT printf('%.1000c', 'x') FROM goroutines", rowLimit: 1000, byteLimit: 10_000 }, 30_000);
  assert.equal(capped.truncated, true);
  assert.equal(capped.rows.length, 9);
  await assert.rejects(pool.run({ dbPath: indexPath, sql: 'DELETE FROM goroutines', rowLimit: 10, byteLimit: 1000 }, 30_000), /read-only/);
  assert.deepEqual(forks.map((f) => [f.modulePath, f.options]), Array(3).fill([WORKER, { serviceName: 'Goroscope SQL query', stdio: 'ignore' }]));
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(pool.load, { running: 0, waiting: 0 }, 'every utility process was ended');
});

test('the Electron main process starts queries in utility processes, and the packaged app has runAsNode off', () => {
  const main = fs.readFileSync(path.join(ROOT, 'src-main/hosts/electron/main.ts'), 'utf8');
  assert.match(main, /useQueryProcesses\(\(\) => utilityQueryProcess\(utilityProcess\.fork, path\.join\(bundleDir, 'sql-worker\.js'\)\)\)/);
  const config = fs.readFileSync(path.join(ROOT, 'electron.config.ts'), 'utf8');
  assert.match(config, /runAsNode: false/);
});
