// GoroscopeApi.goroutinesDump: a trace's goroutines written as a debug=2 dump read back by the
// dump reader and by `goroscope dump` as the same goroutines, states, stacks and creators.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { decodeDumpFile } from '../../src-main/decode/gdump/reader.ts';
import type { DumpGoroutine } from '../../src-main/decode/gdump/model.ts';
import { tempService } from '../support/temp-service.ts';

const { dir, lib, svc } = tempService('goroscope-gdump-');

for (const name of ['chanleak.go127', 'chanleak.go122', 'chanleak.go119', 'gcchurn.go126']) {
  test(`the goroutines of ${name} alive at its end, as a dump, read back the same`, async () => {
    const hash = lib.index(path.resolve(`test/fixtures/traces/${name}.trace`)).artefact.hash;
    const { durationNs } = lib.resolve(hash);
    const all = await svc.goroutines({ artefact: hash, limit: 10_000 });
    assert.ok(all.total < 10_000);
    const alive = all.rows.filter((g) => g.endNs === null);
    const ended = all.rows.filter((g) => g.endNs !== null);
    // Asked in any order, with an ended goroutine and one not in the trace: those are skipped.
    const ids = [...alive.map((g) => g.id).reverse(), ...ended.slice(0, 1).map((g) => g.id), 999_999];
    const dump = await svc.goroutinesDump(hash, ids);
    assert.equal(dump.goroutines, alive.length);
    assert.deepEqual(dump.skipped, [...ended.slice(0, 1).map((g) => g.id), 999_999].sort((a, b) => a - b));

    const file = path.join(dir, `${name}.dump.txt`);
    fs.writeFileSync(file, dump.text);
    const read: DumpGoroutine[] = [];
    const info = decodeDumpFile(file, (item) => { if (item.kind === 'goroutine') read.push(item); });
    assert.deepEqual(info.warnings, []);
    assert.deepEqual(read.map((g) => g.id), alive.map((g) => g.id).sort((a, b) => a - b));
    for (const g of read) {
      const detail = await svc.goroutine(hash, g.id);
      const row = alive.find((r) => r.id === g.id)!;
      assert.equal(g.state, row.lastState === 'Waiting' && row.lastReason !== '' ? row.lastReason : { Running: 'running', Runnable: 'runnable', Syscall: 'syscall', Waiting: 'waiting', Undetermined: 'runnable' }[row.lastState as string]);
      // The stack of the last transition (that of its interval at the end), frame for frame.
      const last = (await svc.timelineInterval(hash, g.id, durationNs - 1))!;
      assert.deepEqual(g.frames.map((f) => [f.func, f.file, f.line]), last.stack.map((f) => [f.func, f.file, f.line]), `goroutine ${g.id}`);
      const creation = detail.creationStack[0];
      assert.deepEqual(g.createdBy && [g.createdBy.func, g.createdBy.file, g.createdBy.line, g.createdBy.parentId],
        creation ? [creation.func, creation.file, creation.line, row.creator] : null);
    }

    // goroscope dump groups them as the index's stacks group them: same goroutines, no warning.
    const run = spawnSync(process.execPath, ['bin/goroscope.mjs', 'dump', file, '--json'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const groups = JSON.parse(run.stdout) as { goroutines: number; groups: { count: number; stack: string[] }[] };
    assert.equal(groups.goroutines, alive.length);
    const byStack = new Map<string, number>();
    for (const g of read) {
      const key = g.frames.map((f) => `${f.func} ${f.file}:${f.line}`).join('\n');
      byStack.set(key, (byStack.get(key) ?? 0) + 1);
    }
    assert.deepEqual(new Map(groups.groups.map((g) => [g.stack.join('\n'), g.count])), byStack);
  });
}
