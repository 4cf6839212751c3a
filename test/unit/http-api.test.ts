// The localhost host's API against the Electron host's IPC, over one real service: both accept and
// refuse exactly the same requests (the attack found `[null]` answered 500 with an internal
// TypeError over HTTP, relative and NUL paths accepted by startIndex, and failures quoting the
// first bytes of any readable file); SQL results are capped in bytes as well as rows, and the
// memory of a huge result never reaches the host; queries run in a bounded pool; the token is
// never put in a cookie. Both hosts answer read-only methods from a read pool's workers, as
// `goroscope serve` and the desktop app do.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Library } from '../../src-main/index/library.ts';
import { dispatch } from '../../src-main/hosts/electron/ipc-dispatch.ts';
import { INVOKE_METHODS } from '../../src-main/hosts/electron/ipc-contract.ts';
import { startServer, type RunningServer } from '../../src-main/hosts/http/server.ts';
import { GoroscopeService } from '../../src-main/service/service.ts';
import { pooledApi, ReadPool } from '../../src-main/service/read-pool.ts';
import { decodeTimelineWindow, TIMELINE_BYTES_TYPE } from '../../src-main/service/timeline-codec.ts';
import { forkQueryProcess, MAX_RESULT_BYTES, QueryPool, queryPool, ServiceBusy, type QueryProcess, type QueryReply } from '../../src-main/service/sql-pool.ts';
import type { IndexJob, QueryResult } from '../../src-main/service/types.ts';
import { HOST_ARGUMENTS } from '../../src-main/service/validate.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SAMPLE = path.join(ROOT, 'assets/sample/sample.trace');
const PROFILE = path.join(ROOT, 'assets/sample/cpu.pprof');
const DUMP = path.join(ROOT, 'assets/sample/goroutines-early.txt');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let dir: string;
let library: Library;
let service: GoroscopeService;
let readPool: ReadPool;
/** What the desktop app's IPC calls: the service with the pool's methods answered by the pool. */
let ipcApi: Pick<GoroscopeService, (typeof INVOKE_METHODS)[number]>;
let server: RunningServer;
let trace: string;
let profile: string;
let dump: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-http-api-'));
  library = new Library(path.join(dir, 'library'));
  service = new GoroscopeService(library);
  trace = (await service.indexFile(SAMPLE)).artefact.hash;
  profile = (await service.indexFile(PROFILE)).artefact.hash;
  dump = (await service.indexFile(DUMP)).artefact.hash;
  readPool = new ReadPool(library.dir, 2);
  ipcApi = pooledApi(service, readPool);
  server = await startServer({ service, readPool, rendererDir: path.join(ROOT, 'dist', 'renderer'), uploadsDir: path.join(dir, 'uploads'), host: '127.0.0.1', port: 0 });
});

