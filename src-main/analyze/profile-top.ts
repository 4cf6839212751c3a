// `pprof -top` over a decoded profile: the same rows, header lines, units and rounding as
// `go tool pprof -top [-nodecount=N] [-cum] [-sample_index=T] [-base B]` (Go's vendored pprof:
// driver → report.TextItems → graph), with pprof's default trimming (nodes whose cumulative
// value is below 0.5% of the total are dropped, edges below 0.1% ignored).

import type { Profile, ValueType } from '../decode/pprof/model.ts';
import { profileIndex, sampleIndexByName } from '../decode/pprof/model.ts';
import { buildCallGraph, type CallGraph, functionGraphInput, type FunctionGraphInput, sortNodes } from './profile-graph.ts';
import { pruneFrames } from '../decode/pprof/prune.ts';
import { subtractBase } from './profile-merge.ts';
import { percentage, scaledLabel, scaleValue } from './profile-units.ts';

const NODE_FRACTION = 0.005;
const EDGE_FRACTION = 0.001;

export interface TopOptions {
  /** Sample type name or index ("" or undefined: the profile's default). */
  readonly sampleType?: string;
  /** Rows to keep (0 or undefined: all nodes above the cutoff, as pprof's -top). */
  readonly nodeCount?: number;
  /** Sort by cumulative instead of flat value. */
  readonly cum?: boolean;
  /** A profile to subtract (pprof's -base). */
  readonly base?: Profile;
}

export interface TopRow {
  /** Function name as pprof prints it. */
  readonly name: string;
  /** "inline" when every call to it was inlined, "partial-inline" when some were. */
  readonly inline: 'inline' | 'partial-inline' | null;
  /** Raw values in the sample type's unit. */
  readonly flat: number;
  readonly cum: number;
  /** Running sum of `flat` down to this row. */
  readonly sum: number;
  /** The columns as pprof prints them. */
  readonly flatText: string;
  readonly flatPercent: string;
  readonly sumPercent: string;
  readonly cumText: string;
  readonly cumPercent: string;
}

export interface ProfileTop {
  readonly sampleType: string;
  /** The sample type's unit ("nanoseconds", "bytes", "count"). */
  readonly sampleUnit: string;
  /** The unit the value columns are printed in ("s", "MB", "count"). */
  readonly outputUnit: string;
  /** Sum of |value| over all samples: what the percentages are of. */
  readonly total: number;
  /** Sum of the shown rows' flat values. */
  readonly shownTotal: number;
  /** Nodes dropped by the 0.5% cutoff, and the nodes left after it (before the -n limit). */
  readonly droppedNodes: number;
  readonly nodesAfterCutoff: number;
  /** pprof's header lines (File, Type, Time, Duration, Showing …). */
  readonly header: readonly string[];
  readonly rows: readonly TopRow[];
}

/** A request pprof would refuse (unknown sample type, incompatible base). */
export class TopError extends Error {}

/** The sample type a report is of, as pprof resolves `-sample_index`; throws TopError with pprof's reason. */
function requireSampleIndex(p: Profile, sampleType: string): number {
  const vi = sampleIndexByName(p, sampleType);
  if (p.sampleTypes.length === 0) throw new TopError('profile has no samples');
  if (vi < 0) {
    throw new TopError(/^-?\d+$/.test(sampleType)
      ? `sample_index ${sampleType} is outside the range [0..${p.sampleTypes.length - 1}]`
      : `sample type "${sampleType}" must be one of: ${p.sampleTypes.map((t) => t.type).join(' ')}`);
  }
  return vi;
}

function sampleTotal(p: Profile, vi: number): number {
  let total = 0;
  for (const s of p.samples) total += Math.abs(s.values[vi]);
  return total;
}

/** What every report of a profile starts from (pprof's driver before it builds a graph). */
export interface ReportInput {
  /** The profile as pprof reports it: minus the base, with drop_frames/keep_frames applied. */
  readonly profile: Profile;
  /** The sample type reported on, and its index in every sample's values. */
  readonly valueIndex: number;
  readonly sampleType: ValueType;
  /** Sum of |value| over all samples: what pprof's percentages are of. */
  readonly total: number;
  /** The samples as function nodes. */
  readonly functions: FunctionGraphInput;
}

