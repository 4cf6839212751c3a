// Checks of the timeline's requests beyond `timeline` itself (lanes, edges), in the manner of
// validate.ts: rebuilt from their known own fields only. Function declarations only: validate.ts's
// table of host methods refers to them, and this module imports its primitives from there.

import type { TimelineAnnotationsRequest, TimelineEdgesRequest, TimelineLanesRequest, TimelineSearchRequest } from './types.ts';
import { artefactRef, copyOptional, field, finiteNumber, goroutineListRequest, integer, InvalidArgument, oneOf, optional, plainObject, text, timelineGoroutines, window } from './validate.ts';
import { MAX_TIMELINE_EDGES } from './timeline-answers.ts';

export function timelineLanesRequest(v: unknown): TimelineLanesRequest {
  const o = plainObject('timeline lanes request', v);
  const [t0, t1] = window(field(o, 't0'), field(o, 't1'));
  return {
    artefact: artefactRef(field(o, 'artefact')),
    kind: oneOf('kind', field(o, 'kind'), ['proc', 'thread'] as const),
    t0, t1,
    widthPx: integer('widthPx', field(o, 'widthPx'), 1, 100_000),
  };
}

export function timelineEdgesRequest(v: unknown): TimelineEdgesRequest {
  const o = plainObject('timeline edges request', v);
  const [t0, t1] = window(field(o, 't0'), field(o, 't1'));
  const req: TimelineEdgesRequest = { artefact: artefactRef(field(o, 'artefact')), t0, t1 };
  copyOptional(req, o, 'goroutine', (g) => integer('goroutine', g, 0));
  copyOptional(req, o, 'limit', (n) => integer('limit', n, 1, MAX_TIMELINE_EDGES));
  return req;
}

/** A time on the trace's clock, ns since its first event. */
export function timeArgument(name: string, v: unknown): number {
  return finiteNumber(name, v);
}

export function timelineSearchRequest(v: unknown): TimelineSearchRequest {
  const o = plainObject('timeline search request', v);
  const { limit: _limit, ...list } = goroutineListRequest(o);
  const goroutine = optional(field(o, 'goroutine'), (g) => integer('goroutine', g, 0));
  if (goroutine !== undefined) {
    if (field(o, 'pattern') !== undefined) throw new InvalidArgument('a search names a pattern or a goroutine, not both');
    return { ...list, goroutine };
  }
  const pattern = text('pattern', field(o, 'pattern'), 1000);
  if (pattern.length === 0) throw new InvalidArgument('pattern must not be empty');
  return { ...list, pattern };
}

export function timelineAnnotationsRequest(v: unknown): TimelineAnnotationsRequest {
  const o = plainObject('timeline annotations request', v);
  const [t0, t1] = window(field(o, 't0'), field(o, 't1'));
  return { artefact: artefactRef(field(o, 'artefact')), t0, t1, goroutines: timelineGoroutines(field(o, 'goroutines')) };
}
