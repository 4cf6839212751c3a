// A folder dropped on the window opens every file in it: the drop's entries walked as Chromium
// hands them over (directory readers answering in batches until an empty one), hidden files and
// folders left out, too large a drop refused with one line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filesOfEntries, TooManyFiles, type DropEntry } from '../../src-renderer/lib/dropped-folders.ts';

function file(name: string): DropEntry {
  return { isFile: true, isDirectory: false, name, file: (ok) => ok(new File([name], name)) };
}

/** A directory whose reader answers two entries at a time, then nothing (as readEntries does in batches). */
function dir(name: string, children: DropEntry[]): DropEntry {
  return {
    isFile: false, isDirectory: true, name,
    createReader() {
      let at = 0;
      return { readEntries: (ok) => setTimeout(() => { ok(children.slice(at, at + 2)); at += 2; }, 0) };
    },
  };
}

test('a dropped folder yields every file in it, nested folders too, hidden ones left out', async () => {
  const incident = dir('incident', [
    file('trace.out'), file('.DS_Store'), dir('.git', [file('HEAD')]),
    dir('host-b', [file('heap.pprof'), file('goroutines.txt'), file('cpu.pprof')]),
    dir('host-a', [file('trace.out')]),
    file('mutex.txt'),
  ]);
  const files = await filesOfEntries([incident, file('extra.trace')]);
  assert.deepEqual(files.map((f) => f.name), ['trace.out', 'cpu.pprof', 'goroutines.txt', 'heap.pprof', 'mutex.txt', 'trace.out', 'extra.trace']);
  assert.equal(await files[1].text(), 'cpu.pprof');
  // A hidden file dropped by itself is still opened: the user chose it.
  assert.deepEqual((await filesOfEntries([file('.trace')])).map((f) => f.name), ['.trace']);
});

test('too many files in one drop are refused, not uploaded', async () => {
  const many = dir('home', Array.from({ length: 7 }, (_, i) => file(`f${i}`)));
  await assert.rejects(filesOfEntries([many], 5), (e: unknown) => e instanceof TooManyFiles && /more than 5 files/.test((e as Error).message));
  assert.equal((await filesOfEntries([many], 7)).length, 7);
});
