// The goroutine-dump fixtures (test/fixtures/dumps/manifest.json, written by
// test/fixtures/generate-dumps.sh) and their expected values: header counts, what the Go program
// itself counted, and the independent awk group counts.

import * as fs from 'node:fs';
import * as path from 'node:path';

export const DUMPS = 'test/fixtures/dumps';

export interface DumpFixture {
  readonly file: string;
  readonly path: string;
  readonly goVersion: string;
  readonly scenario: string;
  /** "early.debug2", "late.debug1", "late.leak.debug1", "late.leaked.debug2", "app", "panic", "sigquit-crash"… */
  readonly kind: string;
  /** Lines of the form "goroutine N [...]:" (grep). */
  readonly headers: number;
  /** debug=1's "total N"; null for debug=2. */
  readonly total: number | null;
  readonly program?: string;
  readonly phase?: 'early' | 'late' | 'leak';
}

export interface DiffFixture {
  readonly before: string;
  readonly after: string;
  readonly diff: string;
}

/** What leaky/main.go wrote at each snapshot. */
export interface ProgramCounts {
  readonly goVersion: string;
  readonly early: { numGoroutine: number; started: Record<string, number> };
  readonly late: { numGoroutine: number; started: Record<string, number> };
  readonly leakProfileCount?: number;
}

const manifest = JSON.parse(fs.readFileSync(path.join(DUMPS, 'manifest.json'), 'utf8')) as { dumps: Omit<DumpFixture, 'path'>[]; diffs: DiffFixture[] };

export function dumpFixtures(): DumpFixture[] {
  return manifest.dumps.map((d) => ({ ...d, path: path.join(DUMPS, d.file) }));
}

export function diffFixtures(): DiffFixture[] {
  return manifest.diffs;
}

export function dumpFixture(file: string): DumpFixture {
  const d = dumpFixtures().find((f) => f.file === file);
  if (!d) throw new Error(`no dump fixture ${file}`);
  return d;
}

export function programCounts(fixture: DumpFixture): ProgramCounts {
  if (!fixture.program) throw new Error(`${fixture.file} has no program counts`);
  return JSON.parse(fs.readFileSync(path.join(DUMPS, fixture.program), 'utf8')) as ProgramCounts;
}

/** awk's groups: stack ("func file:line" joined by "|") → count, and its total. */
export function expectedGroups(file: string): { groups: Map<string, number>; total: number } {
  const groups = new Map<string, number>();
  let total = -1;
  for (const line of fs.readFileSync(path.join(DUMPS, 'expected', `${file}.groups.tsv`), 'utf8').split('\n')) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    const [count, key] = [line.slice(0, tab), line.slice(tab + 1)];
    if (count === 'total') total = Number(key);
    else groups.set(key, Number(count));
  }
  return { groups, total };
}

/** awk's diff: stack → [before, after, delta]. */
export function expectedDiff(file: string): Map<string, [number, number, number]> {
  const diff = new Map<string, [number, number, number]>();
  for (const line of fs.readFileSync(path.join(DUMPS, 'expected', file), 'utf8').split('\n')) {
    if (line === '') continue;
    const [delta, before, after, ...key] = line.split('\t');
    diff.set(key.join('\t'), [Number(before), Number(after), Number(delta)]);
  }
  return diff;
}

/** Our group key in awk's spelling. */
export function awkKey(key: string): string {
  return key.split('\n').join('|');
}

/** The function leaky/main.go runs in each kind of goroutine it counts. */
export const KIND_FUNCTIONS: Readonly<Record<string, string>> = {
  leakSend: 'main.leakSend.func1',
  leakWaitGroup: 'main.leakWaitGroup.func1',
  leakMutex: 'main.leakMutex.func1',
  leakSelect: 'main.leakSelect',
  sleeper: 'main.sleeper',
  labelledWorker: 'main.labelledWorker',
  lockedToThread: 'main.lockedToThread',
  deepRecursion: 'main.deepRecursion',
  transient: 'main.transientWorker',
  condWaiter: 'main.condWaiter',
};