/** Throws TopError for an unknown sample type, IncompatibleProfiles for a base pprof refuses. */
export function reportInput(profile: Profile, sampleType: string, base: Profile | undefined): ReportInput {
  let p = base ? subtractBase(profile, base) : profile;
  p = pruneFrames(p);
  const vi = requireSampleIndex(p, sampleType);
  return { profile: p, valueIndex: vi, sampleType: p.sampleTypes[vi], total: sampleTotal(p, vi), functions: functionGraphInput(p, profileIndex(p)) };
}

export function profileTop(profile: Profile, options: TopOptions = {}): ProfileTop {
  const { profile: p, valueIndex: vi, sampleType, total, functions: fn } = reportInput(profile, options.sampleType ?? '', options.base);
  const weights = new Float64Array(p.samples.length);
  p.samples.forEach((s, i) => (weights[i] = s.values[vi]));
  const nodeCount = fn.names.length;
  const keptSet = (nodes: readonly number[]) => {
    const kept = new Uint8Array(nodeCount);
    for (const n of nodes) kept[n] = 1;
    return kept;
  };
  let g: CallGraph = buildCallGraph(fn, weights, null, false);
  let flatSum = 0;
  for (const n of g.nodes) flatSum += g.flat[n];
  const nodeCutoff = Math.abs(Math.trunc(flatSum * NODE_FRACTION));
  const edgeCutoff = Math.abs(Math.trunc(flatSum * EDGE_FRACTION));
  let droppedNodes = 0;
  let kept: Uint8Array | null = null;
  if (nodeCutoff > 0) {
    const above = g.nodes.filter((n) => Math.abs(g.cum[n]) >= nodeCutoff);
    if (above.length !== g.nodes.length) {
      droppedNodes = g.nodes.length - above.length;
      kept = keptSet(above);
      g = buildCallGraph(fn, weights, kept, false);
    }
  }
  const nodesAfterCutoff = g.nodes.length;
  sortNodes(g, fn, options.cum === true);
  const limit = options.nodeCount ?? 0;
  if (limit > 0 && limit < g.nodes.length) {
    kept = keptSet(g.nodes.slice(0, limit));
    g = buildCallGraph(fn, weights, kept, false);
    sortNodes(g, fn, options.cum === true);
  }

  // Inline markers come from the calls into a node, in the graph of the shown nodes, that survive
  // the edge cutoff.
  const inlineIn = new Uint8Array(nodeCount);
  const directIn = new Uint8Array(nodeCount);
  for (const e of buildCallGraph(fn, weights, kept, true).edges) {
    if (Math.abs(e.weight) < edgeCutoff) continue;
    if (e.inline) inlineIn[e.callee] = 1;
    else directIn[e.callee] = 1;
  }

  const outputUnit = selectOutputUnit(g.nodes, g.flat, g.cum, total, sampleType.unit);
  const format = (v: number) => scaledLabel(v, sampleType.unit, outputUnit);
  let sum = 0;
  const rows: TopRow[] = g.nodes.map((n) => {
    const flat = g.flat[n];
    const cum = g.cum[n];
    sum += flat;
    return {
      name: fn.names[n],
      inline: inlineIn[n] ? (directIn[n] ? 'partial-inline' : 'inline') : null,
      flat, cum, sum,
      flatText: format(flat),
      flatPercent: percentage(flat, total),
      sumPercent: percentage(sum, total),
      cumText: format(cum),
      cumPercent: percentage(cum, total),
    };
  });
  const shownTotal = sum;

  const header = [...profileLabels(p, sampleType.type, sampleType.unit, total, format)];
  header.push(`Showing nodes accounting for ${format(shownTotal)}, ${percentage(shownTotal, total).trim()} of ${format(total)} total`);
  if (total !== 0) {
    if (droppedNodes > 0) {
      header.push(`Dropped ${droppedNodes} node${droppedNodes > 1 ? 's' : ''} (cum <= ${format(Math.abs(Math.trunc(total * NODE_FRACTION)))})`);
    }
    if (rows.length > 0 && rows.length < nodesAfterCutoff) header.push(`Showing top ${rows.length} nodes out of ${nodesAfterCutoff}`);
  }
  return {
    sampleType: sampleType.type, sampleUnit: sampleType.unit, outputUnit,
    total, shownTotal, droppedNodes, nodesAfterCutoff, header, rows,
  };
}

/**
 * pprof's choice of one unit for all rows: the unit of the smallest non-zero value, unless the
 * total needs a larger one and the smallest is under 1% of it.
 */
