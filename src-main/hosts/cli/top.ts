// `goroscope top PROFILE [--sample-type T] [-n N] [--cum] [--base OTHER] [--json]`: the rows of
// `go tool pprof -top`, read straight from the profile file (no library needed).

import { profileFileTop, renderTop } from '../../service/file-answers.ts';
import type { ProfileTop } from '../../service/types.ts';
import { InvalidArgument } from '../../service/validate.ts';
import { parseArgs } from './args.ts';
import { EXIT_BAD_INPUT, Output, printErrorLine, UsageError } from './output.ts';

export const topUsage = `usage: goroscope top PROFILE [--sample-type T] [-n N] [--cum] [--base OTHER] [--json]

The functions of a pprof profile (cpu, heap, allocs, goroutine, goroutineleak, mutex, block,
threadcreate, go tool trace -pprof=…), gzip-compressed or not, or the text /debug/pprof/NAME?debug=1
serves, as go tool pprof -top prints them: flat, flat%, sum%, cum, cum% and the function name, in
pprof's units and rounding. Text profiles need no binary: their comments name the frames (the
runtime frames runtime/pprof leaves out of them show as runtime.(unnamed 0xPC)).
  --sample-type T  the value to report (name or index, e.g. alloc_space, delay, 0); default: the
                   profile's default (the last type unless the profile names one)
  -n N             only the top N functions (pprof -nodecount=N); default: all above 0.5% cutoff
  --cum            sort by cumulative value
  --base OTHER     subtract the profile OTHER first (pprof -base), e.g. an earlier goroutine profile
  --json           raw values as JSON instead of text
A damaged or unreadable file prints one line on stderr and exits with status 2.`;

export async function topCommand(argv: string[]): Promise<number> {
  // pprof spells the limit -n / -nodecount; accept both besides --n.
  const normalized = argv.map((a) => (a === '-n' ? '--n' : a.startsWith('-n=') ? `--n=${a.slice(3)}` : a.replace(/^--?nodecount(?==|$)/, '--n')));
  const args = parseArgs(normalized, { flags: ['cum', 'json'], valued: ['sample-type', 'n', 'base'] });
  if (args.positional.length !== 1) throw new UsageError('top needs exactly one PROFILE (see goroscope help top)');
  const n = args.options.get('n');
  if (n !== undefined && !/^\d+$/.test(n)) throw new UsageError(`-n needs a non-negative whole number, got "${n}"`);
  const baseFile = args.options.get('base');
  let answer: { top: ProfileTop; warning: string | null };
  try {
    answer = profileFileTop(args.positional[0], {
      sampleType: args.options.get('sample-type') ?? '', nodeCount: n === undefined ? 0 : Number(n), cum: args.flags.has('cum'),
      ...(baseFile !== undefined ? { baseFile } : {}),
    });
  } catch (e) {
    if (e instanceof InvalidArgument) throw new UsageError(e.message);
    throw e;
  }
  const { top, warning } = answer;
  const out = new Output();
  await out.write(args.flags.has('json') ? JSON.stringify(topJson(top), null, 2) + '\n' : renderTop(top));
  await out.flush();
  // A cut text profile: the answer for what was read, then what was lost.
  if (warning !== null) {
    printErrorLine(warning);
    return EXIT_BAD_INPUT;
  }
  return 0;
}

/** The raw values of a report, for scripts. */
export function topJson(top: ProfileTop): object {
  return {
    sampleType: top.sampleType,
    unit: top.sampleUnit,
    total: top.total,
    shownTotal: top.shownTotal,
    droppedNodes: top.droppedNodes,
    nodesAfterCutoff: top.nodesAfterCutoff,
    rows: top.rows.map((r) => ({ name: r.name, inline: r.inline, flat: r.flat, cum: r.cum, sum: r.sum })),
  };
}
