// npm run bench:index [-- --trace FILE] [--regen] [--size-mb N] [--runs N] [--skip-go-tool-trace] [--json]
// npm run bench:index -- --scaling [--runs N] [--regen]
//
// --json prints one line with, among others, { "traceBytes", "goReaderS", "indexS", "ratio",
// "peakRssMB", "indexBytes" } (ratio = indexS ÷ goReaderS). --scaling generates (once, kept in
// bench/out/) traces of ~200 MB and ~1000 MB with bigtrace, measures both without go tool trace,
// and prints one JSON line each and then { "ratioOfRatios" }: the 1 GB ratio ÷ the 200 MB ratio
// (target ≤ 1.2: indexing that grows linearly with the trace).
//
// Indexes a large Go 1.27 trace and prints, side by side in one run: our full index time and
// peak RSS; `go tool trace -http`'s time until it prints its URL and its peak RSS; the time Go's
// reference reader takes just to read the file; index size ÷ trace size; reopen-to-first-
// timeline-window time; p50/p95 latency of each service query over 50 random windows.
// Targets: index ≤ 0.2× go tool trace and ≤ 3× Go's reader; RSS ≤ 1 GB; reopen ≤ 200 ms;
// every query p95 ≤ 100 ms; index ≤ 2× the trace. Index and Go's reader run alternately `--runs`
// times (default 3), each index into a fresh library, and the median run of each is reported;
// the reopen and query measurements run as many times on the last index, and report medians.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchTrace, buildGoTool, compiledChild, findGo, fmt, median, middle, runsArg, timeChild, verdict, warmPageCache, type ChildRun } from './lib.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');

/** Peak RSS (kB) of a process and all its descendants, from /proc. */
function treePeakKB(pid: number): number {
  let peak = 0;
  const visit = (p: number) => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]));
      for (const t of fs.readdirSync(`/proc/${p}/task`)) {
        for (const c of fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').split(' ').filter(Boolean)) visit(Number(c));
      }
    } catch { /* exited */ }
  };
  visit(pid);
  return peak;
}

/**
 * Runs `go tool trace -http=127.0.0.1:0` until it prints its URL; returns the seconds and the
 * peak RSS (MB) of its process tree (the go command runs the trace tool as a child).
 */
async function goToolTrace(go: string, trace: string): Promise<{ seconds: number; peakRssMB: number }> {
  // Build (or find) the tool first, so that its compilation is not timed.
  spawnSync(go, ['tool', '-n', 'trace'], { encoding: 'utf8', env: { ...process.env, GOCACHE: path.resolve('.gocache'), GOFLAGS: '' } });
  const started = performance.now();
  const child = spawn(go, ['tool', 'trace', '-http=127.0.0.1:0', trace], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GOCACHE: path.resolve('.gocache'), GOFLAGS: '' },
  });
  let peakKB = 0;
  const poll = setInterval(() => { peakKB = Math.max(peakKB, treePeakKB(child.pid!)); }, 200);
  try {
    const seconds = await new Promise<number>((resolve, reject) => {
      const onData = (d: Buffer) => {
        if (/http:\/\/127\.0\.0\.1:\d+/.test(d.toString())) resolve((performance.now() - started) / 1000);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`go tool trace exited (${code}) before serving`)));
    });
    peakKB = Math.max(peakKB, treePeakKB(child.pid!));
    return { seconds, peakRssMB: peakKB / 1024 };
  } finally {
    clearInterval(poll);
    // Kill the whole tree: the trace tool is the go command's child.
    spawnSync('pkill', ['-KILL', '-P', String(child.pid)]);
    child.kill('SIGKILL');
  }
}

const SCALING_SIZES_MB = [200, 1000];

async function main(): Promise<number> {
  if (!args.includes('--scaling')) {
    await measure(benchTrace(args), args.includes('--skip-go-tool-trace'), json);
    return 0;
  }
  const ratios: number[] = [];
  for (const mb of SCALING_SIZES_MB) {
    const trace = benchTrace(['--size-mb', String(mb), ...(args.includes('--regen') ? ['--regen'] : [])], `scale-${mb}.trace`);
    ratios.push(await measure(trace, true, true));
  }
  process.stdout.write(JSON.stringify({ ratioOfRatios: ratios[1] / ratios[0] }) + '\n');
  return 0;
}

