// Commands over the artefact library: index, ls, rm, query.

import * as path from 'node:path';
import { testHooksFromEnv } from '../../index/test-hooks.ts';
import { IndexCancelled, Library, LibraryError, defaultLibraryDir, traceSummary, type Artefact } from '../../index/library.ts';
import { EXIT_INTERRUPTED, indexInterruptibly } from './index-interruptible.ts';
import { notePartial, partialJson, partialText } from './partial.ts';
import { renderSummary } from './stats.ts';
import { GoroscopeService } from '../../service/service.ts';
import { InvalidArgument } from '../../service/validate.ts';
import type { IndexProgressEvent } from '../../service/types.ts';
import { parseArgs, type ParsedArgs } from './args.ts';
import { EXIT_BAD_INPUT, Output, printErrorLine, UsageError } from './output.ts';
import { ProgressLine } from './progress.ts';
import { formatBytes, formatCount, formatDuration } from './units.ts';
import { DecodeError } from '../../decode/errors.ts';

export const indexUsage = `usage: goroscope index FILE... [--library DIR] [--force] [--json] [--keep-partial] [--stop-after-generations N]

Indexes execution traces, pprof profiles and goroutine dumps (the kind is told from the bytes)
into the artefact library (default ${defaultLibraryDir()}), once per content: a file indexed
before is reused. Shows progress on a terminal; --json prints one JSON object per
file instead. --force re-indexes. A damaged file is indexed up to the damage, with a warning.
Ctrl-C stops a trace at its next generation boundary (about a second of the trace) and prints
the summary of what was indexed, marked partial; nothing is kept unless --keep-partial was
given: the partial index then goes into the library marked partial (ls, stats and the answers
say so), and indexing the file again completes it. Exit status 130. A second Ctrl-C cancels.
--stop-after-generations N stops so after N generations, as if Ctrl-C was pressed then.`;

export const lsUsage = `usage: goroscope ls [--library DIR] [--json]

Lists the artefacts in the library.`;

export const rmUsage = `usage: goroscope rm ARTEFACT... [--library DIR]

Removes artefacts (by indexed file path, content hash or unique hash prefix) from the library.
The original files are not touched.`;

export const queryUsage = `usage: goroscope query ARTEFACT "SQL" [--library DIR] [--json|--csv] [--limit N] [--timeout MS]

Runs a read-only SQL query on an artefact's index (tables: goroutines, goroutine_intervals,
proc_intervals, ranges, metrics, goroutine_counts, tasks, regions, logs, cpu_samples, labels,
strings, frames, stack_frames, meta). --limit caps the rows (default 1000), --timeout the time
(default 5000 ms).`;

function library(args: ParsedArgs): Library {
  return new Library(args.options.get('library') ?? defaultLibraryDir(), { testHooks: testHooksFromEnv() });
}

/** The library opened for reading only (ls, query): null when there is none yet, which is not created. */
function readOnlyLibrary(args: ParsedArgs): Library | null {
  return Library.openReadOnly(args.options.get('library') ?? defaultLibraryDir());
}

/** What `index` says it indexed: events and goroutines of a trace, samples of a profile, goroutines of a dump. */
function contents(a: Artefact): string {
  switch (a.kind) {
    case 'trace': return `${formatCount(a.items)} events, ${formatCount(a.goroutines)} goroutines`;
    case 'profile': return `${formatCount(a.items)} samples`;
    case 'dump': return `${formatCount(a.goroutines)} goroutines`;
  }
}

/** "go 1.26" for a trace, "cpu profile", "debug=2 dump". */
function describeFormat(a: Artefact): string {
  return a.kind === 'trace' ? `go ${a.format}` : `${a.format} ${a.kind}`;
}

export async function indexCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { flags: ['json', 'force', 'keep-partial'], valued: ['library', 'stop-after-generations'] });
  if (args.positional.length === 0) throw new UsageError('index needs at least one FILE (see goroscope help index)');
  const stopAfter = args.options.get('stop-after-generations');
  if (stopAfter !== undefined && !/^[1-9]\d{0,8}$/.test(stopAfter)) {
    throw new UsageError(`--stop-after-generations takes a number of generations (1 or more), not ${JSON.stringify(stopAfter)}`);
  }
  const lib = library(args);
  const out = new Output();
  let status = 0;
  try {
    for (const file of args.positional) {
      const progress = new ProgressLine(0, !args.flags.has('json') && process.stderr.isTTY === true);
      try {
        const indexed = await indexInterruptibly(lib.dir, file, {
          force: args.flags.has('force'), keepPartial: args.flags.has('keep-partial'),
          afterGenerations: stopAfter === undefined ? undefined : Number(stopAfter),
        }, (p: IndexProgressEvent) => progress.update(p.bytes, p.events, p.totalBytes));
        progress.done();
        if (indexed.type === 'stopped') {
          // Interrupted and not kept: what was read, and nothing in the library.
          const note = partialText(indexed.partial, indexed.totalBytes);
          if (args.flags.has('json')) {
            await out.write(JSON.stringify({ file, hash: null, reused: false, kept: false, ...partialJson({ partial: indexed.partial }),
              summary: indexed.summary }) + '\n');
          } else {
            await out.write(`stopped ${file}: ${note}, not kept (--keep-partial keeps it)\n${renderSummary(indexed.summary)}`);
          }
          return EXIT_INTERRUPTED;
        }
        const { artefact, reused } = indexed;
        if (args.flags.has('json')) {
          await out.write(JSON.stringify({ file, hash: artefact.hash, reused, format: artefact.format, warning: artefact.warning,
            ...partialJson(artefact), summary: artefact.summary }) + '\n');
        } else {
          await out.write(`${reused ? 'reused ' : 'indexed'} ${artefact.hash.slice(0, 12)}  ${file}  (${describeFormat(artefact)}, ` +
            `${contents(artefact)})${artefact.partial ? `  ${partialText(artefact.partial, artefact.size)}` : ''}\n`);
        }
        // The library now holds what was decodable: indexing succeeded, with one line of warning.
        if (artefact.warning) printErrorLine(`warning: ${artefact.warning} (indexed what was decodable before it)`);
        if (artefact.partial) {
          if (!args.flags.has('json')) await out.write(renderSummary(traceSummary(artefact)));
          return EXIT_INTERRUPTED;
        }
      } catch (e) {
        progress.done();
        if (e instanceof IndexCancelled) {
          printErrorLine(e.message);
          return EXIT_INTERRUPTED;
        }
        if (!(e instanceof DecodeError)) throw e;
        printErrorLine(e.message);
        status = EXIT_BAD_INPUT;
      }
    }
  } finally {
    await out.flush();
    lib.close();
  }
  return status;
}

