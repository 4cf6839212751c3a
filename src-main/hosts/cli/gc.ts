// `goroscope gc TRACE|ARTEFACT`: a trace's GC cycles, pauses and minimum mutator utilisation,
// indexing the file into the library first when it is not there yet.

import { humanDuration } from '../../service/trace-answers.ts';
import type { GcReport } from '../../service/types.ts';
import { UsageError } from './output.ts';
import { parseDurationNs } from './units.ts';
import { withTrace } from './trace-answers.ts';

export const gcUsage = `usage: goroscope gc TRACE|ARTEFACT [--window DURATION] [--json] [--library DIR]

The garbage collector of a trace: every cycle (start, mark phase, the sweep-termination and
mark-termination pauses, mark assists and the goroutines that paid them, heap before and after,
heap goal, implied GOGC, the CPU the collector took), the stop-the-world pauses with p50/p90/p99/max,
and the minimum mutator utilisation (MMU) as go tool trace's /mmu page computes it (STW,
background workers, mark assists), with the worst windows of --window (default 10ms; ns, µs/us,
ms, s suffixes).
  --json  {"durationNs", "gomaxprocs", "cycles": [...], "pauses": [{"kind", "startNs", "endNs",
          "durationNs", "gc", "cycle"}], "pausePercentiles": {"count", "p50Ns", "p90Ns", "p99Ns",
          "maxNs"}, "pauseHistogram", "mmu": {"flags", "xMinNs", "xMaxNs", "points": [[windowNs, mmu]]},
          "worst": {"windowNs", "windows": [{"startNs", "endNs", "util"}]}, "whatIf", "notes"}
Times are ns since the trace's first event. A TRACE file not yet in the library is indexed first.`;

/** A duration such as "10ms", "500us", "2s" or "1000" (ns), in ns. */
export function parseDuration(text: string): number {
  const ns = parseDurationNs(text);
  if (ns === null || ns < 1) throw new UsageError(`--window must be a duration such as 10ms, 500us or 1s, got "${text}"`);
  return ns;
}

export async function gcCommand(argv: string[]): Promise<number> {
  return withTrace(argv, ['window'], async (service, hash, json, options) => {
    const w = options.get('window');
    const report = await service.gc(hash, w === undefined ? undefined : parseDuration(w));
    return json ? JSON.stringify(report, null, 2) + '\n' : renderGc(report);
  });
}

const pct = (f: number | null) => (f === null ? '' : `${(f * 100).toFixed(1)}%`);
const mb = (b: number | null) => (b === null ? '' : `${(b / (1 << 20)).toFixed(1)}M`);

function renderGc(r: GcReport): string {
  const p = r.pausePercentiles;
  const lines = [
    `${r.cycles.length} GC cycles in ${humanDuration(r.durationNs)}` + (r.gomaxprocs ? `, GOMAXPROCS ${r.gomaxprocs}` : '') +
      (r.gcCpuFraction !== null ? `, GC took ${pct(r.gcCpuFraction)} of the CPU` : ''),
    `GC pauses: ${p.count}, total ${humanDuration(p.totalNs)}; p50 ${humanDuration(p.p50Ns)}, p90 ${humanDuration(p.p90Ns)}, ` +
      `p99 ${humanDuration(p.p99Ns)}, max ${humanDuration(p.maxNs)}`,
  ];
  if (r.cycles.length > 0) {
    lines.push('', `${'start'.padStart(10)} ${'mark'.padStart(9)} ${'sweepSTW'.padStart(9)} ${'markSTW'.padStart(9)} ${'assist'.padStart(9)} ` +
      `${'before'.padStart(8)} ${'after'.padStart(8)} ${'goal'.padStart(8)} ${'GOGC~'.padStart(6)} ${'GC CPU'.padStart(7)}  trigger`);
    for (const c of r.cycles) {
      const d = (ns: number | null) => (ns === null ? '' : humanDuration(ns));
      lines.push(`${d(c.startNs).padStart(10)} ${d(c.markNs).padStart(9)} ${d(c.sweepTerminationNs).padStart(9)} ${d(c.markTerminationNs).padStart(9)} ` +
        `${d(c.assistNs).padStart(9)} ${mb(c.heapBeforeBytes).padStart(8)} ${mb(c.heapAfterBytes).padStart(8)} ${mb(c.heapGoalBytes).padStart(8)} ` +
        `${(c.impliedGogc === null ? '' : String(c.impliedGogc)).padStart(6)} ${pct(c.gcCpuFraction).padStart(7)}  ${c.trigger}`);
    }
  }
  if (r.mmu) {
    lines.push('', `MMU (go tool trace's /mmu, ${r.mmu.flags}):`);
    for (const [w, mmu] of r.mmu.points.filter((_, i) => i % 11 === 0 || i === r.mmu!.points.length - 1)) {
      lines.push(`  ${humanDuration(w).padStart(10)}  ${mmu.toFixed(3)}`);
    }
    lines.push('', `Worst ${humanDuration(r.worst.windowNs)} windows:`);
    for (const w of r.worst.windows) lines.push(`  ${w.util.toFixed(3)} at ${humanDuration(w.startNs)}`);
  }
  if (r.whatIf) {
    const wi = r.whatIf;
    lines.push('', `What if (an estimate from this trace: ${mb(wi.allocBytesPerSec)}/s allocated, live heap ${mb(wi.liveHeapBytes)}` +
      `${wi.impliedGogc !== null ? `, implied GOGC ${wi.impliedGogc}` : ''}, ${wi.observedCyclesPerSec.toFixed(1)} heap-goal cycles/s):`);
    for (const s of wi.scenarios) lines.push(`  ${s.setting.padEnd(32)} ${s.cyclesPerSec.toFixed(1).padStart(8)} cycles/s, heap peak ${mb(s.heapPeakBytes)}`);
  }
  lines.push('', ...r.notes.map((n) => `note: ${n}`));
  return lines.join('\n') + '\n';
}
