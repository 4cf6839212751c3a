// The renderer's table exports (src-renderer/lib/export-table.ts, export-columns.ts): CSV as RFC
// 4180 writes it and JSON, read back to the service's values, on a fixture's leak report and
// blocking profile and on fields that need quoting.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { BLOCKING_EXPORT, frameLines, LEAK_EXPORT } from '../../src-renderer/lib/export-columns.ts';
import { csvField, exportName, toCsv, toJson, type ExportColumn } from '../../src-renderer/lib/export-table.ts';
import { parseCsv } from '../support/csv.ts';
import { tempService } from '../support/temp-service.ts';

const { lib, svc } = tempService('goroscope-export-');

test('CSV fields are quoted as RFC 4180 says, numbers raw', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\r\nlines'), '"two\r\nlines"');
  assert.equal(csvField('line\nfeed'), '"line\nfeed"');
  assert.equal(csvField(' padded'), '" padded"');
  assert.equal(csvField(1234567890123), '1234567890123');
  assert.equal(csvField(0.125), '0.125');
  assert.equal(csvField(null), '');
  assert.equal(csvField(false), 'false');
  assert.equal(csvField(['f a.go:1', 'g b.go:2']), '"f a.go:1\ng b.go:2"');
  const columns: ExportColumn<string>[] = [{ key: 'value', header: 'value, quoted', value: (r) => r }];
  const hostile = ['main.(*T).f,"x"\r\n', '', '"', '\u2028 and ,'];
  assert.deepEqual(parseCsv(toCsv(columns, hostile)), [['value, quoted'], ...hostile.map((h) => [h])]);
  assert.ok(toCsv(columns, hostile).endsWith('\r\n'));
  assert.equal(exportName('a/b:c.trace', 'leaks'), 'a_b_c.trace.leaks');
});

test('a trace\'s leak groups and blocking sites read back from CSV and JSON as the service gave them', async () => {
  const hash = lib.index(path.resolve('test/fixtures/traces/chanleak.go127.trace')).artefact.hash;
  const leaks = (await svc.leaks(hash)).groups;
  assert.ok(leaks.length > 1);
  const [header, ...rows] = parseCsv(toCsv(LEAK_EXPORT, leaks));
  assert.deepEqual(header.slice(0, 6), ['state', 'reason', 'count', 'site', 'name', 'max_blocked_ns']);
  const at = (name: string) => header.indexOf(name);
  assert.deepEqual(rows.map((r) => [r[at('count')], r[at('site')], r[at('max_blocked_ns')], r[at('explanation')], r[at('stack')], r[at('system')]]),
    leaks.map((g) => [String(g.count), g.site, String(g.maxBlockedNs), g.explanation, frameLines(g.stack).join('\n'), String(g.system)]));
  const json = JSON.parse(toJson(LEAK_EXPORT, leaks)) as Record<string, unknown>[];
  assert.deepEqual(json.map((g) => [g.count, g.site, g.maxBlockedNs, g.oldestSinceNs, g.stack]),
    leaks.map((g) => [g.count, g.site, g.maxBlockedNs, g.oldestSinceNs, frameLines(g.stack)]));

  const sync = await svc.blockingProfile(hash, 'sync');
  const [bHeader, ...bRows] = parseCsv(toCsv(BLOCKING_EXPORT, sync.sites));
  assert.deepEqual(bHeader, ['reason', 'site', 'count', 'total_ns', 'max_ns', 'p50_ns', 'p99_ns', 'unblocked_by', 'stack']);
  assert.deepEqual(bRows.map((r) => r.slice(0, 7)), sync.sites.map((s) => [s.reason, s.site, s.count, s.totalNs, s.maxNs, s.p50Ns, s.p99Ns].map(String)));
  assert.equal(bRows.reduce((n, r) => n + Number(r[3]), 0), sync.totalNs);
});
