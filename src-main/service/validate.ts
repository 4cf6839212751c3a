// Argument validation at the service boundary. The service checks its own arguments with these,
// and both hosts that take calls from a page (Electron IPC, `goroscope serve`) pass what they
// receive through one table, HOST_ARGUMENTS, before calling it: so the two accept and refuse
// exactly the same requests, with the same one-line messages. Request objects are rebuilt from
// their known own fields only (extra or inherited keys never pass through).

import * as path from 'node:path';
import { GO_STATES } from '../index/schema.ts';
import { BLOCKING_KIND_NAMES, type ArtefactChange, type BlockingKind } from './types.ts';

/** Longest artefact label (the library's MAX_LABEL_LENGTH; the library is not imported here). */
const MAX_LABEL_LENGTH = 200;
import { artefactRefs, goroutineIds } from './report-validate.ts';
import { timeArgument, timelineAnnotationsRequest, timelineEdgesRequest, timelineLanesRequest, timelineSearchRequest } from './timeline-validate.ts';
import type {
  CompareSide, GoroscopeApi, GoroutineListRequest, GoroutineSortKey, ProfileFlameRequest, ProfileTopRequest, QueryRequest, TimelineRequest,
} from './types.ts';

export class InvalidArgument extends Error {}

/** A kind of error a lower layer throws when what it was asked for cannot be (an unknown sample type, a label too long). */
export type RequestErrorKind = abstract new (...args: never[]) => Error;

/** `run()`, with an error of one of `kinds` thrown again as InvalidArgument: the request's fault, not the service's. */
export function refusingAsInvalid<T>(kinds: readonly RequestErrorKind[], run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (kinds.some((kind) => e instanceof kind)) throw new InvalidArgument((e as Error).message);
    throw e;
  }
}

/** Longest path or artefact reference accepted. */
const MAX_PATH = 4096;
/** Most goroutine rows a timeline request may ask for. */
export const MAX_TIMELINE_ROWS = 2_000;

export function finiteNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidArgument(`${name} must be a finite number`);
  return v;
}

export function integer(name: string, v: unknown, min = -Infinity, max = Infinity): number {
  const n = finiteNumber(name, v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgument(`${name} must be an integer in [${min}, ${max}]`);
  return n;
}

export function text(name: string, v: unknown, maxLength = 100_000): string {
  if (typeof v !== 'string' || v.length > maxLength) throw new InvalidArgument(`${name} must be a string of at most ${maxLength} characters`);
  return v;
}

export function boolean(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new InvalidArgument(`${name} must be true or false`);
  return v;
}

export function optional<T>(v: unknown, check: (v: unknown) => T): T | undefined {
  return v === undefined || v === null ? undefined : check(v);
}

export function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new InvalidArgument(`${name} must be one of ${allowed.join(', ')}`);
  return v as T;
}

export function window(t0: unknown, t1: unknown): [number, number] {
  const a = finiteNumber('t0', t0);
  const b = finiteNumber('t1', t1);
  if (!(b > a)) throw new InvalidArgument('t1 must be greater than t0');
  return [a, b];
}

/** A share of a whole, in [0, 1]. */
export function fraction(name: string, v: unknown): number {
  const n = finiteNumber(name, v);
  if (n < 0 || n > 1) throw new InvalidArgument(`${name} must be a number in [0, 1]`);
  return n;
}

/** An artefact reference: a content hash, a unique hash prefix or an indexed file's path. */
export function artefactRef(v: unknown, name = 'artefact'): string {
  const ref = text(name, v, MAX_PATH);
  if (ref.length === 0) throw new InvalidArgument(`${name} must not be empty`);
  if (ref.includes('\0')) throw new InvalidArgument(`${name} must not contain NUL characters`);
  return ref;
}

