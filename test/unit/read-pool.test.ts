// The read pool (service/read-pool.ts): its workers answer exactly what the service answers, as
// JSON text or as values, refuse what the service refuses with the same error class and message,
// and serve the timeline's requests before others waiting for a worker.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LibraryError } from '../../src-main/index/library.ts';
import { pooledApi, POOLED_METHODS, ReadPool } from '../../src-main/service/read-pool.ts';
import { decodeTimelineWindow, encodeTimelineWindow } from '../../src-main/service/timeline-codec.ts';
import { HOST_ARGUMENTS, InvalidArgument, invokeChecked } from '../../src-main/service/validate.ts';
import { tempService } from '../support/temp-service.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { lib, svc } = tempService('goroscope-read-pool-');
let trace: string;
let profile: string;
let dump: string;
let pool: ReadPool;

before(async () => {
  trace = (await svc.indexFile(path.join(ROOT, 'assets/sample/sample.trace'))).artefact.hash;
  profile = (await svc.indexFile(path.join(ROOT, 'assets/sample/cpu.pprof'))).artefact.hash;
  dump = (await svc.indexFile(path.join(ROOT, 'assets/sample/goroutines-early.txt'))).artefact.hash;
  pool = new ReadPool(lib.dir, 2);
});

after(() => pool.close());

