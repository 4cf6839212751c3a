// Leak triage across the artefacts of one process (test/fixtures/triage/, written by
// generate-triage.sh): a trace, three (leaked)-marked debug=2 dumps and the goroutineleak profile
// (proto and debug=1). Its counts are checked against Go's own tools — `go tool pprof -top` of the
// leak profile (cum per function), the debug=1 "total N" — and against dumps/count-groups.awk's
// count of the dumps' "(leaked)" marks; the CLI's gate against --max.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { siteOf } from '../../src-main/analyze/blocking-kinds.ts';
import { Library } from '../../src-main/index/library.ts';
import { GoroscopeService } from '../../src-main/service/service.ts';
import type { TriageReport } from '../../src-main/service/types.ts';

const DIR = 'test/fixtures/triage';
interface Run { name: string; goVersion: string; trace: string; dumps: string[]; leakProfile: string; leakText: string; leakTotal: number }
const RUNS = (JSON.parse(fs.readFileSync(path.join(DIR, 'manifest.json'), 'utf8')) as { runs: Run[] }).runs;

const libDir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-triage-'));
const lib = new Library(libDir);
const service = new GoroscopeService(lib);
after(async () => {
  await service.close();
  lib.close();
  fs.rmSync(libDir, { recursive: true, force: true });
});

async function hashOf(file: string): Promise<string> {
  return (await service.indexFile(path.resolve(DIR, file))).artefact.hash;
}

/** `go tool pprof -top`'s cum column per function (names without " (inline)"), and its total. */
function pprofTop(run: Run): { cum: Map<string, number>; total: number } {
  const text = fs.readFileSync(path.join(DIR, 'expected', `${run.name}.leak.top.txt`), 'utf8');
  const total = Number(/of (\d+) total/.exec(text)![1]);
  const cum = new Map<string, number>();
  for (const m of text.matchAll(/^\s*(\d+)\s+\S+%\s+\S+%\s+(\d+)\s+\S+%\s+(.+?)(?: \(inline\))?$/gm)) cum.set(m[3], Number(m[2]));
  return { cum, total };
}

/** Per site, the "(leaked)" goroutines of a dump as count-groups.awk counted them (generate-triage.sh), and their total. */
function awkLeaked(dump: string): { bySite: Map<string, number>; total: number } {
  const file = path.join(DIR, 'expected', dump.replace('.debug2.txt', '.leaked.tsv'));
  const bySite = new Map<string, number>();
  let total = -1;
  for (const line of fs.readFileSync(file, 'utf8').trim().split('\n')) {
    const [count, key] = line.split('\t');
    if (count === 'total') {
      total = Number(key);
      continue;
    }
    const stack = key.split('|').map((f) => {
      const m = /^(.*) (.*):(\d+)$/.exec(f)!;
      return { func: m[1], file: m[2], line: Number(m[3]) };
    });
    const site = siteOf(stack);
    bySite.set(site, (bySite.get(site) ?? 0) + Number(count));
  }
  return { bySite, total };
}

