// `goroscope dump FILE [--json]`: a goroutine dump grouped by identical stacks, biggest group
// first (panicparse's view): what the goroutines are doing, how many, since when.

import { groupDumpFile } from '../../service/file-answers.ts';
import type { DumpGroups, GoroutineGroup } from '../../service/types.ts';
import { parseArgs } from './args.ts';
import { EXIT_BAD_INPUT, Output, printErrorLine, UsageError } from './output.ts';

export const dumpUsage = `usage: goroscope dump FILE [--json]

Reads a goroutine dump — /debug/pprof/goroutine?debug=2 or ?debug=1, runtime.Stack output, a
panic, fatal error or SIGQUIT on stderr, or a log file with such a dump inside — and groups the
goroutines with identical stacks (same function and file:line in every frame).
  --json   groups with counts, states, longest wait, creation sites, labels and leak verdicts
Lines that break the dump are reported on stderr with their line number (exit status 2, the
groups of what was readable are still printed). No dump at all: one line on stderr, exit 2.

usage: goroscope dump TRACE|ARTEFACT --at TIME [--against DUMP] [--json] [--library DIR]

The goroutine dump an execution trace implies at TIME (ns since the trace's first event, or with
a unit: 935ms, 1.5s, 200us): every goroutine alive then, with its state as a debug=2 dump names it
(running, runnable, syscall, or the wait reason: chan send, sync.Mutex.Lock, IO wait, ...), how
long it had been in that state, its last stack and where it was created, grouped by stack. A
group's stack starts at its site (the first frame outside the runtime and the standard library's
blocking internals), where a trace's stacks and a dump's agree. Runtime goroutines are left out
of the groups, as a debug=2 dump leaves them out. A TRACE file not yet in the library is indexed.
  --against DUMP  also compare with a real goroutine dump taken at that moment, regrouped the same
                  way: the groups whose counts differ
  --json  {"timeNs", "durationNs", "goroutines", "systemGoroutines", "groups": [{"stack", "count",
          "states", "maxStateNs", "createdBy", "sampleIds"}], "goroutineList": [{"id", "entry",
          "state", "reason", "sinceNs", "stateNs", "site", "stack", "createdBy", "system"}],
          "against": {"dump", "dumpGoroutines", "traceGoroutines", "differing": [{"stack", "state",
          "inDump", "inTrace"}]}}`;

export async function dumpCommand(argv: string[]): Promise<number> {
  if (argv.some((a) => a === '--at' || a.startsWith('--at='))) {
    const { dumpAtCommand } = await import('./dump-at.ts');
    return dumpAtCommand(argv);
  }
  const args = parseArgs(argv, { flags: ['json'] });
  if (args.positional.length !== 1) throw new UsageError('dump needs exactly one FILE (see goroscope help dump)');
  const dump = groupDumpFile(args.positional[0]);
  const out = new Output();
  await out.write(args.flags.has('json') ? JSON.stringify(dumpJson(dump), null, 2) + '\n' : renderDump(dump));
  await out.flush();
  return reportDumpWarnings(dump) ? EXIT_BAD_INPUT : 0;
}

/** Prints the dump's warnings on stderr; true when there were any. */
export function reportDumpWarnings(dump: DumpGroups): boolean {
  const { warnings, warningsDropped } = dump.info;
  for (const w of warnings) printErrorLine(`warning: ${w.message}`);
  if (warningsDropped > 0) printErrorLine(`warning: ${dump.file}: ${warningsDropped} more warnings not shown`);
  return warnings.length > 0;
}

/** "func file:line" per frame, innermost first. */
export function frameStrings(group: Pick<GoroutineGroup, 'stack'>): string[] {
  return group.stack.map((f) => `${f.func} ${f.file}:${f.line}`);
}

function dumpJson(dump: DumpGroups): object {
  const { info } = dump;
  return {
    file: dump.file,
    format: dump.format,
    goroutines: dump.goroutines,
    panics: info.panics,
    fatalError: info.fatalError,
    signal: info.signal,
    groups: dump.groups.map((g) => ({
      stack: frameStrings(g),
      count: g.count,
      states: g.states,
      maxWaitMinutes: g.maxWaitMinutes,
      lockedToThread: g.lockedToThread,
      leaked: g.leaked,
      provenLeak: g.provenLeak,
      createdBy: g.createdBy,
      labels: g.labels,
      sampleIds: g.sampleIds,
    })),
    warnings: info.warnings.map((w) => w.message),
  };
}

function renderDump(dump: DumpGroups): string {
  const { info } = dump;
  const lines: string[] = [];
  lines.push(`${dump.file}: ${dump.format}, ${dump.goroutines} goroutines in ${dump.groups.length} groups`);
  for (const p of info.panics) lines.push(`panic: ${p}`);
  if (info.fatalError) lines.push(`fatal error: ${info.fatalError}`);
  if (info.signal) lines.push(info.signal);
  for (const g of dump.groups) {
    lines.push('');
    const states = Object.entries(g.states).sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ×${n}`).join(', ');
    const notes = [
      states,
      g.maxWaitMinutes > 0 ? `waiting up to ${g.maxWaitMinutes} min` : '',
      g.lockedToThread > 0 ? `${g.lockedToThread} locked to thread` : '',
      g.provenLeak ? `PROVEN LEAK${g.leaked > 0 ? ` (${g.leaked} marked leaked)` : ''}` : '',
    ].filter((s) => s !== '');
    lines.push(`${g.count} goroutine${g.count === 1 ? '' : 's'}${notes.length > 0 ? ': ' + notes.join('; ') : ''}`);
    for (const [labels, n] of Object.entries(g.labels)) lines.push(`  labels ${labels} ×${n}`);
    for (const f of g.stack) lines.push(`    ${f.func}\n        ${f.file}:${f.line}`);
    for (const [site, n] of Object.entries(g.createdBy)) lines.push(`  created by ${site}${n === g.count ? '' : ` ×${n}`}`);
  }
  return lines.join('\n') + '\n';
}
