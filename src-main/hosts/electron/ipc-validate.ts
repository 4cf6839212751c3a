// Validation of every IPC argument in main, before the service sees it. The renderer is treated
// as untrusted: each method's arguments are checked for count, type and range, and request
// objects are rebuilt from their known fields only (extra or inherited keys never pass through).
// Built on the service's validators (src-main/service/validate.ts).

import * as path from 'node:path';
import { GO_STATES } from '../../index/schema.ts';
import type { GoroutineListRequest, GoroutineSortKey, ProfileFlameRequest, ProfileTopRequest, QueryRequest, TimelineRequest } from '../../service/types.ts';
import { BLOCKING_KIND_NAMES } from '../../service/types.ts';
import { fraction, integer, InvalidArgument, oneOf, optional, text, window } from '../../service/validate.ts';
import type { InvokableApi, InvokeMethod } from './ipc-contract.ts';
import { timeArgument, timelineEdgesRequest, timelineLanesRequest } from '../../service/timeline-validate.ts';

const MAX_PATH = 4096;
const MAX_TIMELINE_ROWS = 2_000;

/** An artefact reference: a content hash, a unique hash prefix or an indexed file's path. */
export function artefactRef(v: unknown): string {
  const ref = text('artefact', v, MAX_PATH);
  if (ref.length === 0) throw new InvalidArgument('artefact must not be empty');
  return ref;
}

