// `goroscope leaks BEFORE AFTER [--max-growth N] [--json]`: the leak gate. Two goroutine
// dumps (or two debug=1 goroutine profiles) of the same program, taken some time apart; the
// groups of identical stacks that grew are printed, and the exit status says whether any grew
// by more than N — so a CI job can fail on a goroutine leak the way the seeds' delta checks do.

import { dumpFilesGrowth, isDumpFile } from '../../service/file-answers.ts';
import type { DumpDiff, GroupDelta } from '../../service/types.ts';
import { parseArgs } from './args.ts';
import { frameStrings, reportDumpWarnings } from './dump.ts';
import { EXIT_BAD_INPUT, Output, UsageError } from './output.ts';
import { traceLeaksCommand, traceLeaksUsage } from './trace-answers.ts';

/** Exit status when some group grew by more than --max-growth. */
export const EXIT_LEAK = 1;
const DEFAULT_MAX_GROWTH = 10;
/** Frames shown per group in the text report. */
const FRAMES_SHOWN = 4;

export const leaksUsage = `${traceLeaksUsage}

usage: goroscope leaks BEFORE AFTER [--max-growth N] [--long-wait MIN] [--leak-profile FILE] [--json]

Compares two goroutine dumps of the same program (debug=2 or debug=1, runtime.Stack output,
panics, or log files with a dump inside), grouping goroutines with identical stacks, and prints
the groups that grew, largest growth first.
  --max-growth N   exit status 1 when any group grew by more than N goroutines (default ${DEFAULT_MAX_GROWTH})
  --long-wait MIN  flag groups whose goroutines waited MIN minutes or more (default 10)
  --leak-profile FILE  a goroutineleak profile taken with AFTER (Go 1.26+; proto or debug=1):
                   groups it lists are marked proven leaks, as are groups with "(leaked)" goroutines
  --json           {"before": {"goroutines": N}, "after": {"goroutines": M}, "groups":
                   [{"stack": [...], "state", "before", "after", "delta", "maxWaitMinutes"}]},
                   every group, sorted by delta
Exit status: 0 no group grew by more than N, 1 some did, 2 bad input (not a dump, unreadable,
or lines that break a dump: reported with their line numbers, the comparison is still printed).`;

export async function leaksCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { flags: ['json'], valued: ['max-growth', 'long-wait', 'leak-profile', 'library'] });
  if (args.positional.length === 1) {
    // One argument is a trace; a dump needs a second, earlier or later, to compare with.
    const file = args.positional[0];
    // (A path that cannot be read is no dump: the trace command says what is wrong with it.)
    if (isDumpFile(file)) throw new UsageError(`leaks needs BEFORE and AFTER dumps to compare: ${file} is a goroutine dump (one argument must be an execution trace)`);
    return traceLeaksCommand(argv);
  }
  if (args.positional.length !== 2) throw new UsageError('leaks needs one TRACE, or BEFORE and AFTER dump files (see goroscope help leaks)');
  const maxGrowth = nonNegativeInteger(args.options.get('max-growth'), 'max-growth', DEFAULT_MAX_GROWTH);
  const longWait = nonNegativeInteger(args.options.get('long-wait'), 'long-wait', 10);
  const { before, after, diff } = dumpFilesGrowth(args.positional[0], args.positional[1], longWait, args.options.get('leak-profile'));
  const out = new Output();
  await out.write(args.flags.has('json') ? JSON.stringify(leaksJson(diff), null, 2) + '\n' : renderLeaks(diff, maxGrowth));
  await out.flush();
  const damaged = [reportDumpWarnings(before), reportDumpWarnings(after)].some(Boolean);
  if (damaged) return EXIT_BAD_INPUT;
  return diff.groups.some((g) => g.delta > maxGrowth) ? EXIT_LEAK : 0;
}

function nonNegativeInteger(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${option} needs a whole number ≥ 0, got "${value}"`);
  return Number(value);
}

/** The --json document: exactly the fields the leak gate promises, every group, by delta. */
export function leaksJson(diff: DumpDiff): object {
  return {
    before: { goroutines: diff.before.goroutines },
    after: { goroutines: diff.after.goroutines },
    groups: diff.groups.map((g) => ({
      stack: frameStrings(g),
      state: g.state,
      before: g.before,
      after: g.after,
      delta: g.delta,
      maxWaitMinutes: g.maxWaitMinutes,
    })),
  };
}

function renderLeaks(diff: DumpDiff, maxGrowth: number): string {
  const total = diff.after.goroutines - diff.before.goroutines;
  const lines = [`goroutines: ${diff.before.goroutines} -> ${diff.after.goroutines} (${signed(total)})`];
  const grew = diff.groups.filter((g) => g.delta > 0);
  const over = grew.filter((g) => g.delta > maxGrowth);
  lines.push(grew.length === 0 ? 'no group grew' : `${grew.length} group${grew.length === 1 ? '' : 's'} grew:`);
  for (const g of grew) lines.push(...renderDelta(g, maxGrowth));
  const vanished = diff.groups.filter((g) => g.change === 'vanished').length;
  if (vanished > 0) lines.push('', `${vanished} group${vanished === 1 ? '' : 's'} vanished`);
  lines.push('', over.length > 0
    ? `FAIL: ${over.length} group${over.length === 1 ? '' : 's'} grew by more than ${maxGrowth}`
    : `ok: no group grew by more than ${maxGrowth}`);
  return lines.join('\n') + '\n';
}

function renderDelta(g: GroupDelta, maxGrowth: number): string[] {
  const notes = [
    g.state ?? '',
    g.change === 'new' ? 'new' : '',
    g.delta > maxGrowth ? 'over the limit' : '',
    g.provenLeak ? 'proven leak' : '',
    g.longWait ? `waiting ${g.maxWaitMinutes}+ min` : '',
  ].filter((s) => s !== '');
  const frames = frameStrings(g);
  return [
    '',
    `${signed(g.delta).padStart(6)}  ${g.before} -> ${g.after}  ${notes.join(', ')}`,
    ...frames.slice(0, FRAMES_SHOWN).map((f) => `        ${f}`),
    ...(frames.length > FRAMES_SHOWN ? [`        … ${frames.length - FRAMES_SHOWN} more frames`] : []),
  ];
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}