export async function lsCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { flags: ['json'], valued: ['library'] });
  const lib = readOnlyLibrary(args);
  try {
    const all = lib?.list() ?? [];
    const out = new Output();
    if (args.flags.has('json')) {
      await out.write(JSON.stringify(all.map(({ summary: _, partial, ...a }) => ({ ...a, ...partialJson({ partial }) })), null, 2) + '\n');
    } else if (all.length === 0) {
      await out.write(`no artefacts in ${lib?.dir ?? path.resolve(args.options.get('library') ?? defaultLibraryDir())}\n`);
    } else {
      for (const a of all) {
        await out.write(`${a.hash.slice(0, 12)}  ${a.kind.padEnd(7)}  ${describeFormat(a).padEnd(14)} ${formatBytes(a.size).padStart(10)}  ` +
          `${(a.durationNs > 0 ? formatDuration(a.durationNs) : '—').padStart(8)}  ` +
          `${a.kind === 'profile' ? `${formatCount(a.items).padStart(9)} samples   ` : `${formatCount(a.goroutines).padStart(9)} goroutines`}  ` +
          `${a.indexedAt.slice(0, 19)}  ${a.path}` +
          `${a.warning ? '  (damaged: partial)' : ''}${a.partial ? `  ${partialText(a.partial, a.size)}` : ''}\n`);
      }
    }
    await out.flush();
    return 0;
  } finally {
    lib?.close();
  }
}

export async function rmCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { valued: ['library'] });
  if (args.positional.length === 0) throw new UsageError('rm needs at least one ARTEFACT');
  const lib = library(args);
  try {
    for (const ref of args.positional) {
      const a = lib.resolve(ref);
      lib.remove(a.hash);
      process.stdout.write(`removed ${a.hash.slice(0, 12)}  ${a.path}\n`);
    }
    return 0;
  } finally {
    lib.close();
  }
}

export async function queryCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { flags: ['json', 'csv'], valued: ['library', 'limit', 'timeout'] });
  if (args.positional.length !== 2) throw new UsageError('query needs ARTEFACT and "SQL" (see goroscope help query)');
  const lib = readOnlyLibrary(args);
  if (!lib) throw new LibraryError(`no artefact library in ${path.resolve(args.options.get('library') ?? defaultLibraryDir())}`);
  const service = new GoroscopeService(lib);
  try {
    const result = await service.query({
      artefact: args.positional[0], sql: args.positional[1],
      rowLimit: args.options.has('limit') ? Number(args.options.get('limit')) : undefined,
      timeLimitMs: args.options.has('timeout') ? Number(args.options.get('timeout')) : undefined,
    });
    const out = new Output();
    if (args.flags.has('json')) {
      await out.write(JSON.stringify(result.rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c, r[i]])))) + '\n');
    } else if (args.flags.has('csv')) {
      const cell = (v: unknown) => (v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
      await out.write(result.columns.map(cell).join(',') + '\n');
      for (const r of result.rows) await out.write(r.map(cell).join(',') + '\n');
    } else {
      const text = result.rows.map((r) => r.map((v) => (v === null ? 'NULL' : String(v))));
      const widths = result.columns.map((c, i) => Math.min(60, Math.max(c.length, ...text.map((r) => r[i].length))));
      await out.write(result.columns.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd() + '\n');
      for (const r of text) await out.write(r.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd() + '\n');
    }
    await out.flush();
    if (result.truncated) process.stderr.write(`goroscope: showing the first ${result.rows.length} rows (--limit)\n`);
    // Rows of a partial index (the query's output keeps its shape): said on stderr.
    notePartial(lib.resolve(args.positional[0]));
    return 0;
  } catch (e) {
    if (e instanceof InvalidArgument || e instanceof LibraryError) {
      printErrorLine(e.message);
      return EXIT_BAD_INPUT;
    }
    throw e;
  } finally {
    service.close();
    lib.close();
  }
}
