// The row channel between the decoding thread and the database's: every row pushed arrives,
// values intact, however the batches are grouped into messages — here 40 full batches and a
// partial one with no progress in between, so the forwarder posts from inside a sink's flush.
// Goroutine records arrive too, in order, through a pool of slabs reused many times over.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { ROWS_PER_STATEMENT, sqliteSinks } from '../../src-main/index/batch-insert.ts';
import { RECORD_SLOTS, SLAB_RECORDS } from '../../src-main/index/goroutine-events.ts';
import { RowForwarder, RowReceiver, SIGNAL_BYTES } from '../../src-main/index/row-channel.ts';
import { startWorker } from '../../src-main/runtime/start-worker.ts';

test('every forwarded row is written, numbers, nulls, strings and blobs intact', () => {
  const { port1, port2 } = new MessageChannel();
  const signals = new SharedArrayBuffer(SIGNAL_BYTES);
  const forwarder = new RowForwarder(port2, signals);
  const sink = forwarder.sinks('t', ['n', 's', 'b']);
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (n INTEGER, s TEXT, b BLOB)');
  const rows = 40 * ROWS_PER_STATEMENT + 21;
  // One buffer reused for every blob, as the indexer's encoders do: a sink reads it during push.
  const blob = new Uint8Array(3);
  for (let i = 0; i < rows; i++) {
    blob.set([i & 255, (i >> 8) & 255, 7]);
    sink.push(i, i % 3 === 0 ? null : `s${i}`, blob);
  }
  sink.flush();
  forwarder.finish({ rows });
  const result = new RowReceiver(sqliteSinks(db), port1, signals).receive(() => {});
  port1.close();
  assert.deepEqual(result, { rows });
  const got = db.prepare('SELECT n, s, b FROM t ORDER BY n').all() as { n: number; s: string | null; b: Uint8Array }[];
  assert.equal(got.length, rows);
  got.forEach((r, i) => {
    assert.equal(r.n, i);
    assert.equal(r.s, i % 3 === 0 ? null : `s${i}`);
    assert.deepEqual([...r.b], [i & 255, (i >> 8) & 255, 7]);
  });
  db.close();
});

test('goroutine records from another thread arrive in order and intact, after the rows flushed before them, through reused slabs', () => {
  const { port1, port2 } = new MessageChannel();
  const signals = new SharedArrayBuffer(SIGNAL_BYTES);
  const records = 40 * SLAB_RECORDS + 123; // the pool holds 16 slabs: each is reused
  const worker = startWorker(import.meta.url, 'row-channel-slab-worker', { workerData: { port: port2, signals, records }, transferList: [port2] });
  let next = 0;
  const marks: number[] = [];
  const sinks = () => ({
    push: (...values: unknown[]) => void marks.push(values[0] as number),
    pushRows: (values: readonly unknown[]) => void marks.push(...(values as number[])),
    flush: () => {},
  });
  try {
    const result = new RowReceiver(sinks, port1, signals, (slab, n) => {
      for (let r = 0; r < n; r++, next++) {
        const o = r * RECORD_SLOTS;
        // A mark for this record's number, if any, came first.
        if (next % 50_000 === 0) assert.equal(marks.at(-1), next, `the row flushed before record ${next}`);
        assert.equal(slab[o], 100 + (next % 7), `record ${next}'s code`);
        for (let k = 1; k < RECORD_SLOTS; k++) if (slab[o + k] !== next * RECORD_SLOTS + k) assert.fail(`record ${next}, slot ${k}: ${slab[o + k]}`);
      }
    }).receive(() => {});
    assert.deepEqual(result, { records });
    assert.equal(next, records);
    assert.deepEqual(marks, Array.from({ length: Math.ceil(records / 50_000) }, (_, i) => i * 50_000));
  } finally {
    port1.close();
    void worker.terminate();
  }
});
