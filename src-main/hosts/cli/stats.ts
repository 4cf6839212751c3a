// `goroscope stats FILE [--json]`: the summary of a trace. A damaged one is summarised up to the
// damage, as the library and the UI open it, with the damage on stderr and exit status 2.

import { notePartial, partialJson, partialText } from './partial.ts';
import { indexedTraceSummary, NotATrace, profileOrDumpFile, summarizeTraceFile, type IndexedTraceSummary } from '../../service/file-answers.ts';
import type { TraceSummary } from '../../service/types.ts';
import { parseArgs } from './args.ts';
import { EXIT_BAD_INPUT, Output, printErrorLine, UsageError } from './output.ts';
import { ProgressLine } from './progress.ts';
import { formatBytes, formatCount, formatDuration } from './units.ts';

export const statsUsage = `usage: goroscope stats FILE|ARTEFACT [--json] [--library DIR]

Summarises an execution trace: events, goroutines, time by state and wait reason, GC cycles,
stop-the-world pauses, user tasks/regions/logs, heap goal.
  --json      one JSON object (the same fields Go's reader yields for the fixtures' oracle)
Served from the artefact library when the file's content is indexed there (identical numbers);
ARTEFACT may be a content hash or a unique prefix of one.
A damaged (e.g. truncated) trace is summarised up to the damage, as the library and the UI open
it, and one line on stderr says what was lost and where; exit status 2. An unreadable file
prints only that line (exit status 2). --partial, which used to ask for the summary of a damaged
trace, is accepted and changes nothing.`;

export async function statsCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { flags: ['json', 'partial'], valued: ['library'] });
  if (args.positional.length !== 1) throw new UsageError('stats needs exactly one FILE (see goroscope help stats)');
  const fromIndex = indexedSummary(args.positional[0], args.options.get('library'));
  if (fromIndex) {
    const out = new Output();
    // A partial index (goroscope index --keep-partial) says so: a line on stderr, and "partial": true in JSON.
    if (fromIndex.artefact.partial) notePartial(fromIndex.artefact);
    await out.write(args.flags.has('json') ? JSON.stringify({ ...partialJson(fromIndex.artefact), ...fromIndex.summary }, null, 2) + '\n'
      : (fromIndex.artefact.partial ? `${partialText(fromIndex.artefact.partial, fromIndex.artefact.size)}\n` : '') + renderSummary(fromIndex.summary));
    await out.flush();
    if (fromIndex.warning) {
      printErrorLine(fromIndex.warning);
      return EXIT_BAD_INPUT;
    }
    return 0;
  }
  // Profiles and dumps have commands of their own: say which, rather than "not a trace".
  const otherKind = profileOrDumpFile(args.positional[0]);
  if (otherKind) throw new UsageError(otherKindText(args.positional[0], otherKind));
  const progress = new ProgressLine(0);
  const { summary, warning } = summarizeTraceFile(args.positional[0], (bytes, events, totalBytes) => progress.update(bytes, events, totalBytes));
  progress.done();
  // What was decodable before the damage, as indexing keeps it (none: only the error).
  if (summary) {
    const out = new Output();
    await out.write(args.flags.has('json') ? JSON.stringify(summary, null, 2) + '\n' : renderSummary(summary));
    await out.flush();
  }
  if (warning) {
    printErrorLine(warning);
    return EXIT_BAD_INPUT;
  }
  return 0;
}

function otherKindText(ref: string, kind: 'profile' | 'dump'): string {
  return kind === 'profile' ? `${ref} is a pprof profile, not an execution trace: see goroscope top ${ref}`
    : `${ref} is a goroutine dump, not an execution trace: see goroscope dump ${ref}`;
}

/** The summary from the library when the file (or hash) is indexed there; a profile or dump artefact is a usage error. */
function indexedSummary(ref: string, libraryDir: string | undefined): IndexedTraceSummary | null {
  try {
    return indexedTraceSummary(ref, libraryDir);
  } catch (e) {
    if (e instanceof NotATrace) throw new UsageError(otherKindText(e.ref, e.kind));
    throw e;
  }
}

/** The summary for a person. */
export function renderSummary(s: TraceSummary): string {
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`${label.padEnd(26)}${value}`);
  row('Trace format', `go ${s.format}`);
  row('Duration', formatDuration(s.durationNs));
  row('Events', formatCount(s.events));
  row('Goroutines', `${formatCount(s.goroutines)} (${formatCount(s.goroutinesAliveAtEnd)} alive at end)`);
  row('Time running', formatDuration(s.runningNs));
  row('Time in syscalls', formatDuration(s.syscallNs));
  const waits = Object.entries(s.waitNsByReason).sort((a, b) => b[1] - a[1]);
  row('Time waiting', formatDuration(waits.reduce((t, [, ns]) => t + ns, 0)));
  for (const [reason, ns] of waits) row(`  ${reason || '(unknown reason)'}`, formatDuration(ns));
  const waiting = Object.entries(s.waitingAtEnd).sort((a, b) => b[1] - a[1]);
  if (waiting.length > 0) {
    row('Waiting at end', formatCount(waiting.reduce((t, [, n]) => t + n, 0)));
    for (const [reason, n] of waiting) row(`  ${reason || '(blocked before the trace)'}`, formatCount(n));
  }
  row('Unblocks', `${formatCount(s.unblocks)} (a waiting goroutine made runnable by another)`);
  row('GC cycles', formatCount(s.gcCycles));
  row('Stop-the-world pauses', s.stwCount === 0 ? '0'
    : `${formatCount(s.stwCount)}, total ${formatDuration(s.stwTotalNs)}, max ${formatDuration(s.stwMaxNs)}`);
  row('Max heap goal', s.maxHeapGoalBytes > 0 ? formatBytes(s.maxHeapGoalBytes) : '—');
  row('Tasks / regions / logs', `${formatCount(s.tasks)} / ${formatCount(s.regions)} / ${formatCount(s.logs)}`);
  return lines.join('\n') + '\n';
}
