// npm run bench:decode [-- --trace FILE] [--regen] [--size-mb N] [--runs N] [--json]
//
// Decodes a large Go trace with our decoder (bench/decode-child.ts: openTrace, iterate every
// event) and with Go's reference reader (bench/go/readtrace: golang.org/x/exp/trace), each in its
// own process, and prints wall seconds (spawn to exit), MB/s, events/s and peak RSS for both,
// with the ratios. Targets: throughput ≥ 2.0× Go's reader, our peak RSS ≤ 256 MB. The two
// readers run alternately `--runs` times (default 3) on a warm page cache and the median run of
// each is reported: timings on a shared 2-core VM vary by ±25% from run to run.
// Exits 1 if the two readers count different numbers of events.

import * as fs from 'node:fs';
import { benchTrace, compiledChild, fmt, goReader, median, peakRssMethod, readHeader, runsArg, timeChild, verdict, warmPageCache, type ChildRun } from './lib.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');

const TARGET_RATIO = 2.0;
const TARGET_RSS_MB = 256;

function main(): number {
  const trace = benchTrace(args);
  const bytes = fs.statSync(trace).size;
  const readtrace = goReader();

  const runs = runsArg(args, 3);
  warmPageCache(trace);
  const goRuns: ChildRun[] = [];
  const ourRuns: ChildRun[] = [];
  for (let i = 0; i < runs; i++) {
    if (!json) process.stderr.write(`run ${i + 1}/${runs} …\r`);
    goRuns.push(timeChild(readtrace, [trace]));
    ourRuns.push(timeChild(process.execPath, compiledChild('decode-child', trace)));
  }
  if (!json) process.stderr.write('\n');
  const goRun = median(goRuns);
  const ours = median(ourRuns);

  const oursEvents = ours.report.events;
  const goEvents = goRun.report.events;
  const countsAgree = [...ourRuns, ...goRuns].every((r) => r.report.events === goEvents);
  const mb = bytes / 1e6;
  const result = {
    bytes,
    events: goEvents,
    oursSeconds: ours.seconds,
    goSeconds: goRun.seconds,
    throughputRatio: mb / ours.seconds / (mb / goRun.seconds),
    oursPeakRssMB: ours.peakRssKB / 1024,
    goPeakRssMB: goRun.peakRssKB / 1024,
    /** CPU time of our decoding thread alone (null where /proc cannot tell), of the median run. */
    oursMainThreadCpuSeconds: ours.report.mainThreadCpuSeconds ?? null,
  };

  if (json) {
    process.stdout.write(JSON.stringify(result) + '\n');
  } else {
    const header = `${''.padEnd(20)}${'wall'.padStart(9)}${'in-proc'.padStart(10)}${'MB/s'.padStart(9)}${'M ev/s'.padStart(9)}${'peak RSS'.padStart(11)}`;
    const row = (name: string, run: ChildRun) =>
      `${name.padEnd(20)}${`${fmt(run.seconds)} s`.padStart(9)}${`${fmt(run.report.seconds)} s`.padStart(10)}` +
      `${fmt(mb / run.seconds, 1).padStart(9)}${fmt(run.report.events / run.seconds / 1e6).padStart(9)}` +
      `${`${fmt(run.peakRssKB / 1024, 0)} MB`.padStart(11)}`;
    console.log(`trace: ${trace}`);
    console.log(`       ${fmt(mb, 1)} MB, header "${readHeader(trace)}", ${goEvents.toLocaleString('en-US')} events (Go's reader)`);
    console.log(`median of ${runs} alternating run(s) each; peak RSS: ${peakRssMethod() === 'gnu-time' ? "GNU time %M (child's ru_maxrss)" : "each child's own getrusage maxrss"}\n`);
    console.log(header);
    console.log(row('goroscope decoder', ours));
    console.log(row('Go x/exp/trace', goRun));
    console.log('\n(MB/s and events/s use wall time, spawn to exit; in-proc is open to last event, without process start-up)');
    if (result.oursMainThreadCpuSeconds !== null) console.log(`(our decoding thread's CPU time, user + system: ${fmt(result.oursMainThreadCpuSeconds)} s)`);
    console.log('');
    const rssRatio = result.oursPeakRssMB / result.goPeakRssMB;
    console.log(`throughput ratio (ours ÷ Go)  ${`${fmt(result.throughputRatio)}×`.padStart(9)}   target ≥ ${fmt(TARGET_RATIO)}×    ${verdict(result.throughputRatio >= TARGET_RATIO)}`);
    console.log(`our peak RSS                  ${`${fmt(result.oursPeakRssMB, 0)} MB`.padStart(9)}   target ≤ ${TARGET_RSS_MB} MB  ${verdict(result.oursPeakRssMB <= TARGET_RSS_MB)}`);
    console.log(`peak RSS ratio (ours ÷ Go)    ${`${fmt(rssRatio)}×`.padStart(9)}   (no target)`);
  }
  if (!countsAgree) {
    const counts = (rs: ChildRun[]) => [...new Set(rs.map((r) => r.report.events))].join(', ');
    process.stderr.write(
      `\nWARNING: EVENT COUNTS DIFFER: ours ${counts(ourRuns)}, Go's reader ${counts(goRuns)}` +
        (oursEvents !== goEvents ? ` (difference ${oursEvents - goEvents})` : '') +
        ' — the throughput figures are not comparable.\n',
    );
    return 1;
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (e) {
  process.stderr.write(`${json ? '' : '\n'}bench:decode: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
