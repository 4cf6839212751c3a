// `goroscope report FILE|ARTEFACT... -o report.html`: the self-contained HTML report of a set of
// artefacts (service/report.ts), indexing files into the library first when they are not there.

import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from './args.ts';
import { artefactArgument } from './artefact-argument.ts';
import { EXIT_BAD_INPUT, Output, printErrorLine, UsageError } from './output.ts';
import { withLibrary } from './trace-answers.ts';

export const reportUsage = `usage: goroscope report FILE|ARTEFACT... -o report.html [--library DIR]

One self-contained HTML file to attach to an incident ticket: per artefact its summary; for a
trace its leak suspects (as goroscope leaks), its GC (cycles, pause percentiles and histogram,
the MMU curve, worst windows, what-if estimate: as goroscope gc) and the time blocked by kind
with the top sites (as goroscope blocking --kind sync|net|syscall|sched); for a profile its top
functions (as goroscope top); for a dump its groups of identical stacks (as goroscope dump).
Charts are inline SVG; the file loads nothing (no script, no external URL, a Content-Security-
Policy forbidding any request), so it opens offline and sends nothing anywhere. Every number is
also in a JSON block at its end (script#goroscope-report-data), as those commands' --json give it.
  -o FILE, --output FILE  where to write it ("-" for standard output); written whole or not at all
FILEs not yet in the library are indexed first. A damaged file is reported up to the damage,
with a warning (exit status 2 after the report is written).`;

/** `-o F` and `-o=F` are `--output`. */
function normalize(argv: string[]): string[] {
  return argv.map((a) => (a === '-o' ? '--output' : a.startsWith('-o=') ? `--output=${a.slice(3)}` : a));
}

export async function reportCommand(argv: string[]): Promise<number> {
  const args = parseArgs(normalize(argv), { valued: ['library', 'output'] });
  if (args.positional.length === 0) throw new UsageError('report needs at least one FILE or ARTEFACT (see goroscope help report)');
  const output = args.options.get('output');
  if (output === undefined || output === '') throw new UsageError('report needs -o FILE (the HTML file to write, "-" for standard output)');
  return withLibrary(args.options.get('library'), async (service, lib) => {
    let damaged = false;
    const hashes: string[] = [];
    for (const ref of args.positional) {
      const a = artefactArgument(lib, ref);
      if (a.warning) {
        printErrorLine(`warning: ${a.warning} (the report covers what was decodable before it)`);
        damaged = true;
      }
      hashes.push(a.hash);
    }
    const html = await service.report(hashes);
    if (output === '-') {
      const out = new Output();
      await out.write(html);
      await out.flush();
    } else {
      // Under a temporary name first: an interrupted write never leaves half a report under its name.
      const tmp = `${output}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, html);
        renameSync(tmp, output);
      } catch (e) {
        rmSync(tmp, { force: true });
        throw new UsageError(`${output}: cannot write the report: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      process.stderr.write(`wrote ${output} (${hashes.length} artefact${hashes.length === 1 ? '' : 's'}, ${Math.ceil(Buffer.byteLength(html) / 1024)} KB)\n`);
    }
    return damaged ? EXIT_BAD_INPUT : 0;
  });
}