for (const run of RUNS) {
  test(`${run.name}: the leak profile's counts per site equal go tool pprof -top, proto and debug=1 alike`, async () => {
    const { cum, total } = pprofTop(run);
    assert.equal(total, run.leakTotal, 'pprof -top and the debug=1 header agree');
    // The profile read as Go writes it: its top is go tool pprof -top's, row for row.
    const top = await service.profileTop({ artefact: await hashOf(run.leakProfile) });
    assert.deepEqual(top.rows.map((r) => [r.name, r.cum]), [...cum]);
    for (const file of [run.leakProfile, run.leakText]) {
      const report = await service.triage([await hashOf(file)]);
      assert.equal(report.sources[0].role, 'leakProfile', file);
      assert.equal(report.suspects.reduce((n, s) => n + s.evidence.leakProfile, 0), total, file);
      for (const s of report.suspects) {
        assert.equal(s.confidence, 'proven', `${file}: ${s.site}`);
        assert.equal(s.evidence.leakProfile, cum.get(s.site.split(' ')[0]), `${file}: ${s.site}`);
        assert.equal(s.goroutines, s.evidence.leakProfile);
      }
      assert.equal(report.suspects.length, 6, `${file}: the scenario's six leak patterns`);
    }
  });

  test(`${run.name}: every artefact together — (leaked) marks as awk counts them, growth over the dumps, one process`, async () => {
    // Dumps given latest first: the triage orders them by their goroutine IDs.
    const files = [run.trace, ...[...run.dumps].reverse(), run.leakProfile];
    const report: TriageReport = await service.triage(await Promise.all(files.map(hashOf)));
    assert.deepEqual(report.sources.map((s) => s.role), ['trace', 'dump', 'dump', 'dump', 'leakProfile']);
    assert.deepEqual(report.sources.slice(1, 4).map((s) => [s.seriesIndex, s.name]), [1, 2, 3].map((i) => [i, run.dumps[i - 1]]));
    // The trace and the dumps share goroutine IDs at the same sites; the profile has no IDs.
    assert.deepEqual(report.sources.map((s) => s.process), [1, 1, 1, 1, null]);

    const { cum } = pprofTop(run);
    const leaked = run.dumps.map(awkLeaked);
    for (const s of report.suspects) {
      // The most (leaked) marks at the site in any one dump.
      assert.equal(s.evidence.dumpLeaked, Math.max(...leaked.map((l) => l.bySite.get(s.site) ?? 0)), s.site);
      assert.equal(s.evidence.leakProfile, cum.get(s.site.split(' ')[0]) ?? 0, s.site);
    }
    for (const l of leaked) assert.equal([...l.bySite.values()].reduce((a, b) => a + b, 0), l.total);
    // Every site the awk count found (leaked) goroutines at is a proven suspect, and proven ones come first.
    const proven = report.suspects.filter((s) => s.confidence === 'proven');
    for (const site of leaked[leaked.length - 1].bySite.keys()) assert.ok(proven.some((s) => s.site === site), site);
    const firstOther = report.suspects.findIndex((s) => s.confidence !== 'proven');
    assert.ok(firstOther === -1 || report.suspects.slice(firstOther).every((s) => s.confidence !== 'proven'));

    for (const s of proven) {
      const g = s.evidence.dumpGrowth!;
      assert.equal(g.counts.length, 3, s.site);
      for (let i = 0; i < 3; i++) assert.ok(g.counts[i] >= (leaked[i].bySite.get(s.site) ?? 0), `${s.site}: dump ${i + 1} holds its (leaked) ones`);
      // leakRound(2), (3), (4): 2, 5, 9 goroutines, the first two stuck in every dump.
      assert.deepEqual(g.counts, [2, 5, 9], s.site);
      assert.deepEqual([g.new, g.vanished, g.stuck, g.growing], [7, 0, 2, true], s.site);
      assert.equal(s.evidence.traceBlockedAtEnd, 9, `${s.site}: blocked at the end of the trace, which ends after the last dump`);
      assert.ok(s.evidence.traceMaxBlockedNs > 1e9, s.site);
      assert.notEqual(s.creationSite, '', s.site);
    }
    const pattern = (func: string) => report.suspects.find((s) => s.site.startsWith(func + ' '))?.pattern;
    assert.equal(pattern('main.sendNoReceiver.func1'), 'send with no receiver');
    assert.equal(pattern('main.receiveNoSender.func1'), 'receive with no sender');
    assert.equal(pattern('main.waitGroupNeverDone.func1'), 'WaitGroup never done');
    assert.equal(pattern('main.lockHeldForever.func1'), 'lock held forever');
    assert.equal(pattern('context.(*cancelCtx).propagateCancel.func2'), 'context never cancelled');
    assert.equal(pattern('main.selectNilChannels'), 'select with no ready case');
    // Alive and woken every 50 ms: named, but never more than possible.
    const ticker = report.suspects.find((s) => s.site.startsWith('main.tickerNeverStopped '))!;
    assert.equal(ticker.pattern, 'ticker never stopped');
    assert.equal(ticker.confidence, 'possible');
    for (const s of report.suspects) assert.match(s.explanation, new RegExp(`^${s.pattern[0].toUpperCase()}`, 'i'));
  });

  test(`${run.name}: two dumps alone — growth, new and stuck goroutines told by ID; the healthy workers stay possible`, async () => {
    // The first two dumps without the third: the same sites grew (2 -> 5) with the first two stuck.
    const report = await service.triage(await Promise.all(run.dumps.slice(0, 2).map(hashOf)));
    const send = report.suspects.find((s) => s.site.startsWith('main.sendNoReceiver.func1 '))!;
    assert.deepEqual(send.evidence.dumpGrowth, { counts: [2, 5], new: 3, vanished: 0, stuck: 2, growing: true });
    // (leaked) marks are there too, so it is proven; the healthy workers stay possible (no growth).
    assert.equal(send.confidence, 'proven');
    const workers = report.suspects.find((s) => s.site.startsWith('main.worker '))!;
    assert.equal(workers.confidence, 'possible');
    assert.equal(workers.evidence.dumpGrowth!.stuck, 2);
  });
}

