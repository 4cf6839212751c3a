// `npm run bench:profile [-- --regen] [--samples N] [--runs N] [--json]`: decode + index of a
// large CPU profile by us versus `go tool pprof -top` on the same file, in the same run; plus the
// 100 k-goroutine dump of bench/dump-bench.ts (decode + group + index).
//
// The profile (bench/out/bigprofile.pprof) is written once by bench/go/bigprofile. Ours is timed
// in this process: readProfileFile + the profile indexer into a fresh SQLite file with the
// library's settings, indexes built. Go's pprof is timed from spawn to exit (its tool binary run
// directly, without the `go` command in front), with a scratch HOME and PPROF_TMPDIR. Each runs
// --runs times (default 3 for ours, 1 for pprof, which takes far longer); medians are reported.
// For information, `goroscope top FILE` (the same report as pprof's, as a process) is timed once.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readProfileFile } from '../src-main/decode/pprof/decode.ts';
import { profileIndexer } from '../src-main/index/profile-indexer.ts';
import { writeIndexFile } from '../src-main/index/library.ts';
import { measureDump } from './dump-bench.ts';
import { findGo, fmt, generateWithGo, OUT, verdict, warmPageCache } from './lib.ts';

const DEFAULT_SAMPLES = 150_000;

/** bench/out/bigprofile-<samples>.pprof, generated with Go if missing (or with --regen); temp-then-rename. */
function benchProfile(go: string | null, samples: number, regen: boolean): string {
  const file = path.join(OUT, `bigprofile-${samples}.pprof`);
  if (fs.existsSync(file) && !regen) return file;
  generateWithGo(go, 'bigprofile', ['-samples', String(samples)], file, `a CPU profile with ${samples} samples`);
  return file;
}

/** Decode + index into a fresh SQLite file, as the library does; returns seconds and samples. */
function timeOurs(file: string): { seconds: number; samples: number } {
  const dbFile = path.join(OUT, `bigprofile-index-${process.pid}.db`);
  fs.rmSync(dbFile, { force: true });
  const started = process.hrtime.bigint();
  let samples = 0;
  try {
    samples = writeIndexFile(dbFile, profileIndexer, file, fs.statSync(file).size, () => {}, () => false, () => ({})).items;
  } finally {
    fs.rmSync(dbFile, { force: true });
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, samples };
}

/** `pprof -top` from spawn to exit; the tool binary comes from `go tool -n pprof`. */
function timePprof(go: string, file: string): { seconds: number; firstRow: string } {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-bench-pprof-'));
  try {
    const bin = spawnSync(go, ['tool', '-n', 'pprof'], { encoding: 'utf8' }).stdout.trim();
    const [cmd, args] = bin && fs.existsSync(bin) ? [bin, ['-top', file]] : [go, ['tool', 'pprof', '-top', file]];
    const env = { ...process.env, HOME: scratch, PPROF_TMPDIR: scratch, GOCACHE: path.resolve('.gocache') };
    const started = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 256 << 20 });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (r.status !== 0) throw new Error(`go tool pprof -top failed: ${r.stderr.trim().slice(-300)}`);
    const firstRow = r.stdout.split('\n').find((l) => /^\s+-?[\d.]+[a-zA-Z]*\s+-?[\d.]+%/.test(l)) ?? '';
    return { seconds, firstRow };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** `goroscope top FILE` as a user runs it (Node and tsx start-up included), from spawn to exit. */
function timeOurTop(file: string): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['bin/goroscope.mjs', 'top', file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`goroscope top failed: ${r.stderr.trim().slice(-300)}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number) => {
    const i = args.indexOf(name);
    const v = i >= 0 ? Number(args[i + 1]) : fallback;
    if (!(v > 0)) throw new Error(`${name}: expected a positive number`);
    return v;
  };
  const samples = option('--samples', DEFAULT_SAMPLES);
  const runs = args.includes('--runs') ? option('--runs', 1) : 0;
  const json = args.includes('--json');
  const go = findGo();
  const file = benchProfile(go, samples, args.includes('--regen'));
  if (!go) throw new Error('no Go toolchain (1.22+) found for go tool pprof, the baseline (see ../shared/docs/go-toolchains.md)');
  warmPageCache(file);
  // Sanity: the file decodes and our report's leader is pprof's.
  const decoded = readProfileFile(file);

  const ours: number[] = [];
  const pprof: number[] = [];
  let firstRow = '';
  const oursRuns = runs || 3;
  const pprofRuns = runs || 1;
  for (let i = 0; i < Math.max(oursRuns, pprofRuns); i++) {
    if (i < oursRuns) {
      const t = timeOurs(file);
      if (t.samples !== decoded.samples.length) throw new Error(`indexed ${t.samples} samples, decoded ${decoded.samples.length}`);
      ours.push(t.seconds);
    }
    if (i < pprofRuns) {
      const t = timePprof(go, file);
      pprof.push(t.seconds);
      firstRow = t.firstRow;
    }
  }
  const topSeconds = json ? 0 : timeOurTop(file);
  const dump = await measureDump();
  const result = {
    profileBytes: fs.statSync(file).size,
    oursSeconds: median(ours),
    pprofSeconds: median(pprof),
    dumpGoroutines: dump.dumpGoroutines,
    dumpSeconds: dump.dumpSeconds,
  };
  if (json) {
    process.stdout.write(JSON.stringify(result) + '\n');
    return 0;
  }
  const ratio = result.oursSeconds / result.pprofSeconds;
  process.stdout.write(
    `profile: ${file}, ${(result.profileBytes / 1e6).toFixed(1)} MB gzip, ${decoded.samples.length} samples, ` +
      `${decoded.locations.length} locations, ${decoded.functions.length} functions\n` +
      `                         seconds (median)   runs\n` +
      `ours: decode + index     ${fmt(result.oursSeconds).padStart(8)}            ${ours.length}\n` +
      `go tool pprof -top       ${fmt(result.pprofSeconds).padStart(8)}            ${pprof.length}\n` +
      `ratio ours / pprof       ${fmt(ratio).padStart(8)}   target ≤ 1.00  ${verdict(ratio <= 1)}\n` +
      `for information: goroscope top (process, decode + report) ${fmt(topSeconds)} s\n` +
      `pprof's first row: ${firstRow.trim()}\n` +
      `dump: ${result.dumpGoroutines} goroutines, decode + group + index ${fmt(result.dumpSeconds)} s\n`,
  );
  return 0;
}

main().then((code) => (process.exitCode = code), (e: unknown) => {
  process.stderr.write(`bench:profile: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
