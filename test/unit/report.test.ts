// `goroscope report` (service/report.ts): one HTML file whose numbers are those of `goroscope gc`,
// `leaks`, `blocking`, `top` and `dump --json` on the same fixtures, shown and kept in its JSON
// block; nothing in it can load anything; strings from artefacts are escaped.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { Library } from '../../src-main/index/library.ts';
import { escapeHtml, gatherReport, REPORT_KEPT_ROWS, reportHtml, type ReportData } from '../../src-main/service/report.ts';
import { GoroscopeService } from '../../src-main/service/service.ts';
import { BLOCKING_KIND_NAMES } from '../../src-main/service/types.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-report-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const LEAK_TRACE = 'test/fixtures/traces/chanleak.go127.trace';
const GC_TRACE = 'test/fixtures/traces/gcchurn.go127.trace';
const PROFILE = 'test/fixtures/profiles/goroutine.go127.pprof';
const DUMP = 'test/fixtures/dumps/leaky.go127.late.debug2.txt';

function goroscope(...args: string[]): string {
  return execFileSync(process.execPath, ['bin/goroscope.mjs', ...args, ...(args[0] === 'top' || args[0] === 'dump' ? [] : ['--library', dir])],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The report's JSON block. */
function reportData(html: string): ReportData {
  const m = /<script type="application\/json" id="goroscope-report-data">([^<]*)<\/script>/.exec(html);
  assert.ok(m, 'the report has its JSON block');
  return JSON.parse(m[1]) as ReportData;
}

/** The section of the artefact whose file name is `name`. */
function section(html: string, name: string): string {
  const parts = html.split('<section class="artefact"').slice(1);
  const s = parts.find((p) => p.includes(`<h2>${escapeHtml(name)}</h2>`));
  assert.ok(s, `a section for ${name}`);
  return s.slice(0, s.indexOf('</section>'));
}

/** The data-raw values of column `column` of table `name` in `html`, row by row. */
function column(html: string, name: string, columnIndex: number): number[] {
  const start = html.indexOf(`<table data-table="${name}">`);
  assert.ok(start >= 0, `table ${name}`);
  const body = html.slice(start, html.indexOf('</table>', start));
  return [...body.matchAll(/<tr(?: class="has-detail")?>(.*?)<\/tr>/gs)].slice(1).map((row) => {
    const cells = [...row[1].matchAll(/<td([^>]*)>/g)];
    const raw = /data-raw="([^"]*)"/.exec(cells[columnIndex][1]);
    assert.ok(raw, `a raw value in column ${columnIndex} of ${name}`);
    return Number(raw[1]);
  });
}

/** The data-raw value of the figure labelled `label` in the figures `name`. */
function figure(html: string, name: string, label: string): number {
  const start = html.indexOf(`data-figures="${name}"`);
  const m = new RegExp(`<dd data-raw="([^"]*)" data-label="${label}">`).exec(html.slice(start));
  assert.ok(start >= 0 && m, `figure ${label} of ${name}`);
  return Number(m[1]);
}

