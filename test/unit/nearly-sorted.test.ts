// The queue that writes goroutine rows in ID order: every item leaves exactly once; items out of
// place by less than the window leave sorted; ones further out still leave.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NearlySortedQueue } from '../../src-main/index/nearly-sorted.ts';

function run(input: number[], window: number): number[] {
  const out: number[] = [];
  const q = new NearlySortedQueue<number>(window, (n) => n, (n) => out.push(n));
  for (const n of input) q.push(n);
  q.drain();
  return out;
}

test('items displaced by less than the window leave in order', () => {
  // Blocks of 16 reversed, like goroutine IDs handed out per P in batches.
  const input: number[] = [];
  for (let b = 0; b < 100; b++) for (let i = 15; i >= 0; i--) input.push(b * 16 + i);
  assert.deepEqual(run(input, 16), [...input].sort((a, b) => a - b));
});

test('an item displaced by more than the window still leaves, once', () => {
  const input = [...Array.from({ length: 50 }, (_, i) => i + 1), 0];
  const out = run(input, 8);
  assert.deepEqual([...out].sort((a, b) => a - b), [...input].sort((a, b) => a - b));
  assert.notDeepEqual(out, [...input].sort((a, b) => a - b), 'with a window of 8, 0 arrives after 1..42 have left');
  assert.equal(out.indexOf(0), 42);
});

test('random input: a permutation out, sorted when the window holds everything', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const input = Array.from({ length: 5000 }, () => Math.floor(random() * 1000));
  const sorted = [...input].sort((a, b) => a - b);
  assert.deepEqual(run(input, 5000), sorted);
  assert.deepEqual([...run(input, 10)].sort((a, b) => a - b), sorted);
});
