// npm run bench:decode [-- --trace FILE] [--regen] [--size-mb N] [--runs N] [--json]
//
// Decodes a large Go 1.27 trace with our decoder and with Go's reference reader
// (golang.org/x/exp/trace, compiled), each in its own process, and prints seconds, MB/s,
// events/s and peak RSS for both, with the ratios. Targets: throughput ≥ 2.0× Go's reader,
// our peak RSS ≤ 256 MB. The two readers run alternately `--runs` times (default 3) and the
// medians are reported: timings on a shared 2-core VM vary by ±25% from run to run.

import * as fs from 'node:fs';
import { benchTrace, buildGoTool, findGo, fmt, median, timeChild, verdict, type ChildRun } from './lib.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');

function main(): number {
  const trace = benchTrace(args);
  const bytes = fs.statSync(trace).size;
  const go = findGo();
  if (!go) throw new Error('Go 1.22+ is needed for the baseline (golang.org/x/exp/trace): see ../shared/docs/go-toolchains.md');
  const readtrace = buildGoTool(go, 'readtrace');

  const runsArg = args.indexOf('--runs');
  const runs = runsArg >= 0 ? Math.max(1, Number(args[runsArg + 1]) || 1) : 3;
  const goRuns: ChildRun[] = [];
  const ourRuns: ChildRun[] = [];
  for (let i = 0; i < runs; i++) {
    goRuns.push(timeChild(readtrace, [trace]));
    ourRuns.push(timeChild(process.execPath, ['--import', 'tsx', 'bench/decode-child.ts', trace]));
  }
  const goRun = median(goRuns);
  const ours = median(ourRuns);
  const events = ours.report.events;
  if (events !== goRun.report.events) {
    process.stderr.write(`event counts differ: ours ${events}, Go's ${goRun.report.events}\n`);
    return 1;
  }
  const mb = bytes / 1e6;
  const result = {
    bytes,
    events,
    oursSeconds: ours.seconds,
    goSeconds: goRun.seconds,
    throughputRatio: goRun.seconds / ours.seconds,
    oursPeakRssMB: ours.report.maxRssKB / 1024,
    goPeakRssMB: goRun.report.maxRssKB / 1024,
  };
  if (json) {
    process.stdout.write(JSON.stringify(result) + '\n');
    return 0;
  }
  const row = (name: string, s: number, rss: number) =>
    `${name.padEnd(22)}${fmt(s).padStart(9)} s${fmt(mb / s, 1).padStart(10)} MB/s${(events / s / 1e6).toFixed(2).padStart(9)} M ev/s${fmt(rss, 0).padStart(9)} MB`;
  console.log(`trace: ${trace} (${fmt(mb, 1)} MB, ${events.toLocaleString('en-US')} events), median of ${runs} runs each\n`);
  console.log(`${''.padEnd(22)}${'time'.padStart(11)}${'throughput'.padStart(15)}${'events'.padStart(15)}${'peak RSS'.padStart(12)}`);
  console.log(row('goroscope decoder', result.oursSeconds, result.oursPeakRssMB));
  console.log(row('Go x/exp/trace', result.goSeconds, result.goPeakRssMB));
  console.log('');
  console.log(`throughput ratio (ours ÷ Go): ${fmt(result.throughputRatio)}×   target ≥ 2.00×  ${verdict(result.throughputRatio >= 2)}`);
  console.log(`our peak RSS: ${fmt(result.oursPeakRssMB, 0)} MB           target ≤ 256 MB  ${verdict(result.oursPeakRssMB <= 256)}`);
  return 0;
}

try {
  process.exitCode = main();
} catch (e) {
  process.stderr.write(`bench:decode: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