function goroscope(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/goroscope.mjs', ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('goroscope triage: --json has exactly the promised fields; exit 1 over --max, 0 at or under it', () => {
  const run = RUNS.find((r) => r.goVersion === '1.27') ?? RUNS[0];
  const files = [run.trace, ...run.dumps, run.leakProfile].map((f) => path.join(DIR, f));
  const library = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-triage-cli-'));
  try {
    const json = goroscope('triage', '--library', library, '--json', ...files);
    assert.equal(json.status, 0, json.stderr);
    const doc = JSON.parse(json.stdout) as { suspects: Record<string, unknown>[]; sources: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(doc), ['suspects', 'sources']);
    for (const s of doc.suspects) {
      assert.deepEqual(Object.keys(s), ['site', 'creationSite', 'reason', 'goroutines', 'confidence', 'evidence', 'explanation']);
      assert.deepEqual(Object.keys(s.evidence as object), ['leakProfile', 'dumpLeaked', 'traceBlockedAtEnd', 'traceMaxBlockedNs', 'dumpGrowth']);
    }
    assert.equal(doc.sources.length, 5);
    const biggest = Math.max(...doc.suspects.filter((s) => s.confidence !== 'possible').map((s) => s.goroutines as number));
    assert.equal(biggest, 9);
    const over = goroscope('triage', '--library', library, '--max', String(biggest - 1), ...files);
    assert.equal(over.status, 1, over.stderr);
    assert.match(over.stdout, /^FAIL: 6 proven or likely suspects over 8 goroutines$/m);
    const at = goroscope('triage', '--library', library, '--max', String(biggest), ...files);
    assert.equal(at.status, 0, at.stderr);
    assert.match(at.stdout, /^ok: no proven or likely suspect over 9 goroutines$/m);
    // Bad input: one line, exit 2.
    const bad = goroscope('triage', '--library', library, path.join(DIR, 'manifest.json'));
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.equal(goroscope('triage', '--library', library, '--max', 'x', files[0]).status, 2);
  } finally {
    fs.rmSync(library, { recursive: true, force: true });
  }
});

