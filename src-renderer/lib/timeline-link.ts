// Links into the Timeline at a window of time (and optionally a goroutine), for any view: the
// GC view's pauses, a goroutine list… The window rides in the URL's hash after the artefact
// (#/timeline/<hash>/<t0>-<t1>[/g<id>]), which the router ignores, so reloads and back/forward
// keep it and the router needs no change.

export interface TimelineFocus {
  /** Window, ns since the trace began. */
  t0: number;
  t1: number;
  /** A goroutine to select. */
  goroutine?: number;
}

export function timelineHash(artefact: string, focus: TimelineFocus): string {
  const g = focus.goroutine === undefined ? '' : `/g${focus.goroutine}`;
  return `#/timeline/${artefact}/${Math.floor(focus.t0)}-${Math.ceil(focus.t1)}${g}`;
}

/** Opens the Timeline of `artefact` showing `focus`. */
export function openTimelineAt(artefact: string, focus: TimelineFocus): void {
  window.location.hash = timelineHash(artefact, focus);
}

/** Opens the Timeline zoomed so that [start, end) fills the middle third of the window. */
export function openTimelineAround(artefact: string, start: number, end: number, goroutine?: number): void {
  const span = Math.max(end - start, 1);
  openTimelineAt(artefact, { t0: Math.max(0, start - span), t1: end + span, goroutine });
}

/** The focus carried by a Timeline hash, or null when it has none. */
export function timelineFocus(hash: string = window.location.hash): TimelineFocus | null {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] !== 'timeline') return null;
  const w = /^(\d+)-(\d+)$/.exec(parts[2] ?? '');
  if (!w) return null;
  const g = /^g(\d+)$/.exec(parts[3] ?? '');
  return { t0: Number(w[1]), t1: Number(w[2]), goroutine: g ? Number(g[1]) : undefined };
}
