// The goroutine list's precomputed orders (goroutine_orders) against SQLite's ORDER BY over the
// same rows, on a real SQLite database with the index's schema. The rows are generated: the
// fixtures' traces have at most a few hundred goroutines, and these orders only get interesting
// past a page of 1024 IDs (deep offsets, filters that skip counted pages, both directions). Every
// fixture's list is checked against a sort of its rows in index.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { sqliteSinks } from '../../src-main/index/batch-insert.ts';
import { collectGoroutineOrders, GOROUTINE_ORDER_COLUMNS, sortSharedOrders } from '../../src-main/index/goroutine-orders.ts';
import { ORDER_PAGE_IDS } from '../../src-main/index/order-pages.ts';
import { RadixSorter } from '../../src-main/index/radix-sort.ts';
import { TRACE_TABLES } from '../../src-main/index/schema.ts';
import { GOROUTINE_JOINS, GoroutineList } from '../../src-main/service/goroutine-list.ts';

test('radix sort: stable, and right across every 11-bit digit up to 2^53', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (const max of [1, 10, 70_000, 2 ** 33, 2 ** 53 - 1]) {
    // Keys across the range, and near digit boundaries (2^32 splits the key in two words).
    const keys = Float64Array.from({ length: 5000 }, (_, i) => i % 3 === 0 ? Math.floor(random() * max)
      : Math.min(max - 1, Math.max(0, [2 ** 11, 2 ** 22, 2 ** 32, 2 ** 33, 2 ** 44][i % 5] + Math.floor(random() * 5) - 2)));
    const payload = Float64Array.from({ length: keys.length }, (_, i) => i);
    const copy = Float64Array.from(keys);
    const sorter = new RadixSorter(keys.length);
    const sortedKeys = new Float64Array(keys.length);
    const want = [...payload].sort((a, b) => keys[a] - keys[b] || a - b);
    for (let run = 0; run < 2; run++) { // the sorter's buffers are reused
      assert.deepEqual([...sorter.sort(keys, payload, sortedKeys)], want, `keys below ${max}`);
      assert.deepEqual([...sortedKeys], want.map((i) => keys[i]), `keys below ${max}, in order`);
    }
    assert.deepEqual(keys, copy, 'the keys are left as they were');
  }
});

const COUNT = 65_536 + 3 * ORDER_PAGE_IDS + 321; // past a block of collected values (2^16) and a few pages

/**
 * A database of COUNT generated goroutines written through the orders' sinks, its orders sorted in
 * memory up to `maxInMemory` goroutines. Their IDs are dense (as the runtime hands them out), or
 * with `sparse` one of them is far beyond the others (IDs are then radix sorted, not placed).
 * With `split`, the running, waiting and syscall orders are sorted from the shared values, in
 * memory readied on the way (as by the decoding thread while the writing thread sorts the others).
 */
function generatedIndex(maxInMemory?: number, { sparse = false, split = false } = {}): Database.Database {
  const db = new Database(':memory:');
  db.exec(TRACE_TABLES);
  const names = ['main.worker', 'main.handler', 'net/http.(*conn).serve', 'runtime.gcBgMarkWorker', '', 'zeta', 'Éclair'];
  const insertString = db.prepare('INSERT INTO strings (id, value) VALUES (?, ?)');
  names.forEach((s, i) => insertString.run(i + 1, s));
  // Rows go in as the indexer's do: through sinks, here collecting the orders on the way.
  const orders = collectGoroutineOrders(sqliteSinks(db), maxInMemory);
  const columns = ['id', 'name', 'created', 'creator', 'creation_stack', 'start_stack', 'start_ns', 'end_ns', 'first_state', 'last_state',
    'last_reason', 'running_ns', 'runnable_ns', 'waiting_ns', 'syscall_ns', 'wait_ns_by_reason', 'intervals', 'interval_data', 'last_stack',
    'last_since_ns'];
  const sink = orders.sinks('goroutines', columns);
  let seed = 11;
  const random = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * n);
  const count = COUNT;
  // Rows arrive out of ID order (as goroutines end), with many ties and some nulls.
  const ids = Array.from({ length: count }, (_, i) => 1 + i * 3 + random(3));
  if (sparse) ids[count >> 1] = 2 ** 40;
  for (let i = ids.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  db.transaction(() => {
    ids.forEach((id, i) => {
      const start = random(5000);
      const row = [id, 1 + random(names.length), 1, null, 0, 0, start, random(4) === 0 ? null : 5000 + random(2 ** 34), 2, 2 + random(3),
        random(2) === 0 ? 0 : 1 + random(3), random(100), random(2 ** 20), random(3) === 0 ? 0 : random(2 ** 40), random(2), null, 1, null, 0, null];
      // Forwarded batches arrive as flat arrays of rows: both ways in.
      if (i % 2 === 0) sink.push(...row);
      else sink.pushRows(row);
      if (split && i % 500 === 0) orders.prepare();
    });
    sink.flush();
    if (split) {
      const shared = ['running_ns', 'waiting_ns', 'syscall_ns'] as const;
      const values = orders.shared()!;
      assert.ok(values.scratch, 'memory readied for the other thread');
      sortSharedOrders(structuredClone(values), shared, sqliteSinks(db)); // as posted to a thread
      orders.write(db, GOROUTINE_ORDER_COLUMNS.filter((c) => !(shared as readonly string[]).includes(c)));
    } else {
      orders.write(db);
    }
  })();
  return db;
}