test('goroscope report on two traces, a profile and a dump writes one file with the numbers of gc, leaks, blocking, top and dump --json', () => {
  const out = path.join(dir, 'report.html');
  const run = spawnSync(process.execPath, ['bin/goroscope.mjs', 'report', LEAK_TRACE, GC_TRACE, PROFILE, DUMP, '-o', out, '--library', dir], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('report.html')), ['report.html'], 'one file, no temporary left');
  const html = fs.readFileSync(out, 'utf8');
  const data = reportData(html);
  assert.deepEqual(data.artefacts.map((a) => a.artefact.name), [LEAK_TRACE, GC_TRACE, PROFILE, DUMP].map((f) => path.basename(f)));

  for (const trace of [LEAK_TRACE, GC_TRACE]) {
    const name = path.basename(trace);
    const html1 = section(html, name);
    const a = data.artefacts.find((x) => x.artefact.name === name)!;
    // gc --json is the service's GcReport as it is: the block holds the same, and the page shows its figures.
    const gc = JSON.parse(goroscope('gc', trace, '--json'));
    assert.deepEqual(a.gc, gc);
    for (const [label, key] of [['p50', 'p50Ns'], ['p90', 'p90Ns'], ['p99', 'p99Ns'], ['max', 'maxNs'], ['GC pauses', 'count']] as const) {
      assert.equal(figure(html1, 'gc', label), gc.pausePercentiles[key], `${name} ${label}`);
    }
    assert.equal(figure(html1, 'gc', 'Cycles'), gc.cycles.length);
    if (gc.cycles.length > 0) {
      assert.deepEqual(column(html1, 'gc-cycles', 0), gc.cycles.slice(0, 50).map((c: { startNs: number }) => c.startNs));
      assert.deepEqual(column(html1, 'gc-cycles', 2), gc.cycles.slice(0, 50).map((c: { sweepTerminationNs: number | null }) => c.sweepTerminationNs ?? 0));
    }
    // leaks --json: the groups in the same order, with their counts, sites and times blocked.
    const leaks = JSON.parse(goroscope('leaks', trace, '--json'));
    assert.deepEqual(a.leaks!.groups.map((g) => [g.count, g.site, g.reason, g.maxBlockedNs, g.explanation]),
      leaks.groups.map((g: { count: number; site: string; reason: string; maxBlockedNs: number; explanation: string }) => [g.count, g.site, g.reason, g.maxBlockedNs, g.explanation]));
    assert.deepEqual(column(html1, 'leaks', 0), leaks.groups.slice(0, 50).map((g: { count: number }) => g.count));
    assert.deepEqual(column(html1, 'leaks', 3), leaks.groups.slice(0, 50).map((g: { maxBlockedNs: number }) => g.maxBlockedNs));
    // blocking --kind K --json, for the four kinds: totals, counts and the top sites.
    const kinds = BLOCKING_KIND_NAMES.map((k) => JSON.parse(goroscope('blocking', trace, '--kind', k, '--json')));
    assert.deepEqual(column(html1, 'blocking-kinds', 1), kinds.map((k) => k.totalNs));
    assert.deepEqual(column(html1, 'blocking-kinds', 2), kinds.map((k) => k.count));
    for (const k of kinds) {
      const p = a.blocking!.find((b) => b.kind === k.kind)!;
      assert.deepEqual(p.sites.map((s) => [s.site, s.reason, s.count, s.totalNs, s.maxNs, s.p50Ns, s.p99Ns]),
        k.sites.map((s: Record<string, unknown>) => [s.site, s.reason, s.count, s.totalNs, s.maxNs, s.p50Ns, s.p99Ns]));
      if (k.sites.length > 0) assert.deepEqual(column(html1, `blocking-${k.kind}`, 0), k.sites.slice(0, 15).map((s: { totalNs: number }) => s.totalNs));
    }
  }
  assert.ok(data.artefacts[0].leaks!.groups.some((g) => !g.system && g.count > 1), 'the leak fixture has a leak to show');
  assert.ok(data.artefacts[1].gc!.cycles.length > 0, 'the GC fixture has cycles to show');
  // The key charts over time: goroutines by state and the heap, drawn from the service's series.
  const gcSection = section(html, path.basename(GC_TRACE));
  assert.ok(data.artefacts[1].heap!.live.length > 0 && data.artefacts[1].goroutineCounts!.length > 0);
  assert.match(gcSection, /<figcaption>Goroutines by state \(peak per point\)<\/figcaption><svg[^>]*>.*<path d="M/s);
  assert.match(gcSection, /<figcaption>Heap in use and heap goal<\/figcaption><svg[^>]*>.*<path d="M/s);

  // top --json: the rows of go tool pprof -top, raw.
  const top = JSON.parse(goroscope('top', PROFILE, '--json'));
  const p = data.artefacts[2].top!;
  assert.equal(p.total, top.total);
  assert.deepEqual(p.rows.map((r) => [r.name, r.flat, r.cum, r.sum]), top.rows.map((r: { name: string; flat: number; cum: number; sum: number }) => [r.name, r.flat, r.cum, r.sum]));
  const profileHtml = section(html, path.basename(PROFILE));
  assert.deepEqual(column(profileHtml, 'top', 0), top.rows.slice(0, 50).map((r: { flat: number }) => r.flat));
  assert.deepEqual(column(profileHtml, 'top', 3), top.rows.slice(0, 50).map((r: { cum: number }) => r.cum));

  // dump --json: the groups, their sizes and stacks.
  const dump = JSON.parse(goroscope('dump', DUMP, '--json'));
  const d = data.artefacts[3].dump!;
  assert.equal(d.goroutines, dump.goroutines);
  assert.deepEqual(d.groups.map((g) => [g.count, g.stack.map((f) => `${f.func} ${f.file}:${f.line}`)]),
    dump.groups.map((g: { count: number; stack: string[] }) => [g.count, g.stack]));
  assert.deepEqual(column(section(html, path.basename(DUMP)), 'dump-groups', 0), dump.groups.slice(0, 50).map((g: { count: number }) => g.count));
});

test('the report of one incident\'s artefacts begins with the triage of goroscope triage --json', () => {
  const files = ['trace', 'dump1.debug2.txt', 'dump2.debug2.txt', 'dump3.debug2.txt', 'leak.pb.gz'].map((f) => `test/fixtures/triage/triage.go127.${f}`);
  const html = execFileSync(process.execPath, ['bin/goroscope.mjs', 'report', ...files, '-o', '-', '--library', dir], { encoding: 'utf8' });
  const triage = JSON.parse(goroscope('triage', ...files, '--json')) as { suspects: { site: string; confidence: string; goroutines: number;
    evidence: { leakProfile: number; dumpLeaked: number; traceBlockedAtEnd: number; traceMaxBlockedNs: number; dumpGrowth: { counts: number[] } | null };
    explanation: string }[]; sources: { name: string; role: string }[] };
  assert.ok(triage.suspects.some((s) => s.confidence === 'proven'), 'the fixture has proven leaks');
  const data = reportData(html);
  assert.deepEqual(data.triage!.suspects.map((s) => [s.site, s.confidence, s.goroutines, s.evidence.leakProfile, s.evidence.dumpLeaked, s.evidence.traceBlockedAtEnd,
    s.evidence.traceMaxBlockedNs, s.evidence.dumpGrowth?.counts ?? null, s.explanation]),
  triage.suspects.map((s) => [s.site, s.confidence, s.goroutines, s.evidence.leakProfile, s.evidence.dumpLeaked, s.evidence.traceBlockedAtEnd,
    s.evidence.traceMaxBlockedNs, s.evidence.dumpGrowth?.counts ?? null, s.explanation]));
  assert.deepEqual(data.triage!.sources.map((s) => [s.name, s.role]), triage.sources.map((s) => [s.name, s.role]));
  // Shown before the artefacts, with the same numbers.
  assert.ok(html.indexOf('<table data-table="triage">') < html.indexOf('<section class="artefact"'));
  assert.deepEqual(column(html, 'triage', 0), triage.suspects.map((s) => s.goroutines));
  assert.deepEqual(column(html, 'triage', 4), triage.suspects.map((s) => s.evidence.leakProfile));
  assert.deepEqual(column(html, 'triage', 5), triage.suspects.map((s) => s.evidence.dumpLeaked));
  assert.deepEqual(column(html, 'triage', 7), triage.suspects.map((s) => s.evidence.traceMaxBlockedNs));
  for (const s of triage.suspects) assert.ok(html.includes(escapeHtml(s.explanation)), 'each suspect\'s explanation is shown');
});

test('the report loads nothing: no script to run, no URL, a policy that forbids every request', () => {
  const html = execFileSync(process.execPath, ['bin/goroscope.mjs', 'report', LEAK_TRACE, DUMP, '-o', '-', '--library', dir], { encoding: 'utf8' });
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;/);
  assert.deepEqual([...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]), ['<script type="application/json" id="goroscope-report-data">']);
  assert.doesNotMatch(html, /\b(?:src|href|action|poster|data)\s*=\s*["']?(?!#)[a-z]+:/i, 'no attribute names a URL with a scheme');
  assert.doesNotMatch(html, /url\(|@import|<link|<iframe|<object|<embed|<img/i);
});

test('strings from an artefact are escaped wherever the report shows them', async () => {
  const lib = new Library(dir);
  const svc = new GoroscopeService(lib);
  try {
    const hashes = [LEAK_TRACE, DUMP].map((f) => lib.index(path.resolve(f)).artefact.hash);
    const data = await gatherReport(svc, hashes);
    // A hostile function name and file path in values read from the fixtures.
    const evil = `main.f</script><script>alert(1)</script><img src=x onerror="alert(2)">'"&`;
    const group = data.artefacts[0].leaks!.groups.find((g) => !g.system)!;
    group.site = evil;
    group.stack[0] = { ...group.stack[0], func: evil, file: `/src/"><svg onload=alert(3)>.go` };
    data.artefacts[0].artefact.name = `<b>${evil}</b>`;
    data.artefacts[1].dump!.groups[0].stack[0] = { func: evil, file: '</details><script>x()</script>', line: 7 };
    const html = reportHtml(data);
    assert.equal(html.match(/<script/g)!.length, 1, 'the JSON block is the only script element');
    assert.doesNotMatch(html, /<img|<svg onload|<b>main/);
    assert.equal((html.match(/<\/script>/g) ?? []).length, 1, 'nothing ends the JSON block early');
    assert.ok(html.includes(escapeHtml(evil)), 'the name is shown, escaped');
    // The JSON block gives the values back unchanged.
    assert.equal(reportData(html).artefacts[0].leaks!.groups.find((g) => !g.system)!.site, evil);
  } finally {
    await svc.close();
    lib.close();
  }
});

test('a list longer than the file keeps is cut there, saying what is left out and which command has it whole', async () => {
  const lib = new Library(dir);
  const svc = new GoroscopeService(lib);
  try {
    const hash = lib.index(path.resolve(LEAK_TRACE)).artefact.hash;
    // The fixture's sched sites, repeated past what a report keeps (a trace of a large service has that many).
    const source = Object.assign(Object.create(svc) as GoroscopeService, {
      blockingProfile: async (ref: string, kind: 'sync' | 'net' | 'syscall' | 'sched') => {
        const p = await svc.blockingProfile(ref, kind);
        return kind === 'sched' ? { ...p, sites: Array.from({ length: REPORT_KEPT_ROWS + 7 }, (_, i) => p.sites[i % p.sites.length]) } : p;
      },
    });
    const data = await gatherReport(source, [hash]);
    const sched = data.artefacts[0].blocking!.find((b) => b.kind === 'sched')!;
    assert.equal(sched.sites.length, REPORT_KEPT_ROWS);
    assert.deepEqual(data.artefacts[0].omitted, [`7 more sched blocking sites than the 2,000 kept here (goroscope blocking ${path.basename(LEAK_TRACE)} --kind sched --json lists them all)`]);
    assert.ok(reportHtml(data).includes(`Not in this file: ${escapeHtml(data.artefacts[0].omitted[0])}.`));
  } finally {
    await svc.close();
    lib.close();
  }
});

test('a damaged trace is reported up to the damage, with the warning in the file and exit status 2', () => {
  const cut = path.join(dir, 'cut.trace');
  // A trace of several generations cut in its last ones: the first are whole.
  const bytes = fs.readFileSync('test/fixtures/traces/chanleak-gens.go127.trace');
  fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.8)));
  const out = path.join(dir, 'cut.html');
  const run = spawnSync(process.execPath, ['bin/goroscope.mjs', 'report', cut, '-o', out, '--library', dir], { encoding: 'utf8' });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /^goroscope: warning: .*cut\.trace at byte \d+/m);
  const html = fs.readFileSync(out, 'utf8');
  const a = reportData(html).artefacts[0];
  assert.ok(a.artefact.warning);
  assert.ok(html.includes(`<p class="warning">Damaged file: ${escapeHtml(a.artefact.warning)}`));
  assert.ok(a.summary.kind === 'trace' && a.summary.summary.events > 0, 'what was decodable is summarised');
});

test('goroscope report without -o, or on a file that is no artefact, says so in one line (exit 2)', () => {
  const noOutput = spawnSync(process.execPath, ['bin/goroscope.mjs', 'report', DUMP, '--library', dir], { encoding: 'utf8' });
  assert.equal(noOutput.status, 2);
  assert.match(noOutput.stderr.trim(), /^[^\n]*-o FILE[^\n]*$/);
  const notAnArtefact = path.join(dir, 'notes.bin');
  fs.writeFileSync(notAnArtefact, Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 0]));
  const out = path.join(dir, 'bad.html');
  const bad = spawnSync(process.execPath, ['bin/goroscope.mjs', 'report', notAnArtefact, '-o', out, '--library', dir], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.ok(bad.stderr.includes('notes.bin'));
  assert.equal(fs.existsSync(out), false, 'no report is written');
});
