// Event streams against Go's reader: for the fixtures whose events Go's reader recorded
// (test/fixtures/expected/*.events.txt.gz), our decoder yields the same events, rendered the
// same way, in the same order — kinds, contexts, times, states, reasons, ranges and stacks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { formatEvent } from '../../src-main/decode/gotrace/format-event.ts';
import { copyEvent, type TraceEvent } from '../../src-main/decode/gotrace/model.ts';
import { openTrace } from '../../src-main/decode/gotrace/reader.ts';
import { firstDifference, readGzipText, renderEvents } from '../support/event-text.ts';
import { expectedEventFiles, FIXTURES } from '../support/fixtures.ts';

const expected = expectedEventFiles();

/** Splits a rendered stream into records (one per event; stacks stay inside their record). */
function records(text: string): string[] {
  return text.split(/\n(?=M=-?\d+ P=-?\d+ G=-?\d+ )/);
}

/**
 * Old-format traces: Go's reader merges the Ps in map order, so events with equal timestamps
 * come out in a different order from run to run (and then the 1 ns monotonic fix-up moves
 * their times). Compare those streams as multisets of records without their times, and check
 * that at most a few records moved.
 */
function withoutTime(record: string): string {
  return record.replace(/ Time=-?\d+/, '');
}

test('event streams recorded from Go are present', () => {
  assert.ok(expected.length >= 6);
});

for (const e of expected) {
  test(`events of ${e.name} equal Go's`, () => {
    const { text, error } = renderEvents(openTrace(path.join(FIXTURES, 'traces', `${e.name}.trace`)));
    assert.equal(error, null);
    const want = readGzipText(e.path);
    if (text === want) return;
    // Converted old-format traces start with a Sync at time −1; only they may differ in tie order.
    const oldFormat = /^M=-1 P=-1 G=-1 Sync Time=-1 /.test(want);
    assert.ok(oldFormat, `new-format streams must be identical: ${firstDifference(text, want)}`);
    const ours = records(text);
    const go = records(want);
    assert.equal(ours.length, go.length, 'event count');
    assert.deepEqual(ours.map(withoutTime).sort(), go.map(withoutTime).sort(), 'same events');
    const moved = ours.filter((r, i) => r !== go[i]).length;
    assert.ok(moved <= Math.max(4, ours.length / 100), `${moved} records differ in position or time`);
  });
}

// The generation-based reader builds events in reused slots (TraceReader.next): an event kept
// past the next call changes under the consumer, and copyEvent() is how one keeps it.
test('events are reused by the reader and copyEvent keeps them', () => {
  const file = path.join(FIXTURES, 'traces', 'annotations.go127.trace');
  const { text: streamed } = renderEvents(openTrace(file));
  const reader = openTrace(file);
  const kept: TraceEvent[] = [];
  const copies: TraceEvent[] = [];
  try {
    for (let ev = reader.next(); ev; ev = reader.next()) {
      kept.push(ev);
      copies.push(copyEvent(ev));
    }
  } finally {
    reader.close();
  }
  const render = (events: TraceEvent[]) => events.map((ev) => formatEvent(ev, reader.timeOrigin) + '\n').join('');
  assert.equal(render(copies), streamed);
  // Kept references were overwritten: far fewer distinct objects than events.
  assert.ok(new Set(kept).size < kept.length / 10, `${new Set(kept).size} distinct event objects for ${kept.length} events`);
  assert.notEqual(render(kept), streamed);
});
