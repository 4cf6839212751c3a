import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ViewHistory, type View } from '../../src-renderer/timeline/view-history.ts';

const view = (t0: number, t1: number, selected: number | null = null): View => ({ t0, t1, selected, range: null });

test('back and forward walk the views left, as a browser walks pages', () => {
  const h = new ViewHistory();
  let v = view(0, 100);
  h.leave(v, 'step', 0);
  v = view(25, 75);
  h.leave(v, 'step', 10);
  v = view(25, 75, 7);
  assert.deepEqual(h.back(v), view(25, 75));
  assert.deepEqual(h.back(view(25, 75)), view(0, 100));
  assert.equal(h.back(view(0, 100)), null);
  assert.deepEqual(h.forward(view(0, 100)), view(25, 75));
  assert.deepEqual(h.forward(view(25, 75)), view(25, 75, 7));
  assert.equal(h.forward(view(25, 75, 7)), null);
  // A new move after Back drops the views ahead.
  h.back(view(25, 75, 7));
  h.leave(view(25, 75), 'step', 20);
  assert.equal(h.canForward, false);
});

test('a wheel gesture records one view; a pause starts a new one', () => {
  const h = new ViewHistory();
  h.leave(view(0, 100), 'wheel', 0);
  h.leave(view(10, 90), 'wheel', 100);
  h.leave(view(20, 80), 'wheel', 200);
  h.leave(view(30, 70), 'wheel', 2000);
  assert.deepEqual(h.back(view(40, 60)), view(30, 70));
  assert.deepEqual(h.back(view(30, 70)), view(0, 100));
});
