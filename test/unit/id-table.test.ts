// The table of live goroutines (decoder and indexer) against a Map, through random churn: IDs created in
// rising order, ended in any order, looked up, with the table growing past several sizes and
// deletions shifting entries inside probe runs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdTable } from '../../src-main/decode/id-table.ts';

test('IdTable behaves as a Map under goroutine-like churn', () => {
  let seed = 5;
  const random = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * n);
  const table = new IdTable<number>();
  const model = new Map<number, number>();
  let next = 1;
  for (let step = 0; step < 200_000; step++) {
    const op = random(10);
    if (op < 4 || model.size === 0) {
      // New goroutines, now and then with IDs far apart (or past 2^32).
      const id = random(50) === 0 ? 2 ** 32 + next * 7 : random(500) === 0 ? -1 - random(3) : next;
      next += 1 + random(3);
      table.set(id, step);
      model.set(id, step);
    } else if (op < 7) {
      const ids = [...model.keys()];
      const id = ids[random(Math.min(ids.length, random(2) ? 8 : ids.length))];
      table.delete(id);
      model.delete(id);
    } else {
      const id = random(2) ? [...model.keys()][random(model.size)] : next + 1000;
      assert.equal(table.get(id), model.get(id), `get ${id} at step ${step}`);
      if (model.has(id) && random(2)) {
        table.set(id, -step);
        model.set(id, -step);
      }
    }
    // Grow the live set for a while, then shrink it.
    if (step === 100_000) for (const id of [...model.keys()].slice(0, model.size - 10)) (table.delete(id), model.delete(id));
  }
  assert.equal(table.size, model.size);
  assert.deepEqual(new Map(table.entries()), model);
  for (const [id, v] of model) assert.equal(table.get(id), v);
});
