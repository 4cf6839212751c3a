// `goroscope export ARTEFACT (--pprof [KIND] | --perfetto | --parquet DIR) [-o FILE] [--from T0 --to T1]`:
// an artefact of the library in the formats of the tools people already use.

import { renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BLOCKING_KIND_NAMES, type BlockingKind } from '../../service/types.ts';
import { parseArgs } from './args.ts';
import { artefactArgument } from './artefact-argument.ts';
import { EXIT_BAD_INPUT, Output, printErrorLine, UsageError } from './output.ts';
import { withLibrary } from './trace-answers.ts';
import { formatBytes, parseDurationNs } from './units.ts';

export const exportUsage = `usage: goroscope export FILE|ARTEFACT (--pprof [KIND] | --perfetto | --parquet DIR) [-o FILE] [--from T0 --to T1] [--library DIR]

Writes an artefact in the format of another tool (a FILE not yet in the library is indexed first):
  --pprof KIND   a trace's blocking profile KIND (sync, net, syscall, sched) as gzipped profile.proto,
                 with the samples go tool trace -pprof=KIND writes: go tool pprof reads it
  --pprof        a profile, as gzipped profile.proto (go tool pprof -top prints the same rows)
  --perfetto     a trace as a Chrome/Perfetto JSON trace (Trace Event Format) that Perfetto UI and
                 chrome://tracing open: goroutine slices with states and reasons, P and M tracks,
                 GC and stop-the-world, flows for who unblocked whom; --from/--to cut a window
                 (e.g. --from 1.5s --to 2s; units ns, us, ms, s; a number alone is ns)
  --parquet DIR  a trace's index as Parquet files in DIR, one per table (docs/parquet.md), for
                 DuckDB, Spark or Trino
  -o FILE        where to write (default: a name from the artefact's, in the current directory;
                 "-" writes a pprof profile to standard output)
Files are written under a temporary name and renamed when complete.`;

/** `--pprof` with no kind after it (a profile's export) is `--pprof=`; `-o` is `--output`. */
function normalize(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o') out.push('--output');
    else if (a === '--pprof' && !(BLOCKING_KIND_NAMES as readonly string[]).includes(argv[i + 1] ?? '')) out.push('--pprof=');
    else out.push(a);
  }
  return out;
}

function timeOption(options: Map<string, string>, name: string): number | undefined {
  const text = options.get(name);
  if (text === undefined) return undefined;
  const ns = parseDurationNs(text);
  if (ns === null) throw new UsageError(`--${name} must be a time such as 1.5s, 200ms or 1000 (ns), got "${text}"`);
  return ns;
}

export async function exportCommand(argv: string[]): Promise<number> {
  const args = parseArgs(normalize(argv), { flags: ['perfetto'], valued: ['pprof', 'parquet', 'output', 'from', 'to', 'library'] });
  if (args.positional.length !== 1) throw new UsageError('needs exactly one FILE or ARTEFACT (see goroscope help export)');
  const formats = ['pprof', 'parquet'].filter((f) => args.options.has(f)).concat(args.flags.has('perfetto') ? ['perfetto'] : []);
  if (formats.length !== 1) throw new UsageError('needs one of --pprof [KIND], --perfetto, --parquet DIR (see goroscope help export)');
  const format = formats[0];
  const from = timeOption(args.options, 'from');
  const to = timeOption(args.options, 'to');
  if ((from !== undefined || to !== undefined) && format !== 'perfetto') throw new UsageError('--from/--to apply to --perfetto only');
  const output = args.options.get('output');
  if (output !== undefined && format === 'parquet') throw new UsageError('--parquet takes its directory as its value; -o does not apply');

  return withLibrary(args.options.get('library'), async (service, lib) => {
    const out = new Output();
    const artefact = artefactArgument(lib, args.positional[0]);
    if (artefact.warning) printErrorLine(`warning: ${artefact.warning} (the export covers what was decodable before it)`);
    const stem = path.basename(artefact.name);
    if (format === 'pprof') {
      const kind = args.options.get('pprof') || undefined;
      if (kind !== undefined && !(BLOCKING_KIND_NAMES as readonly string[]).includes(kind)) {
        throw new UsageError(`--pprof KIND must be one of ${BLOCKING_KIND_NAMES.join(', ')}, got "${kind}"`);
      }
      if (artefact.kind === 'trace' && kind === undefined) throw new UsageError(`${stem} is a trace: --pprof needs a KIND (${BLOCKING_KIND_NAMES.join(', ')})`);
      const e = await service.exportPprof(artefact.hash, kind as BlockingKind | undefined);
      const bytes = Buffer.from(e.base64, 'base64');
      if (output === '-') {
        // Binary: written as it is (Output makes text printable), a reader gone away (EPIPE) ends it quietly.
        process.stdout.on('error', (err: NodeJS.ErrnoException) => {
          if (err.code !== 'EPIPE') throw err;
        });
        await new Promise<void>((resolve) => process.stdout.write(bytes, () => resolve()));
        return 0;
      }
      const file = path.resolve(output ?? e.fileName);
      writeAtomically(file, bytes);
      await out.write(`wrote ${file}: ${e.samples} samples, ${formatBytes(e.bytes)}\n`);
    } else if (format === 'perfetto') {
      const file = path.resolve(output ?? `${stem}.json`);
      const c = await service.exportPerfetto(artefact.hash, file, from, to);
      await out.write(`wrote ${file}: ${c.goroutineSlices} goroutine slices, ${c.procSlices} P slices, ${c.threadSlices} M slices, ` +
        `${c.gcSlices} GC and ${c.stwSlices} stop-the-world slices, ${c.flows} unblock flows, ${formatBytes(c.bytes)}\n`);
    } else {
      const dir = path.resolve(args.options.get('parquet')!);
      const r = await service.exportParquet(artefact.hash, dir);
      await out.write(`wrote ${r.files.length} Parquet files to ${dir}:\n`);
      for (const f of r.files) await out.write(`  ${path.basename(f.file).padEnd(24)} ${String(f.rows).padStart(10)} rows  ${formatBytes(f.bytes)}\n`);
    }
    await out.flush();
    return artefact.warning ? EXIT_BAD_INPUT : 0;
  });
}

function writeAtomically(file: string, bytes: Uint8Array): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.part`);
  try {
    writeFileSync(temp, bytes);
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}