test('two Go 1.22 dumps (no leak detector): what grew with goroutines stuck all along is likely; counts equal the awk diff', async () => {
  const dumps = 'test/fixtures/dumps';
  const [early, late] = ['leaky.go122.early.debug2.txt', 'leaky.go122.late.debug2.txt'];
  const hashes = await Promise.all([late, early].map(async (f) => (await service.indexFile(path.resolve(dumps, f))).artefact.hash));
  const report = await service.triage(hashes);
  assert.deepEqual(report.sources.map((s) => s.name), [early, late]);
  // Per site, before and after as count-groups.awk counted every stack of the two dumps.
  const bySite = new Map<string, [number, number]>();
  const diff = fs.readFileSync(path.join(dumps, 'expected', `${early.replace('.txt', '')}--${late.replace('.txt', '')}.diff.tsv`), 'utf8');
  for (const line of diff.trim().split('\n')) {
    const [, before, after, key] = line.split('\t');
    const site = siteOf(key.split('|').map((f) => {
      const m = /^(.*) (.*):(\d+)$/.exec(f)!;
      return { func: m[1], file: m[2], line: Number(m[3]) };
    }));
    const n = bySite.get(site) ?? [0, 0];
    bySite.set(site, [n[0] + Number(before), n[1] + Number(after)]);
  }
  for (const s of report.suspects) assert.deepEqual(s.evidence.dumpGrowth!.counts, bySite.get(s.site), s.site);
  // leaky/main.go leaks 3, then 3 + 15, of four kinds: the first three stuck in both dumps.
  const likely = report.suspects.filter((s) => s.confidence === 'likely');
  assert.deepEqual(likely.map((s) => s.pattern).sort(), ['WaitGroup never done', 'lock held forever', 'select with no ready case', 'send with no receiver']);
  for (const s of likely) assert.deepEqual([s.evidence.dumpGrowth!.counts, s.evidence.dumpGrowth!.stuck, s.evidence.dumpGrowth!.new], [[3, 18], 3, 15], s.site);
  assert.equal(report.suspects.filter((s) => s.confidence === 'proven').length, 0);
});

test('traces alone: senders, WaitGroups and locks stuck through the trace are likely; counts are the oracle\'s waitingAtEnd', async () => {
  const cases: [string, string, string[]][] = [
    ['chanleak.go127', 'chan send', ['send with no receiver']],
    ['wgmissingdone.go127', 'sync', ['WaitGroup never done']],
    ['nilselect.go127', 'sync', ['lock held forever', 'lock held forever']],
  ];
  for (const [name, reason, patterns] of cases) {
    const hash = (await service.indexFile(path.resolve('test/fixtures/traces', `${name}.trace`))).artefact.hash;
    const report = await service.triage([hash]);
    const waitingAtEnd = (JSON.parse(fs.readFileSync(`test/fixtures/expected/${name}.stats.json`, 'utf8')) as { waitingAtEnd: Record<string, number> }).waitingAtEnd;
    const stuck = report.suspects.filter((s) => s.reason === reason);
    // x/exp/trace's count of goroutines waiting at the end for that reason (the oracle's summary).
    assert.equal(stuck.reduce((n, s) => n + s.evidence.traceBlockedAtEnd, 0), waitingAtEnd[reason], name);
    assert.deepEqual(stuck.map((s) => s.pattern), patterns, name);
    for (const s of stuck) assert.equal(s.confidence, 'likely', `${name}: ${s.site}`);
  }
  // nilselect's goroutine blocked on a nil channel (Go's "forever") is likely too.
  const nil = await service.triage([(await service.indexFile(path.resolve('test/fixtures/traces/nilselect.go127.trace'))).artefact.hash]);
  assert.deepEqual(nil.suspects.filter((s) => s.reason === 'forever').map((s) => [s.pattern, s.confidence]), [['select on nil channels', 'likely']]);
});

test('triage refuses what is not a list of 1 to 50 artefacts, in one line', async () => {
  const { HOST_ARGUMENTS, InvalidArgument } = await import('../../src-main/service/validate.ts');
  for (const bad of [[], 'abc', [1], new Array(51).fill('ab12')]) {
    await assert.rejects(service.triage(bad as string[]), InvalidArgument);
    assert.throws(() => HOST_ARGUMENTS.triage([bad]), InvalidArgument);
  }
  assert.throws(() => HOST_ARGUMENTS.triage([]), /triage takes 1 argument, got 0/);
  await assert.rejects(service.triage(['ffffffffffff']), /ffffffffffff/);
});

test('an artefact named twice is one source', async () => {
  const run = RUNS[0];
  const dump = await hashOf(run.dumps[0]);
  const report = await service.triage([dump, path.resolve(DIR, run.dumps[0]), dump.slice(0, 12)]);
  assert.equal(report.sources.length, 1);
  assert.ok(report.suspects.every((s) => s.evidence.dumpGrowth === null));
});