/** Measures one trace, prints its report (one JSON line with `asJson`), and returns index time ÷ Go's reader time. */
async function measure(trace: string, skipGoToolTrace: boolean, json: boolean): Promise<number> {
  const traceBytes = fs.statSync(trace).size;
  const go = findGo();
  if (!go) throw new Error('Go 1.22+ is needed for the baselines: see ../shared/docs/go-toolchains.md');
  const readtrace = buildGoTool(go, 'readtrace');
  const runs = runsArg(args, 3);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-bench-'));
  try {
    warmPageCache(trace);
    const goRuns: ChildRun[] = [];
    const indexRuns: ChildRun[] = [];
    let libDir = '';
    for (let i = 0; i < runs; i++) {
      if (!json) process.stderr.write(`run ${i + 1}/${runs} …\r`);
      goRuns.push(timeChild(readtrace, [trace]));
      // Each run indexes into a fresh library; only the last one is kept for the queries.
      if (libDir) fs.rmSync(libDir, { recursive: true, force: true });
      libDir = path.join(work, `library-${i}`);
      indexRuns.push(timeChild(process.execPath, compiledChild('index-child', trace, libDir)));
    }
    if (!json) process.stderr.write('\n');
    const goRead = median(goRuns);
    const indexRun = median(indexRuns);
    type QueryReport = { reopenMs: number; queryP50Ms: Record<string, number>; queryP95Ms: Record<string, number> };
    const reports = Array.from({ length: runs }, () =>
      timeChild(process.execPath, compiledChild('query-child', libDir, String(indexRuns.at(-1)!.report.hash))).report as unknown as QueryReport);
    const perQuery = (pick: (r: QueryReport) => Record<string, number>) =>
      Object.fromEntries(Object.keys(pick(reports[0])).map((name) => [name, middle(reports.map((r) => pick(r)[name]))]));
    const q: QueryReport = { reopenMs: middle(reports.map((r) => r.reopenMs)), queryP50Ms: perQuery((r) => r.queryP50Ms), queryP95Ms: perQuery((r) => r.queryP95Ms) };
    const gtt = skipGoToolTrace ? null : await goToolTrace(go, trace);
    const result = {
      traceBytes,
      trace,
      goReaderS: goRead.seconds,
      indexS: indexRun.seconds,
      ratio: indexRun.seconds / goRead.seconds,
      indexBytes: indexRun.report.dbBytes,
      indexSeconds: indexRun.seconds,
      decodeSeconds: goRead.seconds,
      goToolTraceSeconds: gtt ? gtt.seconds : null,
      peakRssMB: indexRun.peakRssKB / 1024,
      goToolTracePeakRssMB: gtt ? gtt.peakRssMB : null,
      dbBytes: indexRun.report.dbBytes,
      reopenMs: q.reopenMs,
      queryP95Ms: q.queryP95Ms,
    };
    if (json) {
      process.stdout.write(JSON.stringify(result) + '\n');
      return result.ratio;
    }
    console.log(`trace: ${trace} (${fmt(traceBytes / 1e6, 1)} MB); median of ${runs} alternating run(s) of the index and Go's reader\n`);
    console.log(`goroscope index        ${fmt(result.indexSeconds).padStart(8)} s   peak RSS ${fmt(result.peakRssMB, 0).padStart(6)} MB`);
    console.log(`Go reader, read only   ${fmt(result.decodeSeconds).padStart(8)} s   peak RSS ${fmt(goRead.peakRssKB / 1024, 0).padStart(6)} MB`);
    if (gtt) console.log(`go tool trace to URL   ${fmt(gtt.seconds).padStart(8)} s   peak RSS ${fmt(gtt.peakRssMB, 0).padStart(6)} MB`);
    else console.log('go tool trace          skipped (--skip-go-tool-trace)');
    console.log('');
    const vsReader = result.indexSeconds / result.decodeSeconds;
    console.log(`index ÷ Go reader time      ${fmt(vsReader).padStart(7)}×   target ≤ 3×      ${verdict(vsReader <= 3)}`);
    if (gtt) console.log(`index ÷ go tool trace time  ${fmt(result.indexSeconds / gtt.seconds).padStart(7)}×   target ≤ 0.2×    ${verdict(result.indexSeconds / gtt.seconds <= 0.2)}`);
    console.log(`peak RSS                    ${fmt(result.peakRssMB, 0).padStart(7)} MB  target ≤ 1024 MB ${verdict(result.peakRssMB <= 1024)}`);
    console.log(`index size ÷ trace size     ${fmt(result.dbBytes / traceBytes).padStart(7)}×   target ≤ 2×      ${verdict(result.dbBytes / traceBytes <= 2)}`);
    console.log(`reopen to first window      ${fmt(result.reopenMs, 0).padStart(7)} ms  target ≤ 200 ms  ${verdict(result.reopenMs <= 200)}`);
    for (const [name, p95] of Object.entries(q.queryP95Ms)) {
      console.log(`${`query ${name} p50/p95`.padEnd(28)}${fmt(q.queryP50Ms[name], 1).padStart(7)} / ${fmt(p95, 1)} ms  target p95 ≤ 100 ms ${verdict(p95 <= 100)}`);
    }
    return result.ratio;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then((code) => { process.exitCode = code; }, (e: Error) => {
  process.stderr.write(`bench:index: ${e.message}\n`);
  process.exitCode = 1;
});
