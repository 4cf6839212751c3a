// `goroscope compare A B [--json]`: two traces, or two windows of traces (FILE@T0..T1), side by
// side with what changed from A to B (service/trace-compare.ts).

import { humanDuration } from '../../service/trace-answers.ts';
import type { CompareSide, GcPausePercentiles, TraceComparison } from '../../service/types.ts';
import { parseArgs } from './args.ts';
import { EXIT_BAD_INPUT, Output, UsageError } from './output.ts';
import { libraryArtefact, withLibrary } from './trace-answers.ts';
import { parseDurationNs } from './units.ts';

export const compareUsage = `usage: goroscope compare A B [--json] [--library DIR]

Two execution traces side by side — before and after a deploy, two Go versions — or two windows
of traces: A and B are each a TRACE file or ARTEFACT, optionally with a window FILE@T0..T1 (times
since the trace's first event: 1.5s, 935ms, 200us or ns). For each: goroutines by creation site,
goroutine time by state and Waiting time by reason, the top blocking sites, scheduler latency
(Runnable waits) and GC pause percentiles, and the MMU (whole traces); then what changed from A to
B: creation sites new, gone, grown or shrunk, and the reasons and blocking sites that changed most.
  --json  {"a": {...}, "b": {...}, "sites": [{"site", "a", "b", "change"}], "reasons": [{"reason",
          "aNs", "bNs", "change"}], "blockingSites": [{"reason", "site", "aNs", "bNs", "change"}]}
A TRACE file not yet in the library is indexed first.`;

/** "FILE@T0..T1" → the file and the window; anything else → the reference alone. */
export function parseSide(text: string): { ref: string; t0?: number; t1?: number } {
  const m = /^(.+)@([^@/]+)\.\.([^@/]+)$/.exec(text);
  if (!m) return { ref: text };
  const t0 = parseDurationNs(m[2]);
  const t1 = parseDurationNs(m[3]);
  if (t0 === null || t1 === null) throw new UsageError(`"${text}": a window is FILE@T0..T1 with times such as 1.5s, 935ms or 1000 (ns)`);
  if (!(t1 > t0)) throw new UsageError(`"${text}": the window must end after it begins`);
  return { ref: m[1], t0, t1 };
}

export async function compareCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { flags: ['json'], valued: ['library'] });
  if (args.positional.length !== 2) throw new UsageError('compare needs two traces or windows, A and B (see goroscope help compare)');
  const [a, b] = args.positional.map(parseSide);
  return withLibrary(args.options.get('library'), async (service, lib) => {
    let damaged = false;
    const side = (s: { ref: string; t0?: number; t1?: number }): CompareSide => {
      const r = libraryArtefact(lib, s.ref);
      damaged ||= r.damaged;
      return { ...s, ref: r.hash };
    };
    const result = await service.compareTraces(side(a), side(b));
    const out = new Output();
    await out.write(args.flags.has('json') ? JSON.stringify(result, null, 2) + '\n' : renderComparison(result));
    await out.flush();
    return damaged ? EXIT_BAD_INPUT : 0;
  });
}

const pct = (p: GcPausePercentiles) => (p.count === 0 ? 'none' : `${p.count}: p50 ${humanDuration(p.p50Ns)}, p90 ${humanDuration(p.p90Ns)}, p99 ${humanDuration(p.p99Ns)}, max ${humanDuration(p.maxNs)}`);
const mark = (change: string) => ({ new: '+ new', gone: '- gone', grew: '↑', shrank: '↓', same: '' })[change] ?? '';

function renderComparison(c: TraceComparison): string {
  const lines: string[] = [];
  for (const [label, s] of [['A', c.a], ['B', c.b]] as const) {
    lines.push(`${label}: ${s.name}, ${humanDuration(s.durationNs)}, ${s.goroutines} goroutines`);
    lines.push(`   scheduler latency ${pct(s.schedLatency)}`);
    lines.push(`   GC pauses ${pct(s.gcPauses)}`);
    if (s.mmu) lines.push(`   MMU ${s.mmu.map((m) => `${humanDuration(m.windowNs)} ${m.mmu === null ? '?' : m.mmu.toFixed(3)}`).join(', ')}`);
  }
  lines.push('', 'goroutines by creation site (A → B):');
  for (const s of c.sites.filter((x) => x.change !== 'same').slice(0, 20)) lines.push(`${String(s.a).padStart(8)} → ${String(s.b).padEnd(8)} ${mark(s.change).padEnd(6)} ${s.site}`);
  if (c.sites.every((x) => x.change === 'same')) lines.push('   the same sites, the same counts');
  lines.push('', 'Waiting time by reason (A → B):');
  for (const r of c.reasons.slice(0, 12)) lines.push(`${humanDuration(r.aNs).padStart(10)} → ${humanDuration(r.bNs).padEnd(10)} ${mark(r.change).padEnd(6)} ${r.reason || '(no reason)'}`);
  lines.push('', 'blocking sites that changed most (A → B):');
  for (const s of c.blockingSites.slice(0, 10)) lines.push(`${humanDuration(s.aNs).padStart(10)} → ${humanDuration(s.bNs).padEnd(10)} ${mark(s.change).padEnd(6)} ${s.reason}  ${s.site}`);
  return lines.join('\n') + '\n';
}
