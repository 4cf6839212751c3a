// The generation-based reader with its wire-parsing thread (v2/wire-parse-thread.ts) on: the same events as Go's reader, the same failures as
// Go's reader tests, and every event batch really parsed by the worker (not decoded here after all).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openTrace } from '../../src-main/decode/gotrace/reader.ts';
import { DecodeError } from '../../src-main/decode/errors.ts';
import { fileSource } from '../../src-main/decode/source.ts';
import { HEADER_SIZE } from '../../src-main/decode/gotrace/header.ts';
import { BatchReader, type Batch } from '../../src-main/decode/gotrace/v2/batch.ts';
import { BatchCursor } from '../../src-main/decode/gotrace/v2/cursor.ts';
import { TIMED_ARG_COUNT } from '../../src-main/decode/gotrace/v2/spec.ts';
import { WireParseThread, type ParsedBatchSource } from '../../src-main/decode/gotrace/v2/wire-parse-thread.ts';
import { parseGoTestCase } from '../support/go-test-corpus.ts';
import { firstDifference, readGzipText, renderEvents } from '../support/event-text.ts';
import { expectedEventFiles, FIXTURES, fixtureTraces } from '../support/fixtures.ts';

const CORPUS = 'test/fixtures/go-tests';
const NEW_FORMAT = /go(12[2-9])\b/;

test('with the wire thread, new-format event streams equal Go\'s', () => {
  const streams = expectedEventFiles().filter((e) => NEW_FORMAT.test(e.name));
  assert.ok(streams.length >= 3, 'expected new-format event streams recorded from Go');
  for (const e of streams) {
    const { text, error } = renderEvents(openTrace(path.join(FIXTURES, 'traces', `${e.name}.trace`), { wireThread: true }));
    assert.equal(error, null, e.name);
    const want = readGzipText(e.path);
    assert.ok(text === want, `${e.name}: ${firstDifference(text, want)}`);
  }
});

test('with the wire thread, Go\'s reader tests pass and fail as without it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wire-thread-'));
  try {
    const cases = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.test')).sort();
    assert.ok(cases.length >= 20);
    for (const file of cases) {
      const name = file.replace(/\.test$/, '');
      const c = parseGoTestCase(fs.readFileSync(path.join(CORPUS, file), 'utf8'));
      const tracePath = path.join(dir, `${name}.trace`);
      fs.writeFileSync(tracePath, c.bytes);
      let rendered: { text: string; error: Error | null };
      try {
        rendered = renderEvents(openTrace(tracePath, { wireThread: true }));
      } catch (e) {
        rendered = { text: '', error: e as Error }; // the header itself is refused
      }
      if (c.failure) {
        assert.ok(rendered.error instanceof DecodeError, `${name}: expected a DecodeError matching ${c.failure}, got ${rendered.error}`);
        assert.match(rendered.error.message.replace(tracePath, file), c.failure, name);
        continue;
      }
      assert.equal(rendered.error, null, name);
      const expected = readGzipText(path.join(CORPUS, `${name}.parsed.txt.gz`));
      assert.ok(rendered.text === expected, `${name}: ${firstDifference(rendered.text, expected)}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Every event of one batch as a cursor reads it: type, time, offset and arguments. */
function cursorEvents(batch: Batch, parsed: ParsedBatchSource | null): string[] {
  const cursor = new BatchCursor(batch.m, [batch], 'trace', (u) => u, 1.5, parsed);
  const out: string[] = [];
  while (cursor.next()) {
    const ev = cursor.ev;
    out.push(`${ev.typ} ${ev.time} ${ev.offset} ${ev.args.slice(0, TIMED_ARG_COUNT[ev.typ]).join(',')}`);
  }
  return out;
}

test('the worker parses every event batch of the fixtures as this thread decodes it', () => {
  // The first and the last generation-based format (a worker starts from the sources per trace: seconds each).
  const traces = fixtureTraces().filter((t) => /\.go12[27]$/.test(t.name));
  assert.ok(traces.length >= 10);
  let parsedBatches = 0;
  for (const t of traces) {
    const thread = new WireParseThread(t.path);
    const source = fileSource(t.path);
    try {
      const batches = new BatchReader(source, HEADER_SIZE);
      for (let b = batches.next(); b !== 'eof'; b = batches.next()) {
        if (b === 'end-of-generation' || b.exp !== 0 || b.data.length === 0 || TIMED_ARG_COUNT[b.data[0]] < 0) continue;
        const parsed = thread.take(b.dataOffset);
        assert.ok(parsed !== null && parsed.length > 0, `${t.name}: the batch at byte ${b.dataOffset} was not parsed by the worker`);
        parsedBatches++;
        // The batch through a cursor, with the worker's parse and decoded here.
        const fromWorker = { take: (offset: number) => (offset === b.dataOffset ? parsed : null), recycle: () => {} };
        assert.deepEqual(cursorEvents(b, fromWorker), cursorEvents(b, null), `${t.name}: batch at byte ${b.dataOffset}`);
        thread.recycle(parsed);
      }
    } finally {
      source.close();
      thread.close();
    }
  }
  assert.ok(parsedBatches > 100, `only ${parsedBatches} batches parsed`);
});
