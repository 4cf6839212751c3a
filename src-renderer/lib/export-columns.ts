// The columns each table exports (TableExport): the service's values raw, keyed as the service
// names them in JSON, with the unit in the CSV header (ns as integers, bytes), so that a CSV
// equals what `goroscope … --json` and the API give.

import type {
  BlockingSite, GcCycle, GcPause, GoroutineGroup, GoroutineGroupStats, GoroutineRow, GroupDelta, LeakGroup, StackFrameInfo, TimelineRangeStats,
  TopRow, TraceComparison, TriageSuspect,
} from '../../src-main/service/types.ts';
import type { ExportColumn } from './export-table.ts';

/** "func file:line" per frame, innermost first (as `goroscope … --json` writes stacks). */
export const frameLines = (stack: readonly Pick<StackFrameInfo, 'func' | 'file' | 'line'>[]): string[] => stack.map((f) => `${f.func} ${f.file}:${f.line}`);

/** A column of a numeric or text field, its CSV header the key in snake case ("totalNs" → "total_ns"). */
function field<T, K extends keyof T & string>(key: K): ExportColumn<T> {
  return { key, header: key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase(), value: (r) => r[key] as string | number | boolean | null };
}

export const GOROUTINE_EXPORT: ExportColumn<GoroutineRow>[] = [
  field('id'), field('name'), field('createdNs'), field('creator'), field('startNs'), field('endNs'), field('lastState'), field('lastReason'),
  field('runningNs'), field('runnableNs'), field('waitingNs'), field('syscallNs'),
];

export const BLOCKING_EXPORT: ExportColumn<BlockingSite>[] = [
  field('reason'), field('site'), field('count'), field('totalNs'), field('maxNs'), field('p50Ns'), field('p99Ns'),
  { key: 'unblockedBy', header: 'unblocked_by', value: (s) => s.unblockedBy.map((u) => `${u.site} (${u.count})`) },
  { key: 'stack', value: (s) => frameLines(s.stack) },
];

export const LEAK_EXPORT: ExportColumn<LeakGroup>[] = [
  field('state'), field('reason'), field('count'), field('site'), field('name'), field('maxBlockedNs'), field('oldestSinceNs'), field('newestSinceNs'),
  field('growth'), field('releases'), field('lastReleaseNs'), field('system'), field('forever'),
  { key: 'sampleIds', header: 'sample_ids', value: (g) => g.sampleIds.map(String) },
  field('explanation'), { key: 'stack', value: (g) => frameLines(g.stack) },
];

export const GC_CYCLE_EXPORT: ExportColumn<GcCycle>[] = [
  field('startNs'), field('markStartNs'), field('markEndNs'), field('endNs'), field('markNs'), field('sweepTerminationNs'), field('markTerminationNs'),
  field('assistNs'), field('heapBeforeBytes'),
  field('heapAfterBytes'), field('heapGoalBytes'), field('impliedGogc'), field('trigger'), field('gcCpuFraction'),
  { key: 'assists', value: (c) => c.assists.map((a) => `G${a.goroutine} ${a.name} ${a.ns} ns ×${a.count}`) },
];

export const GC_PAUSE_EXPORT: ExportColumn<GcPause>[] = [field('kind'), field('startNs'), field('endNs'), field('durationNs'), field('gc'), field('cycle')];

export const TOP_EXPORT: ExportColumn<TopRow>[] = [
  field('name'), field('inline'), field('flat'), field('flatPercent'), field('sum'), field('sumPercent'), field('cum'), field('cumPercent'),
];

export const DUMP_GROUP_EXPORT: ExportColumn<GoroutineGroup>[] = [
  field('count'), { key: 'states', value: (g) => Object.entries(g.states).map(([s, n]) => `${s} ×${n}`) }, field('maxWaitMinutes'),
  field('lockedToThread'), field('leaked'), field('provenLeak'),
  { key: 'createdBy', header: 'created_by', value: (g) => Object.entries(g.createdBy).map(([s, n]) => `${s} ×${n}`) },
  { key: 'sampleIds', header: 'sample_ids', value: (g) => g.sampleIds.map(String) },
  { key: 'stack', value: (g) => frameLines(g.stack) },
];