after(async () => {
  await server.close();
  await readPool.close();
  await service.close();
  library.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function post(method: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
    method: 'POST', body, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token.value}`, ...headers },
  });
}

/** The same call through both hosts: IPC's dispatch (structured-cloned, as IPC does) and the HTTP API (as JSON). */
async function bothHosts(method: string, args: unknown[]): Promise<{ ipc: { ok: boolean; error?: string }; http: { status: number; error?: string } }> {
  const ipc = structuredClone(await dispatch(ipcApi, method, structuredClone(args)));
  const res = await post(method, JSON.stringify(args));
  const body = await res.json() as { error?: string };
  return { ipc: ipc.ok ? { ok: true } : { ok: false, error: ipc.error }, http: { status: res.status, error: res.status === 200 ? undefined : body.error } };
}

/** Each call refused by both hosts with the same one-line message (a 400 over HTTP, no internal error), and no job started. */
async function refusedByBoth(bad: readonly [string, unknown[]][]): Promise<void> {
  for (const [method, args] of bad) {
    const { ipc, http } = await bothHosts(method, args);
    const what = `${method}(${JSON.stringify(args).slice(0, 60)})`;
    assert.equal(ipc.ok, false, `${what} accepted over IPC`);
    assert.equal(http.status, 400, `${what} over HTTP: ${http.status} ${http.error}`);
    assert.equal(http.error, ipc.error, what);
    assert.ok(!/TypeError|Cannot read prop|undefined/.test(http.error!), `${what}: ${http.error}`);
  }
  assert.deepEqual(await service.indexJobs(), [], 'no refused call started a job');
}

async function finished(id: string): Promise<IndexJob> {
  for (;;) {
    const job = (await service.indexJobs()).find((j) => j.id === id)!;
    if (job.state !== 'queued' && job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('one validation for both hosts', () => {
  test('the hosts answer the same methods: the argument table\'s', () => {
    assert.deepEqual([...INVOKE_METHODS].sort(), Object.keys(HOST_ARGUMENTS).sort());
  });

  test('every bad request is refused by both, with the same one-line message, and HTTP says 400', async () => {
    const window = { artefact: trace, t0: 0, t1: 1000, goroutines: [1], widthPx: 10 };
    const bad: [string, unknown[]][] = [
      // What the attack sent: a null request object.
      ['query', [null]], ['profileTop', [null]], ['profileFlame', [null]], ['timeline', [null]], ['goroutines', [null]],
      ['query', [[]]], ['query', ['SELECT 1']], ['query', [{ artefact: trace }]], ['query', [{ artefact: trace, sql: 'SELECT 1', rowLimit: 1e9 }]],
      ['profileTop', [{ artefact: profile, n: -1 }]], ['profileFlame', [{ artefact: profile, minFraction: 2 }]],
      ['profileTop', [{ artefact: profile, base: '' }]],
      ['timeline', [{ ...window, goroutines: null }]], ['timeline', [{ ...window, widthPx: 1e9 }]],
      // Paths: relative, with NUL, too long, not a string.
      ['startIndex', ['assets/sample/sample.trace']], ['startIndex', [`${SAMPLE}\0.txt`]], ['startIndex', ['/' + 'a'.repeat(5000)]],
      ['startIndex', [null]], ['startIndex', []], ['startIndex', [SAMPLE, SAMPLE]],
      // Artefact references and scalars.
      ['summary', [null]], ['summary', ['']], ['summary', [`${trace}\0`]], ['summary', [42]], ['summary', []], ['summary', [trace, 1]],
      ['goroutine', [trace, -1]], ['goroutine', [trace, '3']], ['ranges', [trace, 10, 5]], ['ranges', [trace, 0, 1, 'x']],
      ['metric', [trace, 'x', 0, 1, 1]], ['goroutineCounts', [trace, 0, null, 10]], ['blocking', [trace, 0]],
      ['blockingProfile', [trace, 'cpu']], ['cancelIndex', ['../x']], ['diffDumps', [dump, null]], ['removeArtefact', [{}]],
      ['listArtefacts', [1]], ['indexJobs', [null]], ['dumpGroups', [trace]], ['leaks', [profile]],
    ];
    await refusedByBoth(bad);
  });

  test('every method of the table is refused the same by both: bad arguments, the wrong kind of artefact, what the index lacks', async () => {
    const span = { artefact: trace, t0: 0, t1: 1000 };
    const bad: [string, unknown[]][] = [
      ['listArtefacts', [null]], ['removeArtefact', ['']], ['updateArtefact', [trace, { label: 'x'.repeat(201) }]],
      ['updateArtefact', [trace, { colour: 'red' }]], ['updateArtefact', [trace]], ['summary', ['no-such-artefact']],
      ['timeline', [{ ...span, goroutines: [1], widthPx: 0 }]], ['timeline', [{ ...span, t1: -1, goroutines: [1], widthPx: 10 }]],
      ['timelineLanes', [{ ...span, kind: 'gpu', widthPx: 10 }]], ['timelineLanes', [{ ...span, artefact: profile, kind: 'proc', widthPx: 10 }]],
      ['timelineInterval', [trace, -1, 0]], ['timelineInterval', [trace, 1, 'x']], ['timelineInterval', [dump, 1, 0]],
      ['timelineEdges', [{ ...span, limit: 0 }]], ['timelineEdges', [{ ...span, goroutine: 1.5 }]],
      ['timelineRangeStats', [trace, 5, 1]], ['timelineRangeStats', [profile, 0, 1]],
      ['timelineSearch', [{ artefact: trace, pattern: '' }]], ['timelineSearch', [{ artefact: trace, pattern: 'x', goroutine: 1 }]],
      ['timelineAnnotations', [{ ...span, goroutines: 'all' }]], ['timelineAnnotations', [{ ...span, goroutines: [-1] }]],
      ['timelineClock', [profile]], ['timelineClock', [trace, trace]],
      ['goroutine', [trace, 1e15]], ['goroutine', [profile, 1]], ['goroutines', [{ artefact: trace, sort: 'size' }]],
      ['goroutines', [{ artefact: trace, limit: 0 }]], ['goroutines', [{ artefact: trace, state: 'Sleeping' }]],
      ['ranges', [trace, 0, 1, ['x'.repeat(201)]]], ['ranges', [dump, 0, 1]],
      ['metric', [trace, '/gc/heap/goal:bytes', 0, 1, 100_001]], ['metric', [trace, 7, 0, 1, 10]], ['metric', [trace, 'x', 0, 1, 10, 'yes']],
      ['metric', [profile, 'x', 0, 1, 10, true]],
      ['query', [{ artefact: profile, sql: 'SELECT 1' }]], ['startIndex', ['']], ['indexJobs', [{}]], ['cancelIndex', ['a b']],
      ['goroutineCounts', [trace, 0, 1, 1]], ['goroutineCounts', [dump, 0, 1, 10]],
      ['profileTop', [{ artefact: profile, sampleType: 'no_such_type' }]], ['profileTop', [{ artefact: trace }]],
      ['profileFlame', [{ artefact: profile, sampleType: 'no_such_type' }]], ['profileFlame', [{ artefact: dump }]],
      ['dumpGroups', [profile]], ['blocking', [trace, 10_001]], ['blocking', [dump]], ['blockingProfile', [trace]],
      ['blockingFlame', [trace, 'cpu']], ['blockingFlame', [profile, 'sync']], ['exportPprof', [trace, 'cpu']], ['exportPprof', [profile, 'sync']],
      ['exportPprof', [dump]], ['leaks', [dump]], ['triage', [[]]], ['triage', [[trace, '']]], ['gc', [trace, 0]], ['gc', [profile]],
      ['goroutineGroups', [profile]], ['durationHistograms', [dump]],
      ['compareTraces', [{ ref: trace, t0: 0 }, { ref: trace }]], ['compareTraces', [{ ref: trace }, { ref: profile }]],
      ['dumpAt', [trace, -1]], ['dumpAt', [trace, 'now']], ['diffDumps', [trace, dump]], ['report', [[]]], ['report', [['']]],
      ['goroutinesDump', [trace, 'all']], ['goroutinesDump', [profile, [1]]],
    ];
    assert.deepEqual([...new Set(bad.map(([method]) => method))].sort(), Object.keys(HOST_ARGUMENTS).sort(), 'every method is tried');
    await refusedByBoth(bad);
  });

  test('good requests are answered the same by both', async () => {
    const good: [string, unknown[]][] = [
      ['listArtefacts', []], ['summary', [trace]], ['goroutines', [{ artefact: trace, limit: 3 }]], ['ranges', [trace, 0, 1e12]],
      ['ranges', [trace, 0, 1e12, null]], ['blocking', [trace]], ['blocking', [trace, 5]], ['profileTop', [{ artefact: profile, n: 5 }]],
      ['profileFlame', [{ artefact: profile }]], ['dumpGroups', [dump]], ['leaks', [trace]], ['cancelIndex', ['job-999']],
    ];
    for (const [method, args] of good) {
      const ipc = structuredClone(await dispatch(ipcApi, method, structuredClone(args)));
      const res = await post(method, JSON.stringify(args));
      assert.ok(ipc.ok, `${method}: ${ipc.ok ? '' : ipc.error}`);
      assert.equal(res.status, 200, `${method}: ${await res.clone().text()}`);
      assert.deepEqual(await res.json(), JSON.parse(JSON.stringify(ipc.value)), method);
    }
  });

  test('a timeline window asked for as bytes is the JSON window exactly; a bad one is refused in JSON alike', async () => {
    const request = { artefact: trace, t0: 0, t1: 2e9, goroutines: [1, 2, 3, 4, 5, 6, 7, 8], widthPx: 700 };
    const json = await (await post('timeline', JSON.stringify([request]))).json();
    const res = await post('timeline', JSON.stringify([request]), { Accept: TIMELINE_BYTES_TYPE });
    assert.equal(res.headers.get('Content-Type'), TIMELINE_BYTES_TYPE);
    assert.deepEqual(decodeTimelineWindow(await res.arrayBuffer()), json);
    const bad = await post('timeline', JSON.stringify([{ ...request, widthPx: 1e9 }]), { Accept: TIMELINE_BYTES_TYPE });
    assert.equal(bad.status, 400);
    assert.match((await bad.json() as { error: string }).error, /widthPx/);
  });

  test('a failed indexing never quotes the file it read (/proc/self/environ, a file of secrets)', async () => {
    const secrets = path.join(dir, 'secrets.bin');
    fs.writeFileSync(secrets, 'SHELL=/bin/bash\0SECRET=hunter2\0');
    for (const file of ['/proc/self/environ', secrets]) {
      const viaIpc = await dispatch(service, 'startIndex', [file]);
      assert.ok(viaIpc.ok);
      const viaHttp = await post('startIndex', JSON.stringify([file]));
      assert.equal(viaHttp.status, 200);
      for (const job of [viaIpc.value as IndexJob, await viaHttp.json() as IndexJob]) {
        const done = await finished(job.id);
        assert.equal(done.state, 'failed');
        assert.match(done.error!, /empty file|unrecognised file: expected a Go execution trace, pprof profile or goroutine dump$/);
        for (const secret of ['SHELL', 'SECRET', '53 48 45', '53 45 43']) assert.ok(!done.error!.includes(secret), done.error);
      }
    }
  });
});

describe('SQL results and the query pool', () => {
  /** Rows of 6,000 characters: 100,000 of them are 600 MB of text. */
  const hugeRows = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) SELECT i, printf('%.6000c', 'x') AS text FROM n`;

  test('a result is capped in bytes as well as rows, and the host\'s memory returns after it', async () => {
    gc();
    const before = process.memoryUsage().heapUsed;
    const res = await post('query', JSON.stringify([{ artefact: trace, sql: hugeRows, rowLimit: 100_000, timeLimitMs: 60_000 }]));
    assert.equal(res.status, 200, await res.clone().text());
    const text = await res.text();
    assert.ok(text.length < MAX_RESULT_BYTES * 1.1, `${text.length} bytes answered`);
    const result = JSON.parse(text) as QueryResult;
    assert.equal(result.truncated, true);
    assert.ok(result.rows.length > 1000 && result.rows.length < 100_000, `${result.rows.length} rows`);
    assert.deepEqual(result.rows[0], [1, 'x'.repeat(6000)]);
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    const grown = process.memoryUsage().heapUsed - before;
    assert.ok(grown < 64 * 1024 * 1024, `the host's heap grew by ${(grown / 1024 / 1024).toFixed(0)} MB`);
    // A single value larger than SQLite may build in the query process fails there, in one line
    // (a time limit of its own: on a loaded machine building 900 MB can outlast the default 5 s).
    const huge = await post('query', JSON.stringify([{ artefact: trace, sql: "SELECT printf('%.900000000c', 'x')", timeLimitMs: 60_000 }]));
    assert.equal(huge.status, 400);
    assert.match((await huge.json() as { error: string }).error, /^(out of memory|string or blob too big)$/);
  });

  test('queries run in a bounded pool: past it they wait, past the queue they are refused (HTTP 503)', async () => {
    let alive = 0;
    let mostAlive = 0;
    queryPool.useLauncher(() => {
      const child = forkQueryProcess();
      alive++;
      mostAlive = Math.max(mostAlive, alive);
      child.onExit(() => alive--);
      return child;
    });
    try {
      // Long enough to outlast the arrival of every call (a query process takes longer to start), short
      // enough that the last of the queue's 16 still runs inside its 60 s on a loaded machine.
      const slow = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) SELECT count(*) FROM n`;
      const calls = Array.from({ length: queryPool.maxRunning + queryPool.maxWaiting + 6 },
        () => post('query', JSON.stringify([{ artefact: trace, sql: slow, timeLimitMs: 60_000 }])));
      const statuses = await Promise.all(calls.map(async (c) => (await c).status));
      assert.equal(statuses.filter((s) => s === 200).length, queryPool.maxRunning + queryPool.maxWaiting, statuses.join(' '));
      assert.equal(statuses.filter((s) => s === 503).length, 6);
      assert.ok(mostAlive <= queryPool.maxRunning, `${mostAlive} query processes at once (pool of ${queryPool.maxRunning})`);
    } finally {
      queryPool.useLauncher(forkQueryProcess);
    }
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(queryPool.load, { running: 0, waiting: 0 });
  });

  test('the pool: a query waiting past its time limit is stopped, a dead process fails its query, turns pass on', async () => {
    /** Processes that answer when told to, or die. */
    const started: { job?: unknown; reply: (r: QueryReply) => void; exit: (code: number | null) => void }[] = [];
    const fake = (): QueryProcess => {
      let onReply: (r: QueryReply) => void = () => {};
      const exits: ((code: number | null) => void)[] = [];
      let ended = false;
      const exit = (code: number | null) => {
        if (ended) return;
        ended = true;
        for (const l of exits) l(code);
      };
      const p = { reply: (r: QueryReply) => onReply(r), exit, job: undefined as unknown };
      started.push(p);
      return {
        send: (job) => void (p.job = job), onReply: (l) => void (onReply = l), onExit: (l) => void exits.push(l), kill: () => setTimeout(() => exit(null), 5),
      };
    };
    const pool = new QueryPool(fake, 1, 1);
    const job = { dbPath: '/x', sql: 'SELECT 1', rowLimit: 1, byteLimit: 100 };
    const first = pool.run(job, 1000);
    const second = pool.run(job, 50);
    await assert.rejects(pool.run(job, 1000), (e: unknown) => e instanceof ServiceBusy && /1 running, 1 waiting/.test(e.message));
    await assert.rejects(second, /query stopped after the time limit of 50 ms/);
    assert.equal(started.length, 1, 'the waiting query never started a process');
    started[0].reply({ ok: true, columns: ['1'], rows: [[1]], truncated: false });
    assert.deepEqual(await first, { columns: ['1'], rows: [[1]], truncated: false });
    const third = pool.run(job, 1000);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(started.length, 2, 'the turn passed on once the first process ended');
    started[1].exit(1);
    await assert.rejects(third, /query process failed \(exit 1\)/);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(pool.load, { running: 0, waiting: 0 });
  });
});

describe('the token stays with its server', () => {
  const origin = () => `http://127.0.0.1:${server.port}`;

  test('no cookie is ever set; a cookie does not stand for the token', async () => {
    const page = await fetch(`${origin()}/?token=${server.token.value}`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('set-cookie'), null);
    for (const name of [`goroscope-${server.port}`, 'token', 'goroscope']) {
      const withCookie = await fetch(`${origin()}/api/listArtefacts`, {
        method: 'POST', body: '[]', headers: { 'Content-Type': 'application/json', Cookie: `${name}=${server.token.value}` },
      });
      assert.equal(withCookie.status, 403, name);
    }
  });

  test('the page and its built scripts and styles need no token (they hold no data); the API does', async () => {
    assert.equal((await fetch(`${origin()}/`)).status, 200);
    assert.equal((await fetch(`${origin()}/index.html`)).status, 200);
    assert.equal((await fetch(`${origin()}/api/listArtefacts`, { method: 'POST', body: '[]' })).status, 403);
    const html = await (await fetch(`${origin()}/?token=${server.token.value}`)).text();
    const assets = [...html.matchAll(/(?:src|href)="\.?(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(assets.length >= 2, html);
    for (const a of assets) assert.equal((await fetch(`${origin()}${a}`)).status, 200, a);
    assert.equal((await fetch(`${origin()}/assets/..%2F..%2Fpackage.json`)).status, 403);
    assert.equal((await fetch(`${origin()}/assets/x`, { method: 'POST' })).status, 403);
  });
});
