// `goroscope goroutines TRACE|ARTEFACT [--by start] [--json]`: the goroutines of a trace grouped by
// start function, as go tool trace's goroutines page (service/goroutine-groups.ts).

import { humanDuration } from '../../service/trace-answers.ts';
import type { GoroutineGroupReport, GoroutineGroupStats } from '../../service/types.ts';
import { UsageError } from './output.ts';
import { withTrace } from './trace-answers.ts';

export const goroutineGroupsUsage = `usage: goroscope goroutines TRACE|ARTEFACT [--by start] [--group NAME] [--json] [--library DIR]

The goroutines of an execution trace grouped by start function (the outermost frame of the first
stack each showed), largest execution time first, as go tool trace's goroutines page: per group
the count, execution time, scheduler wait, syscall time, block time by wait reason, unknown time
and GC mark assist time, each goroutine's equal to the nanosecond to what go tool trace reports.
  --group NAME  the goroutines of one group (the start function as listed; "" for none), longest
                total first
  --json  {"durationNs", "groups": [{"name", "count", "totalNs", "execNs", "schedWaitNs", "syscallNs",
          "blockNsByReason", "unknownNs", "gcAssistNs", "goroutines": [{"id", ...the same, "createdNs",
          "endNs"}]}]}
A TRACE file not yet in the library is indexed first.`;

export async function goroutineGroupsCommand(argv: string[]): Promise<number> {
  return withTrace(argv, ['by', 'group'], async (service, hash, json, options) => {
    const by = options.get('by') ?? 'start';
    if (by !== 'start') throw new UsageError(`--by must be start (the start function), got "${by}"`);
    const report = await service.goroutineGroups(hash);
    const only = options.get('group');
    if (only !== undefined) {
      const group = report.groups.find((g) => g.name === only);
      if (!group) throw new UsageError(`no group "${only}" in this trace (goroscope goroutines TRACE lists them)`);
      return json ? JSON.stringify(group, null, 2) + '\n' : renderGroup(group);
    }
    return json ? JSON.stringify(report, null, 2) + '\n' : renderGroups(report);
  });
}

const d = (ns: number) => humanDuration(ns).padStart(10);

function blockText(byReason: Record<string, number>): string {
  return Object.entries(byReason).filter(([, ns]) => ns > 0).sort((a, b) => b[1] - a[1])
    .map(([reason, ns]) => `${reason || '(none)'} ${humanDuration(ns)}`).join(', ');
}

function renderGroups(r: GoroutineGroupReport): string {
  const lines = [`${r.groups.reduce((n, g) => n + g.count, 0)} goroutines in ${r.groups.length} groups by start function, over ${humanDuration(r.durationNs)}`, '',
    `${'count'.padStart(6)} ${'execution'.padStart(10)} ${'sched wait'.padStart(10)} ${'syscall'.padStart(10)} ${'blocked'.padStart(10)} ${'unknown'.padStart(10)} ${'GC assist'.padStart(10)}  start function / blocked by reason`];
  for (const g of r.groups) {
    const blocked = Object.values(g.blockNsByReason).reduce((a, b) => a + b, 0);
    lines.push(`${String(g.count).padStart(6)} ${d(g.execNs)} ${d(g.schedWaitNs)} ${d(g.syscallNs)} ${d(blocked)} ${d(g.unknownNs)} ${d(g.gcAssistNs)}  ${g.name || '(no stack seen)'}`);
    const why = blockText(g.blockNsByReason);
    if (why) lines.push(`${''.padStart(73)}${why}`);
  }
  return lines.join('\n') + '\n';
}

function renderGroup(g: GoroutineGroupStats): string {
  const lines = [`${g.name || '(no stack seen)'}: ${g.count} goroutines, ${humanDuration(g.execNs)} executing`, '',
    `${'goroutine'.padStart(9)} ${'total'.padStart(10)} ${'execution'.padStart(10)} ${'sched wait'.padStart(10)} ${'syscall'.padStart(10)} ${'unknown'.padStart(10)} ${'GC assist'.padStart(10)}  blocked by reason`];
  for (const s of g.goroutines) {
    lines.push(`${String(s.id).padStart(9)} ${d(s.totalNs)} ${d(s.execNs)} ${d(s.schedWaitNs)} ${d(s.syscallNs)} ${d(s.unknownNs)} ${d(s.gcAssistNs)}  ${blockText(s.blockNsByReason)}`);
  }
  return lines.join('\n') + '\n';
}