test('once the values are shared, readying memory leaves alone the memory the other thread sorts in', () => {
  const discard = () => ({ push() {}, pushRows() {}, flush() {} });
  const orders = collectGoroutineOrders(discard, 100_000); // more than one prepare() readies
  const columns = ['id', 'name', 'start_ns', 'end_ns', 'running_ns', 'runnable_ns', 'waiting_ns', 'syscall_ns'];
  const sink = orders.sinks('goroutines', columns);
  for (let id = 1; id <= 1000; id++) sink.push(id, 1, id, null, 0, 0, 0, id % 7);
  assert.equal(orders.prepare(), true, 'memory to ready');
  const values = orders.shared()!;
  // The other thread sorts in this memory now: whatever it writes there stays.
  const scratch = new Uint8Array(values.scratch!);
  scratch.fill(0xab);
  assert.equal(orders.prepare(), false, 'nothing more to ready once shared');
  assert.ok(scratch.every((b) => b === 0xab), 'the shared sorting memory is untouched');
});

test('every page of every order, filtered or not, in both directions, is SQLite\'s ORDER BY', () => {
  const db = generatedIndex();
  const list = new GoroutineList(db, COUNT);
  const filters = [
    { where: [], params: [] },
    { where: ['g.last_state = ?'], params: [4] },
    { where: ["COALESCE(r.value, '') = ?", 'g.end_ns IS NULL'], params: ['main.worker'] },
    { where: ['instr(n.value, ?) > 0'], params: ['zeta'] },
  ];
  for (const column of GOROUTINE_ORDER_COLUMNS) {
    const sortKey = column === 'name' ? 'n.value' : `g.${column}`;
    for (const descending of [false, true]) {
      for (const filter of filters) {
        const dir = descending ? 'DESC' : 'ASC';
        const want = db.prepare(`SELECT g.id ${GOROUTINE_JOINS} ${filter.where.length ? 'WHERE ' + filter.where.join(' AND ') : ''}
          ORDER BY ${sortKey} ${dir}, g.id ${dir}`).pluck().all(...filter.params) as number[];
        const what = `${column} ${dir} where ${filter.where.join(' AND ') || 'nothing'}`;
        assert.ok(want.length > 0, what);
        // Pages of 500 from the start, then again from the end backwards (counted pages are skipped).
        const got: number[] = [];
        for (let offset = 0; offset < want.length + 500; offset += 500) got.push(...list.ids(column, descending, filter, offset, 500));
        assert.deepEqual(got, want, what);
        for (let offset = Math.floor(want.length / 700) * 700; offset >= 0; offset -= 700) {
          assert.deepEqual(list.ids(column, descending, filter, offset, 700), want.slice(offset, offset + 700), `${what}, offset ${offset}`);
        }
      }
    }
  }
  db.close();
});

test('past the goroutines sorted in memory, SQLite sorts the same orders, whether IDs are dense or sparse, on one thread or two', () => {
  const orders = (db: Database.Database) => db.prepare('SELECT sort, page, hex(ids) AS ids FROM goroutine_orders ORDER BY sort, page').all();
  for (const sparse of [false, true]) {
    const bySql = generatedIndex(1000, { sparse });
    for (const split of [false, true]) {
      const inMemory = generatedIndex(undefined, { sparse, split });
      assert.deepEqual(orders(inMemory), orders(bySql), `${sparse ? 'sparse' : 'dense'} IDs${split ? ', sorted on two threads' : ''}`);
      assert.equal((orders(inMemory) as unknown[]).length, GOROUTINE_ORDER_COLUMNS.length * Math.ceil(COUNT / ORDER_PAGE_IDS));
      inMemory.close();
    }
    bySql.close();
  }
});
