// The goroutine-dump half of `npm run bench:profile`: a 100 k-goroutine debug=2 dump, made once
// by a Go program (bench/go/bigdump) and cached in bench/out/, decoded + grouped + indexed by us.
//
// Run alone: node --import tsx bench/dump-bench.ts [--regen] [-n GOROUTINES]
// (prints the decode+group and the decode+group+index times; --json for one JSON object).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { groupDumpFile } from '../src-main/service/file-answers.ts';
import { dumpIndexer } from '../src-main/index/dump-indexer.ts';
import { writeIndexFile } from '../src-main/index/library.ts';
import { findGo, generateWithGo, OUT, warmPageCache } from './lib.ts';

const DEFAULT_GOROUTINES = 100_000;

/** bench/out/bigdump-<n>.txt, generated with Go if missing (or with `regen`); temp-then-rename. */
export function benchDump(goroutines = DEFAULT_GOROUTINES, regen = false): string {
  const file = path.join(OUT, `bigdump-${goroutines}.txt`);
  if (fs.existsSync(file) && !regen) return file;
  generateWithGo(findGo(), 'bigdump', ['-n', String(goroutines)], file, `a ${goroutines}-goroutine debug=2 dump`);
  return file;
}

export interface DumpTimings {
  dumpBytes: number;
  dumpGoroutines: number;
  groups: number;
  /** Decode + group, seconds. */
  groupSeconds: number;
  /** Decode + group + write the index (SQLite file, indexes built), seconds. */
  indexSeconds: number;
}

/** Times decode + group, then decode + group + index, on the benchmark dump. */
export function timeDump(file: string): DumpTimings {
  warmPageCache(file);
  let started = process.hrtime.bigint();
  const dump = groupDumpFile(file);
  const groupSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const dbFile = path.join(OUT, `bigdump-index-${process.pid}.db`);
  fs.rmSync(dbFile, { force: true });
  started = process.hrtime.bigint();
  try {
    const content = writeIndexFile(dbFile, dumpIndexer, file, fs.statSync(file).size, () => {}, () => false, () => ({}));
    if (content.goroutines !== dump.goroutines) throw new Error(`index counted ${content.goroutines} goroutines, grouping ${dump.goroutines}`);
  } finally {
    fs.rmSync(dbFile, { force: true });
  }
  const indexSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { dumpBytes: fs.statSync(file).size, dumpGoroutines: dump.goroutines, groups: dump.groups.length, groupSeconds, indexSeconds };
}

/** For bench/profile.ts: the dump's goroutines and our decode + group + index time. */
export async function measureDump(): Promise<{ dumpGoroutines: number; dumpSeconds: number }> {
  const t = timeDump(benchDump());
  return { dumpGoroutines: t.dumpGoroutines, dumpSeconds: t.indexSeconds };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const n = args.indexOf('-n');
  const goroutines = n >= 0 ? Number(args[n + 1]) : DEFAULT_GOROUTINES;
  const t = timeDump(benchDump(goroutines, args.includes('--regen')));
  if (args.includes('--json')) {
    process.stdout.write(JSON.stringify(t) + '\n');
  } else {
    process.stdout.write(
      `dump: ${(t.dumpBytes / 1e6).toFixed(1)} MB, ${t.dumpGoroutines} goroutines in ${t.groups} groups\n` +
        `decode + group:          ${t.groupSeconds.toFixed(2)} s (${(t.dumpBytes / 1e6 / t.groupSeconds).toFixed(0)} MB/s)\n` +
        `decode + group + index:  ${t.indexSeconds.toFixed(2)} s\n`,
    );
  }
}
