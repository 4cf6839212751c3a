// `goroscope dump TRACE --at TIME` (its usage is dump.ts's): the goroutine dump a trace implies at a moment, grouped as
// `goroscope dump` groups a real one; with --against DUMP, how it differs from a real dump taken
// then (both grouped by their stacks from the site outward, where traces and dumps agree).

import { dumpFileAgainstTrace } from '../../service/file-answers.ts';
import { humanDuration } from '../../service/trace-answers.ts';
import type { DumpAt, DumpAtGoroutine, DumpDiff } from '../../service/types.ts';
import { UsageError } from './output.ts';
import { withTrace } from './trace-answers.ts';
import { parseDurationNs } from './units.ts';

export async function dumpAtCommand(argv: string[]): Promise<number> {
  return withTrace(argv, ['at', 'against'], async (service, hash, json, options) => {
    const text = options.get('at') ?? '';
    const timeNs = parseDurationNs(text);
    if (timeNs === null) throw new UsageError(`--at must be a time such as 935ms, 1.5s or 1000 (ns), got "${text}"`);
    const at = await service.dumpAt(hash, timeNs);
    const dumpFile = options.get('against');
    const against = dumpFile === undefined ? null : dumpFileAgainstTrace(dumpFile, at.dump);
    return json ? JSON.stringify(dumpAtJson(at, against), null, 2) + '\n' : renderDumpAt(at, against);
  });
}

const frameText = (f: { func: string; file: string; line: number }) => `${f.func} ${f.file}:${f.line}`;

/** The longest time in its state of any member of each group, by group key. */
function maxStateNs(at: DumpAt): Map<string, number> {
  const byId = new Map(at.goroutines.map((g) => [g.id, g]));
  const out = new Map<string, number>();
  for (const group of at.dump.groups) {
    let max = 0;
    for (const id of group.sampleIds) max = Math.max(max, byId.get(id)?.stateNs ?? 0);
    out.set(group.key, max);
  }
  return out;
}

function dumpAtJson(at: DumpAt, against: DumpDiff | null): object {
  const longest = maxStateNs(at);
  return {
    timeNs: at.timeNs, durationNs: at.durationNs, goroutines: at.dump.goroutines, systemGoroutines: at.systemGoroutines,
    groups: at.dump.groups.map((g) => ({
      stack: g.stack.map(frameText), count: g.count, states: g.states, maxStateNs: longest.get(g.key) ?? 0, createdBy: g.createdBy, sampleIds: g.sampleIds,
    })),
    goroutineList: at.goroutines.map((g: DumpAtGoroutine) => ({
      id: g.id, entry: g.entry, state: g.state, reason: g.reason, sinceNs: g.sinceNs, stateNs: g.stateNs, site: g.site,
      stack: g.stack.map(frameText), createdBy: g.createdBy, system: g.system,
    })),
    against: against && {
      dump: against.before.file, dumpGoroutines: against.before.goroutines, traceGoroutines: against.after.goroutines,
      differing: against.groups.filter((g) => g.delta !== 0).map((g) => ({ stack: g.stack.map(frameText), state: g.state, inDump: g.before, inTrace: g.after })),
    },
  };
}

function renderDumpAt(at: DumpAt, against: DumpDiff | null): string {
  const longest = maxStateNs(at);
  const { dump } = at;
  const lines = [`at ${humanDuration(at.timeNs)} of ${humanDuration(at.durationNs)}: ${dump.goroutines} goroutines in ${dump.groups.length} groups` +
    (at.systemGoroutines > 0 ? ` (and ${at.systemGoroutines} runtime goroutines, not shown)` : '')];
  for (const g of dump.groups) {
    lines.push('');
    const states = Object.entries(g.states).sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ×${n}`).join(', ');
    lines.push(`${g.count} goroutine${g.count === 1 ? '' : 's'}: ${states}; longest ${humanDuration(longest.get(g.key) ?? 0)} in its state`);
    for (const f of g.stack) lines.push(`    ${f.func}\n        ${f.file}:${f.line}`);
    for (const [site, n] of Object.entries(g.createdBy)) lines.push(`  created by ${site}${n === g.count ? '' : ` ×${n}`}`);
  }
  if (against) {
    const differing = against.groups.filter((g) => g.delta !== 0);
    lines.push('', `against ${against.before.file} (${against.before.goroutines} goroutines): ` +
      (differing.length === 0 ? 'the same groups, the same counts' : `${differing.length} group${differing.length === 1 ? '' : 's'} differ`));
    for (const g of differing) {
      lines.push(`  dump ${String(g.before).padStart(4)}  trace ${String(g.after).padStart(4)}  ${g.state ?? ''}  ${g.stack.length > 0 ? frameText(g.stack[0]) : '(no stack)'}`);
    }
  }
  return lines.join('\n') + '\n';
}