/** A file on this machine, no NUL bytes (which the file system APIs would cut the path at). */
export function filePath(name: string, v: unknown): string {
  const p = text(name, v, MAX_PATH);
  if (p.length === 0) throw new InvalidArgument(`${name} must not be empty`);
  if (p.includes('\0')) throw new InvalidArgument(`${name} must not contain NUL characters`);
  return p;
}

/** A file to index for a host: an absolute path (a host's working directory means nothing to its page), no NUL bytes. */
export function absolutePath(name: string, v: unknown): string {
  const p = filePath(name, v);
  if (!path.isAbsolute(p)) throw new InvalidArgument(`${name} must be an absolute path`);
  return p;
}

/** An index job's ID, as IndexJobs hands them out. */
export function jobId(v: unknown): string {
  const id = text('jobId', v, 100);
  if (!/^[\w-]+$/.test(id)) throw new InvalidArgument('jobId must be a job ID');
  return id;
}

/** A plain object (not an array, not null, not a class instance) whose own fields are read. */
export function plainObject(name: string, v: unknown): Readonly<Record<string, unknown>> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidArgument(`${name} must be an object`);
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) throw new InvalidArgument(`${name} must be a plain object`);
  return v as Record<string, unknown>;
}

/** A request object's own field (never one it inherits). */
export function field(o: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** Sets `req[key]` to `o`'s own field `key`, checked, when the field is there (absent, undefined and null leave it unset). */
export function copyOptional<R, K extends keyof R & string>(req: R, o: Readonly<Record<string, unknown>>, key: K, check: (v: unknown) => R[K]): void {
  const v = optional(field(o, key), check);
  if (v !== undefined) req[key] = v;
}

/** The goroutine IDs of a request for the rows in view: at most MAX_TIMELINE_ROWS. */
export function timelineGoroutines(v: unknown): number[] {
  if (!Array.isArray(v) || v.length > MAX_TIMELINE_ROWS) {
    throw new InvalidArgument(`goroutines must be an array of at most ${MAX_TIMELINE_ROWS} IDs`);
  }
  return v.map((g: unknown, i) => integer(`goroutines[${i}]`, g, 0));
}

function optionalBoolean(name: string, v: unknown): boolean | undefined {
  return optional(v, (b) => boolean(name, b));
}

export function timelineRequest(v: unknown): TimelineRequest {
  const o = plainObject('timeline request', v);
  const [t0, t1] = window(field(o, 't0'), field(o, 't1'));
  return {
    artefact: artefactRef(field(o, 'artefact')),
    t0, t1,
    goroutines: timelineGoroutines(field(o, 'goroutines')),
    widthPx: integer('widthPx', field(o, 'widthPx'), 1, 100_000),
  };
}

const SORT_KEYS: Record<GoroutineSortKey, true> = {
  id: true, name: true, startNs: true, endNs: true, runningNs: true, waitingNs: true, runnableNs: true, syscallNs: true,
};

export function goroutineListRequest(v: unknown): GoroutineListRequest {
  const o = plainObject('goroutine list request', v);
  const req: GoroutineListRequest = { artefact: artefactRef(field(o, 'artefact')) };
  copyOptional(req, o, 'sort', (s) => oneOf('sort', s, Object.keys(SORT_KEYS) as GoroutineSortKey[]));
  copyOptional(req, o, 'descending', (b) => boolean('descending', b));
  copyOptional(req, o, 'state', (s) => oneOf('state', s, GO_STATES));
  copyOptional(req, o, 'reason', (s) => text('reason', s, 1000));
  copyOptional(req, o, 'nameContains', (s) => text('nameContains', s, 1000));
  copyOptional(req, o, 'aliveAtEnd', (b) => boolean('aliveAtEnd', b));
  copyOptional(req, o, 'offset', (n) => integer('offset', n, 0));
  copyOptional(req, o, 'limit', (n) => integer('limit', n, 1, 10_000));
  return req;
}

export function queryRequest(v: unknown): QueryRequest {
  const o = plainObject('query request', v);
  const req: QueryRequest = { artefact: artefactRef(field(o, 'artefact')), sql: text('sql', field(o, 'sql'), 100_000) };
  copyOptional(req, o, 'rowLimit', (n) => integer('rowLimit', n, 1, 100_000));
  copyOptional(req, o, 'timeLimitMs', (n) => integer('timeLimitMs', n, 1, 60_000));
  return req;
}

export function profileTopRequest(v: unknown): ProfileTopRequest {
  const o = plainObject('profile top request', v);
  const req: ProfileTopRequest = { artefact: artefactRef(field(o, 'artefact')) };
  copyOptional(req, o, 'sampleType', (s) => text('sampleType', s, 200));
  copyOptional(req, o, 'n', (x) => integer('n', x, 0, 100_000));
  copyOptional(req, o, 'cum', (b) => boolean('cum', b));
  copyOptional(req, o, 'base', (b) => artefactRef(b, 'base'));
  return req;
}

export function profileFlameRequest(v: unknown): ProfileFlameRequest {
  const o = plainObject('profile flame request', v);
  const req: ProfileFlameRequest = { artefact: artefactRef(field(o, 'artefact')) };
  copyOptional(req, o, 'sampleType', (s) => text('sampleType', s, 200));
  copyOptional(req, o, 'base', (b) => artefactRef(b, 'base'));
  copyOptional(req, o, 'minFraction', (x) => fraction('minFraction', x));
  return req;
}

/** A label of at most MAX_LABEL_LENGTH characters, and/or opened: true. */
export function artefactChange(v: unknown): ArtefactChange {
  const o = plainObject('change', v);
  for (const key of Object.keys(o)) if (key !== 'label' && key !== 'opened') throw new InvalidArgument(`change has no field ${key} (label, opened)`);
  const label = optional(field(o, 'label'), (l) => text('label', l, MAX_LABEL_LENGTH));
  const opened = optionalBoolean('opened', field(o, 'opened'));
  if (label === undefined && opened === undefined) throw new InvalidArgument('change must set label or opened');
  return { label, opened };
}

/** Most points a metric or goroutine-count series may be asked for. */
export const MAX_SERIES_POINTS = 100_000;

/** How many points a series is reduced to: 2 to MAX_SERIES_POINTS. */
export function seriesPoints(v: unknown): number {
  return integer('maxPoints', v, 2, MAX_SERIES_POINTS);
}

/** A runtime/metrics name, as the trace's metric events carry it. */
export function metricName(v: unknown): string {
  return text('name', v, 1000);
}

export function blockingKind(v: unknown): BlockingKind {
  return oneOf('kind', v, BLOCKING_KIND_NAMES);
}

/** The GC report's MMU window in ns (absent: its default; null is refused like any non-number). */
export function gcWindowNs(v: unknown): number | undefined {
  return v === undefined ? undefined : integer('windowNs', v, 1, Number.MAX_SAFE_INTEGER);
}

/** `args` when it has `required` to `required + optionals` arguments (a host passes exactly what its page gave). */
function arity(method: string, args: readonly unknown[], required: number, optionals = 0): readonly unknown[] {
  if (args.length < required || args.length > required + optionals) {
    const n = optionals === 0 ? `${required}` : `${required} to ${required + optionals}`;
    throw new InvalidArgument(`${method} takes ${n} argument${n === '1' ? '' : 's'}, got ${args.length}`);
  }
  return args;
}

type ArgumentParsers = { [M in keyof GoroscopeApi]?: (args: readonly unknown[]) => Parameters<GoroscopeApi[M]> };

/**
 * The service methods a page may call (every one but indexFile, which runs an indexing in the
 * caller's thread), each with the validated, typed arguments from what the page sent (throws
 * InvalidArgument). Both hosts answer exactly these methods, through invokeChecked().
 */
export const HOST_ARGUMENTS = {
  listArtefacts: (a) => (arity('listArtefacts', a, 0), []),
  removeArtefact: (a) => [artefactRef(arity('removeArtefact', a, 1)[0])],
  updateArtefact: (a) => {
    const [ref, change] = arity('updateArtefact', a, 2);
    return [artefactRef(ref), artefactChange(change)];
  },
  summary: (a) => [artefactRef(arity('summary', a, 1)[0])],
  timeline: (a) => [timelineRequest(arity('timeline', a, 1)[0])],
  timelineLanes: (a) => [timelineLanesRequest(arity('timelineLanes', a, 1)[0])],
  timelineInterval: (a) => {
    const [ref, goroutine, time] = arity('timelineInterval', a, 3);
    return [artefactRef(ref), integer('goroutine', goroutine, 0), timeArgument('time', time)];
  },
  timelineEdges: (a) => [timelineEdgesRequest(arity('timelineEdges', a, 1)[0])],
  timelineRangeStats: (a) => {
    const [ref, t0, t1] = arity('timelineRangeStats', a, 3);
    return [artefactRef(ref), ...window(t0, t1)];
  },
  timelineSearch: (a) => [timelineSearchRequest(arity('timelineSearch', a, 1)[0])],
  timelineAnnotations: (a) => [timelineAnnotationsRequest(arity('timelineAnnotations', a, 1)[0])],
  timelineClock: (a) => [artefactRef(arity('timelineClock', a, 1)[0])],
  goroutine: (a) => {
    const [ref, id] = arity('goroutine', a, 2);
    return [artefactRef(ref), integer('id', id, 0)];
  },
  goroutines: (a) => [goroutineListRequest(arity('goroutines', a, 1)[0])],
  ranges: (a) => {
    const [ref, t0, t1, prefixes] = arity('ranges', a, 3, 1);
    return [artefactRef(ref), ...window(t0, t1), namePrefixes(prefixes)];
  },
  metric: (a) => {
    const [ref, name, t0, t1, maxPoints, holdBefore] = arity('metric', a, 5, 1);
    return [artefactRef(ref), metricName(name), ...window(t0, t1), seriesPoints(maxPoints),
      holdBefore === undefined ? undefined : boolean('holdBefore', holdBefore)];
  },
  query: (a) => [queryRequest(arity('query', a, 1)[0])],
  startIndex: (a) => [absolutePath('path', arity('startIndex', a, 1)[0])],
  indexJobs: (a) => (arity('indexJobs', a, 0), []),
  cancelIndex: (a) => [jobId(arity('cancelIndex', a, 1)[0])],
  goroutineCounts: (a) => {
    const [ref, t0, t1, maxPoints] = arity('goroutineCounts', a, 4);
    return [artefactRef(ref), ...window(t0, t1), seriesPoints(maxPoints)];
  },
  profileTop: (a) => [profileTopRequest(arity('profileTop', a, 1)[0])],
  profileFlame: (a) => [profileFlameRequest(arity('profileFlame', a, 1)[0])],
  dumpGroups: (a) => [artefactRef(arity('dumpGroups', a, 1)[0])],
  blocking: (a) => {
    const [ref, limit] = arity('blocking', a, 1, 1);
    return [artefactRef(ref), blockingLimit(limit)];
  },
  blockingProfile: (a) => {
    const [ref, kind] = arity('blockingProfile', a, 2);
    return [artefactRef(ref), blockingKind(kind)];
  },
  blockingFlame: (a) => {
    const [ref, kind] = arity('blockingFlame', a, 2);
    return [artefactRef(ref), blockingKind(kind)];
  },
  exportPprof: (a) => {
    const [ref, kind] = arity('exportPprof', a, 1, 1);
    return [artefactRef(ref), optional(kind, blockingKind)];
  },
  leaks: (a) => [artefactRef(arity('leaks', a, 1)[0])],
  triage: (a) => [triageRefs(arity('triage', a, 1)[0])],
  goroutineGroups: (a) => [artefactRef(arity('goroutineGroups', a, 1)[0])],
  durationHistograms: (a) => [artefactRef(arity('durationHistograms', a, 1)[0])],
  compareTraces: (a) => {
    const [x, y] = arity('compareTraces', a, 2);
    return [compareSide(x, 'a'), compareSide(y, 'b')];
  },
  dumpAt: (a) => {
    const [ref, timeNs] = arity('dumpAt', a, 2);
    return [artefactRef(ref), timeArgument('timeNs', timeNs)];
  },
  gc: (a) => {
    const [ref, windowNs] = arity('gc', a, 1, 1);
    return [artefactRef(ref), gcWindowNs(windowNs)];
  },
  diffDumps: (a) => {
    const [before, after] = arity('diffDumps', a, 2);
    return [artefactRef(before, 'before'), artefactRef(after, 'after')];
  },
  report: (a) => [artefactRefs(arity('report', a, 1)[0])],
  goroutinesDump: (a) => {
    const [ref, ids] = arity('goroutinesDump', a, 2);
    return [artefactRef(ref), goroutineIds(ids)];
  },
} as const satisfies ArgumentParsers;

/** A service method a page may call. */
export type HostMethod = keyof typeof HOST_ARGUMENTS;

export function isHostMethod(name: unknown): name is HostMethod {
  return typeof name === 'string' && Object.hasOwn(HOST_ARGUMENTS, name);
}

/**
 * Calls `method` of `api` with `args` as a page sent them, validated by HOST_ARGUMENTS: what
 * both hosts do with a call. Throws InvalidArgument for an unknown method or a bad argument.
 */
export async function invokeChecked(api: Pick<GoroscopeApi, HostMethod>, method: string, args: readonly unknown[]): Promise<unknown> {
  if (!isHostMethod(method)) throw new InvalidArgument(`unknown method ${JSON.stringify(method)}`);
  const parsed = HOST_ARGUMENTS[method](args);
  // The table pairs each method with its own parameters; TypeScript cannot follow that
  // correlation through an indexed call, hence the one widening here.
  const call = api[method] as (...a: readonly unknown[]) => Promise<unknown>;
  return call.apply(api, parsed);
}

/** The `ranges` name filter: at most 20 prefixes, or none. */
export function namePrefixes(v: unknown): string[] | undefined {
  return optional(v, (list) => {
    if (!Array.isArray(list) || list.length > 20) throw new InvalidArgument('namePrefixes must be an array of at most 20 strings');
    return list.map((p, i) => text(`namePrefixes[${i}]`, p, 200));
  });
}

/** Artefacts one triage weighs at most. */
export const MAX_TRIAGE_ARTEFACTS = 50;

/** The artefacts of a triage: 1 to MAX_TRIAGE_ARTEFACTS references, each named `refs[i]` in errors. */
export function triageRefs(v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_TRIAGE_ARTEFACTS) throw new InvalidArgument(`refs must be an array of 1 to ${MAX_TRIAGE_ARTEFACTS} artefacts`);
  return v.map((r, i) => artefactRef(r, `refs[${i}]`));
}

/** One side of compareTraces: a trace reference, and a window (both ends or neither). */
export function compareSide(v: unknown, name: string): CompareSide {
  const o = plainObject(name, v);
  const side: CompareSide = { ref: artefactRef(field(o, 'ref'), `${name}.ref`) };
  const t0 = field(o, 't0');
  const t1 = field(o, 't1');
  if (t0 === undefined && t1 === undefined) return side;
  const [a, b] = window(t0, t1);
  return { ...side, t0: integer(`${name}.t0`, a, 0), t1: integer(`${name}.t1`, b, 0) };
}

/** How many `blocking` rows to return (default 100). */
export function blockingLimit(v: unknown): number | undefined {
  return optional(v, (n) => integer('limit', n, 1, 10_000));
}