function selectOutputUnit(nodes: readonly number[], flat: ArrayLike<number>, cum: ArrayLike<number>, total: number, sampleUnit: string): string {
  if (nodes.length === 0) return 'minimum';
  let minValue = 0;
  for (const n of nodes) {
    let v = Math.abs(flat[n]);
    if (v === 0) v = Math.abs(cum[n]);
    if (v > 0 && (minValue === 0 || v < minValue)) minValue = v;
  }
  const maxValue = total;
  if (minValue === 0) minValue = maxValue;
  const minUnit = scaleValue(minValue, sampleUnit, 'minimum')[1];
  const maxUnit = scaleValue(maxValue, sampleUnit, 'minimum')[1];
  let unit = minUnit;
  if (minUnit !== maxUnit && minValue * 100 < maxValue) unit = scaleValue(100 * minValue, sampleUnit, 'minimum')[1];
  return unit !== '' ? unit : sampleUnit;
}

/**
 * The unit `pprof -top` (without -nodecount) prints a profile's values in, from every function's
 * flat and cum value (arrays indexed by function): the 0.5% cutoff applied, then pprof's choice.
 * Other reports (the flame graph) use it to print values as the top table does.
 */
export function topOutputUnit(flat: ArrayLike<number>, cum: ArrayLike<number>, total: number, sampleUnit: string): string {
  const nonZero: number[] = [];
  let flatSum = 0;
  for (let n = 0; n < flat.length; n++) {
    if (flat[n] === 0 && cum[n] === 0) continue;
    nonZero.push(n);
    flatSum += flat[n];
  }
  const cutoff = Math.abs(Math.trunc(flatSum * NODE_FRACTION));
  const kept = cutoff > 0 ? nonZero.filter((n) => Math.abs(cum[n]) >= cutoff) : nonZero;
  return selectOutputUnit(kept, flat, cum, total, sampleUnit);
}

/** The lines pprof prints about the profile itself (report.ProfileLabels). */
function profileLabels(p: Profile, type: string, unit: string, total: number, format: (v: number) => string): string[] {
  const lines: string[] = [];
  const main = p.mappings[0];
  if (main) {
    if (main.filename !== '') lines.push(`File: ${main.filename.slice(main.filename.lastIndexOf('/') + 1)}`);
    if (main.buildId !== '') lines.push(`Build ID: ${main.buildId}`);
  }
  for (const c of p.comments) if (!c.startsWith('#')) lines.push(c);
  lines.push(`Type: ${type}`);
  if (p.docUrl !== '') lines.push(`Doc: ${p.docUrl}`);
  if (p.timeNanos !== 0) lines.push(`Time: ${formatGoTime(p.timeNanos)}`);
  if (p.durationNanos !== 0) {
    const duration = scaledLabel(p.durationNanos, 'nanoseconds', 'auto');
    const [totalNanos, totalUnit] = scaleValue(total, unit, 'nanoseconds');
    const ratio = totalUnit === 'ns' && totalNanos !== 0 ? `(${percentage(Math.trunc(totalNanos), p.durationNanos)})` : '';
    lines.push(`Duration: ${duration}, Total samples = ${format(total)} ${ratio}`);
  }
  return lines;
}

/**
 * Unix ns as Go's "2006-01-02 15:04:05 MST" in the local time zone. Go prints the tz database's
 * abbreviation; ICU knows the American ones in en-US and the European ones in en-GB, and writes
 * "GMT+9" where Go writes "JST" for the rest.
 */
function formatGoTime(unixNanos: number): string {
  const d = new Date(Math.floor(unixNanos / 1e6));
  const two = (n: number) => String(n).padStart(2, '0');
  const zoneIn = (locale: string) => new Intl.DateTimeFormat(locale, { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? '';
  let zone = zoneIn('en-US');
  if (/^GMT[+-]/.test(zone)) {
    const european = zoneIn('en-GB');
    if (!/^GMT[+-]/.test(european)) zone = european;
  }
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${zone}`;
}

/** The report exactly as `go tool pprof -top` prints it. */
export function renderTop(top: ProfileTop): string {
  const out = [...top.header, `${'flat'.padStart(10)} ${'flat'.padStart(5)}% ${'sum'.padStart(5)}% ${'cum'.padStart(10)} ${'cum'.padStart(5)}%`];
  for (const r of top.rows) {
    const inline = r.inline ? ` (${r.inline})` : '';
    out.push(`${r.flatText.padStart(10)} ${r.flatPercent} ${r.sumPercent} ${r.cumText.padStart(10)} ${r.cumPercent}  ${r.name}${inline}`);
  }
  return out.join('\n') + '\n';
}
