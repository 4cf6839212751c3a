// The P/M lanes decide whether a trace is small enough for them from the indexer's interval
// count (meta 'intervals', written by trace-artefact.ts for both of its paths) instead of summing
// every goroutine's row: that count must be the sum.

import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { test } from 'node:test';
import { laneIntervalCount } from '../../src-main/service/timeline-lanes.ts';
import { FIXTURES } from '../support/fixtures.ts';
import { tempService } from '../support/temp-service.ts';

const { lib, svc } = tempService('goroscope-timeline-lanes-');

test('meta intervals is the sum of the goroutines\' intervals, and the lanes are built under the limit', async () => {
  const files = [path.join(FIXTURES, 'traces/gcchurn-gens.go127.trace'), path.join(FIXTURES, 'traces/gotestdata.stress_1_21_good.trace'),
    path.resolve(import.meta.dirname, '../../assets/sample/sample.trace')];
  for (const file of files) {
    const hash = (await svc.indexFile(file)).artefact.hash;
    const db = new Database(lib.indexPath(hash), { readonly: true });
    try {
      const meta = Number(db.prepare("SELECT value FROM meta WHERE key = 'intervals'").pluck().get());
      const sum = db.prepare('SELECT sum(intervals) FROM goroutines').pluck().get() as number;
      assert.equal(meta, sum, path.basename(file));
      assert.ok(laneIntervalCount(db) > 0, `${path.basename(file)} has P lanes`);
    } finally {
      db.close();
    }
  }
});