/** A file to index: an absolute path on this machine, no NUL bytes. */
export function absolutePath(name: string, v: unknown): string {
  const p = text(name, v, MAX_PATH);
  if (p.includes('\0')) throw new InvalidArgument(`${name} must not contain NUL characters`);
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

function field(o: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

function optionalBoolean(name: string, v: unknown): boolean | undefined {
  return optional(v, (b) => {
    if (typeof b !== 'boolean') throw new InvalidArgument(`${name} must be true or false`);
    return b;
  });
}

export function timelineRequest(v: unknown): TimelineRequest {
  const o = plainObject('timeline request', v);
  const [t0, t1] = window(field(o, 't0'), field(o, 't1'));
  const goroutines = field(o, 'goroutines');
  if (!Array.isArray(goroutines) || goroutines.length > MAX_TIMELINE_ROWS) {
    throw new InvalidArgument(`goroutines must be an array of at most ${MAX_TIMELINE_ROWS} IDs`);
  }
  return {
    artefact: artefactRef(field(o, 'artefact')),
    t0, t1,
    goroutines: goroutines.map((g, i) => integer(`goroutines[${i}]`, g, 0)),
    widthPx: integer('widthPx', field(o, 'widthPx'), 1, 100_000),
  };
}

const SORT_KEYS: Record<GoroutineSortKey, true> = {
  id: true, name: true, startNs: true, endNs: true, runningNs: true, waitingNs: true, runnableNs: true, syscallNs: true,
};

export function goroutineListRequest(v: unknown): GoroutineListRequest {
  const o = plainObject('goroutine list request', v);
  const req: GoroutineListRequest = { artefact: artefactRef(field(o, 'artefact')) };
  const sort = optional(field(o, 'sort'), (s) => oneOf('sort', s, Object.keys(SORT_KEYS) as GoroutineSortKey[]));
  if (sort !== undefined) req.sort = sort;
  const descending = optionalBoolean('descending', field(o, 'descending'));
  if (descending !== undefined) req.descending = descending;
  const state = optional(field(o, 'state'), (s) => oneOf('state', s, GO_STATES));
  if (state !== undefined) req.state = state;
  const reason = optional(field(o, 'reason'), (s) => text('reason', s, 1000));
  if (reason !== undefined) req.reason = reason;
  const nameContains = optional(field(o, 'nameContains'), (s) => text('nameContains', s, 1000));
  if (nameContains !== undefined) req.nameContains = nameContains;
  const aliveAtEnd = optionalBoolean('aliveAtEnd', field(o, 'aliveAtEnd'));
  if (aliveAtEnd !== undefined) req.aliveAtEnd = aliveAtEnd;
  const offset = optional(field(o, 'offset'), (n) => integer('offset', n, 0));
  if (offset !== undefined) req.offset = offset;
  const limit = optional(field(o, 'limit'), (n) => integer('limit', n, 1, 10_000));
  if (limit !== undefined) req.limit = limit;
  return req;
}

export function queryRequest(v: unknown): QueryRequest {
  const o = plainObject('query request', v);
  const req: QueryRequest = { artefact: artefactRef(field(o, 'artefact')), sql: text('sql', field(o, 'sql'), 100_000) };
  const rowLimit = optional(field(o, 'rowLimit'), (n) => integer('rowLimit', n, 1, 100_000));
  if (rowLimit !== undefined) req.rowLimit = rowLimit;
  const timeLimitMs = optional(field(o, 'timeLimitMs'), (n) => integer('timeLimitMs', n, 1, 60_000));
  if (timeLimitMs !== undefined) req.timeLimitMs = timeLimitMs;
  return req;
}

export function profileTopRequest(v: unknown): ProfileTopRequest {
  const o = plainObject('profile top request', v);
  const req: ProfileTopRequest = { artefact: artefactRef(field(o, 'artefact')) };
  const sampleType = optional(field(o, 'sampleType'), (s) => text('sampleType', s, 200));
  if (sampleType !== undefined) req.sampleType = sampleType;
  const n = optional(field(o, 'n'), (x) => integer('n', x, 0, 100_000));
  if (n !== undefined) req.n = n;
  const cum = optionalBoolean('cum', field(o, 'cum'));
  if (cum !== undefined) req.cum = cum;
  const base = optional(field(o, 'base'), artefactRef);
  if (base !== undefined) req.base = base;
  return req;
}

export function profileFlameRequest(v: unknown): ProfileFlameRequest {
  const o = plainObject('profile flame request', v);
  const req: ProfileFlameRequest = { artefact: artefactRef(field(o, 'artefact')) };
  const sampleType = optional(field(o, 'sampleType'), (s) => text('sampleType', s, 200));
  if (sampleType !== undefined) req.sampleType = sampleType;
  const base = optional(field(o, 'base'), artefactRef);
  if (base !== undefined) req.base = base;
  const minFraction = optional(field(o, 'minFraction'), (x) => fraction('minFraction', x));
  if (minFraction !== undefined) req.minFraction = minFraction;
  return req;
}

/** Checks the argument count: IPC passes exactly what the renderer gave, so extras are an error. */
function arity(method: InvokeMethod, args: readonly unknown[], n: number): readonly unknown[] {
  if (args.length !== n) throw new InvalidArgument(`${method} takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`);
  return args;
}

type ArgumentParsers = { [M in InvokeMethod]: (args: readonly unknown[]) => Parameters<InvokableApi[M]> };

/** Per method: the validated, typed arguments from what came over IPC (throws InvalidArgument). */
export const ARGUMENT_PARSERS: ArgumentParsers = {
  listArtefacts: (a) => (arity('listArtefacts', a, 0), []),
  removeArtefact: (a) => [artefactRef(arity('removeArtefact', a, 1)[0])],
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
  goroutine: (a) => {
    const [ref, id] = arity('goroutine', a, 2);
    return [artefactRef(ref), integer('id', id, 0)];
  },
  goroutines: (a) => [goroutineListRequest(arity('goroutines', a, 1)[0])],
  ranges: (a) => {
    if (a.length === 3) return [artefactRef(a[0]), ...window(a[1], a[2])];
    const [ref, t0, t1, prefixes] = arity('ranges', a, 4);
    if (!Array.isArray(prefixes) || prefixes.length > 20) throw new InvalidArgument('namePrefixes must be an array of at most 20 strings');
    return [artefactRef(ref), ...window(t0, t1), prefixes.map((p, i) => text(`namePrefixes[${i}]`, p, 200))];
  },
  metric: (a) => {
    const [ref, name, t0, t1, maxPoints] = arity('metric', a, 5);
    return [artefactRef(ref), text('name', name, 1000), ...window(t0, t1), integer('maxPoints', maxPoints, 2, 100_000)];
  },
  query: (a) => [queryRequest(arity('query', a, 1)[0])],
  startIndex: (a) => [absolutePath('path', arity('startIndex', a, 1)[0])],
  indexJobs: (a) => (arity('indexJobs', a, 0), []),
  cancelIndex: (a) => [jobId(arity('cancelIndex', a, 1)[0])],
  goroutineCounts: (a) => {
    const [ref, t0, t1, maxPoints] = arity('goroutineCounts', a, 4);
    return [artefactRef(ref), ...window(t0, t1), integer('maxPoints', maxPoints, 2, 100_000)];
  },
  profileTop: (a) => [profileTopRequest(arity('profileTop', a, 1)[0])],
  profileFlame: (a) => [profileFlameRequest(arity('profileFlame', a, 1)[0])],
  dumpGroups: (a) => [artefactRef(arity('dumpGroups', a, 1)[0])],
  blocking: (a) => {
    if (a.length === 1) return [artefactRef(a[0])];
    const [ref, limit] = arity('blocking', a, 2);
    return [artefactRef(ref), integer('limit', limit, 1, 10_000)];
  },
  blockingProfile: (a) => {
    const [ref, kind] = arity('blockingProfile', a, 2);
    return [artefactRef(ref), oneOf('kind', kind, BLOCKING_KIND_NAMES)];
  },
  leaks: (a) => [artefactRef(arity('leaks', a, 1)[0])],
  gc: (a) => {
    if (a.length === 1) return [artefactRef(a[0])];
    const [ref, windowNs] = arity('gc', a, 2);
    return [artefactRef(ref), windowNs === undefined ? undefined : integer('windowNs', windowNs, 1, Number.MAX_SAFE_INTEGER)];
  },
  diffDumps: (a) => {
    const [before, after] = arity('diffDumps', a, 2);
    return [artefactRef(before), artefactRef(after)];
  },
};