describe('read pool', () => {
  test('pooled methods are methods of the hosts\' table', () => {
    for (const m of POOLED_METHODS) assert.ok(Object.hasOwn(HOST_ARGUMENTS, m), m);
    assert.ok(!(POOLED_METHODS as readonly string[]).includes('startIndex'), 'library changes stay on the host');
  });

  test('answers as the service does, as JSON text and as values', async () => {
    const end = (await svc.summary(trace)).artefact.durationNs;
    const window = { artefact: trace, t0: 0, t1: end, goroutines: [1, 2, 3, 4, 5, 6], widthPx: 300 };
    const calls: [(typeof POOLED_METHODS)[number], unknown[]][] = [
      ['summary', [trace]], ['timeline', [window]], ['goroutines', [{ artefact: trace, limit: 20, sort: 'startNs' }]],
      ['ranges', [trace, 0, end]], ['goroutineCounts', [trace, 0, end, 100]], ['gc', [trace]],
      ['blocking', [trace]], ['leaks', [trace]], ['goroutine', [trace, 1]], ['profileTop', [{ artefact: profile, n: 5 }]],
      ['profileFlame', [{ artefact: profile }]], ['dumpGroups', [dump]],
    ];
    for (const [method, args] of calls) {
      const direct = await invokeChecked(svc, method, args);
      assert.equal(await pool.callJson(method, args), JSON.stringify(direct), `${method} as JSON`);
      assert.deepEqual(await pool.call(method, args), direct, `${method} as a value`);
    }
  });

  test('timeline windows as bytes decode to exactly the service\'s windows, at every zoom', async () => {
    const end = (await svc.summary(trace)).artefact.durationNs;
    const goroutines = (await svc.goroutines({ artefact: trace, limit: 60 })).rows.map((r) => r.id);
    let folded = 0;
    let spans = 0;
    for (const [t0, t1, widthPx] of [[0, end, 1800], [0, end, 64], [end / 3, end / 3 + end / 500, 900], [end / 2, end / 2 + 5000, 512]]) {
      const request = { artefact: trace, t0, t1, goroutines, widthPx };
      const direct = await svc.timeline(request);
      const bytes = await pool.callBytes('timeline', [request]);
      assert.deepEqual(decodeTimelineWindow(bytes), direct, `window ${t0}–${t1} at ${widthPx} px`);
      assert.deepEqual(bytes, encodeTimelineWindow(direct));
      for (const r of direct.rows) for (const s of r.spans) { spans++; if (s.shares) folded++; }
    }
    // The windows above exercise both kinds of span.
    assert.ok(folded > 0 && folded < spans, `${folded} folded of ${spans}`);
    assert.throws(() => decodeTimelineWindow(new Uint8Array([1, 2, 3, 4, 5])), /not a timeline window/);
  });

  test('refuses as the service does: the same class and message', async () => {
    const bad: [(typeof POOLED_METHODS)[number], unknown[], new (m: string) => Error][] = [
      ['summary', [null], InvalidArgument], ['timeline', [{ artefact: trace, goroutines: null }], InvalidArgument],
      ['summary', ['ffffffffffff'], LibraryError], ['dumpGroups', [trace], InvalidArgument], ['goroutine', [trace, -1], InvalidArgument],
    ];
    for (const [method, args, kind] of bad) {
      const direct = await invokeChecked(svc, method, args).then(() => null, (e: Error) => e);
      const pooled = await pool.callJson(method, args).then(() => null, (e: Error) => e);
      assert.ok(direct instanceof kind, `${method}: the service threw ${direct}`);
      assert.ok(pooled instanceof kind, `${method}: the pool threw ${pooled}`);
      assert.equal(pooled.message, direct.message, method);
    }
  });

  test('pooledApi sends pooled methods to the pool and the rest to the service', async () => {
    const api = pooledApi(svc, pool);
    assert.deepEqual(await api.blocking(trace, 3), await svc.blocking(trace, 3));
    assert.deepEqual(await api.listArtefacts(), await svc.listArtefacts());
  });

  test('the others never take the last idle worker: it stays for the canvas', async () => {
    const two = new ReadPool(lib.dir, 2);
    try {
      const end = (await svc.summary(trace)).artefact.durationNs;
      const calls = [two.call('gc', [trace]), two.call('blocking', [trace])];
      assert.deepEqual(two.load, { running: 1, waiting: 1 }, 'a report runs, the next waits with one worker idle');
      calls.push(two.call('timeline', [{ artefact: trace, t0: 0, t1: end, goroutines: [1], widthPx: 100 }]));
      assert.deepEqual(two.load, { running: 2, waiting: 1 }, 'a tile takes the idle worker at once');
      await Promise.all(calls);
      assert.deepEqual(two.load, { running: 0, waiting: 0 });
    } finally {
      await two.close();
    }
  });

  test('P/M lanes are answered by the first worker only, which keeps them; the rows go on without waiting', async () => {
    const two = new ReadPool(lib.dir, 2);
    try {
      const end = (await svc.summary(trace)).artefact.durationNs;
      const calls = [two.call('blocking', [trace])];
      assert.deepEqual(two.load, { running: 1, waiting: 0 }, 'the first worker answers a report');
      const lanes = { artefact: trace, kind: 'proc', t0: 0, t1: end, widthPx: 100 };
      calls.push(two.call('timelineLanes', [lanes]));
      assert.deepEqual(two.load, { running: 1, waiting: 1 }, 'the lanes wait for the first worker, the second idles');
      calls.push(two.call('timeline', [{ artefact: trace, t0: 0, t1: end, goroutines: [1], widthPx: 100 }]));
      assert.deepEqual(two.load, { running: 2, waiting: 1 }, 'a tile takes the second worker at once');
      const [, answered] = await Promise.all(calls);
      assert.deepEqual(answered, await svc.timelineLanes(lanes as Parameters<typeof svc.timelineLanes>[0]));
    } finally {
      await two.close();
    }
  });

  test('with every worker busy, the timeline\'s requests go before the others waiting', async () => {
    const one = new ReadPool(lib.dir, 1);
    try {
      const order: string[] = [];
      const end = (await svc.summary(trace)).artefact.durationNs;
      const track = (name: string, p: Promise<unknown>) => p.then(() => order.push(name));
      // The first call occupies the only worker; the rest wait, in the order sent.
      await Promise.all([
        track('gc (running)', one.call('gc', [trace])),
        track('blocking', one.call('blocking', [trace])),
        track('leaks', one.call('leaks', [trace])),
        track('timeline', one.call('timeline', [{ artefact: trace, t0: 0, t1: end, goroutines: [1], widthPx: 100 }])),
        track('goroutines', one.call('goroutines', [{ artefact: trace, limit: 5 }])),
      ]);
      assert.deepEqual(order, ['gc (running)', 'timeline', 'goroutines', 'blocking', 'leaks']);
    } finally {
      await one.close();
    }
  });
});