export const DUMP_DIFF_EXPORT: ExportColumn<GroupDelta>[] = [
  field('change'), field('before'), field('after'), field('delta'), field('state'), field('maxWaitMinutes'), field('longWait'), field('provenLeak'),
  { key: 'stack', value: (g) => frameLines(g.stack) },
];

/** A triage's suspects with the fields of `goroscope triage --json` (evidence flattened). */
export const TRIAGE_EXPORT: ExportColumn<TriageSuspect>[] = [
  field('confidence'), field('goroutines'), field('pattern'), field('reason'), field('site'), field('creationSite'),
  { key: 'leakProfile', header: 'leak_profile', value: (s) => s.evidence.leakProfile },
  { key: 'dumpLeaked', header: 'dump_leaked', value: (s) => s.evidence.dumpLeaked },
  { key: 'traceBlockedAtEnd', header: 'trace_blocked_at_end', value: (s) => s.evidence.traceBlockedAtEnd },
  { key: 'traceMaxBlockedNs', header: 'trace_max_blocked_ns', value: (s) => s.evidence.traceMaxBlockedNs },
  { key: 'dumpGrowth', header: 'dump_growth', value: (s) => s.evidence.dumpGrowth?.counts.map(String) ?? null },
  field('explanation'), { key: 'stack', value: (s) => frameLines(s.stack) },
];

/** An SQL result's columns as they came (values raw; objects, i.e. blobs, as JSON). */
export function sqlExport(columns: readonly string[]): ExportColumn<unknown[]>[] {
  return columns.map((c, i) => ({
    key: c, value: (row) => {
      const v = row[i];
      return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
    },
  }));
}

/** The goroutines grouped by start function (goroutineGroups), as `goroscope goroutines TRACE --by start --json` gives them; blocked time by reason as "reason ns" lines. */
export const GOROUTINE_GROUP_STATS_EXPORT: ExportColumn<GoroutineGroupStats>[] = [
  field('name'), field('count'), field('totalNs'), field('execNs'), field('gcAssistNs'), field('schedWaitNs'), field('syscallNs'),
  { key: 'blockedNs', header: 'blocked_ns', value: (g) => Object.values(g.blockNsByReason).reduce((a, b) => a + b, 0) },
  { key: 'blockNsByReason', header: 'block_ns_by_reason', value: (g) => Object.entries(g.blockNsByReason).map(([r, ns]) => `${r || '(none)'} ${ns}`) },
  field('unknownNs'),
];

/** A trace comparison's tables (compareTraces), as `goroscope compare --json` names their fields. */
export const COMPARE_SITES_EXPORT: ExportColumn<TraceComparison['sites'][number]>[] = [field('site'), field('a'), field('b'), field('change')];
export const COMPARE_REASONS_EXPORT: ExportColumn<TraceComparison['reasons'][number]>[] = [field('reason'), field('aNs'), field('bNs'), field('change')];
export const COMPARE_BLOCKING_EXPORT: ExportColumn<TraceComparison['blockingSites'][number]>[] = [
  field('reason'), field('site'), field('aNs'), field('bNs'), field('change'),
];

/** The timeline's range statistics (timelineRangeStats): Waiting by reason, goroutines by name, top blocking sites. */
export const RANGE_REASONS_EXPORT: ExportColumn<TimelineRangeStats['waitingByReason'][number]>[] = [field('reason'), field('ns')];
export const RANGE_NAMES_EXPORT: ExportColumn<TimelineRangeStats['goroutinesByName'][number]>[] = [field('name'), field('count'), field('runningNs')];
export const RANGE_BLOCKING_EXPORT: ExportColumn<TimelineRangeStats['blockingSites'][number]>[] = [field('reason'), field('site'), field('ns'), field('count')];
