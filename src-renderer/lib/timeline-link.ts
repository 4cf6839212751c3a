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
  /** The rows to show: goroutines in this state at the end (Waiting with this reason), whose name contains `name`. */
  rows?: { state?: string; reason?: string; name?: string };
  /** A goroutine search (a regular expression over names and stacks) to run: its first match is selected. */
  search?: string;
}

export function timelineHash(artefact: string, focus: TimelineFocus): string {
  const g = focus.goroutine === undefined ? '' : `/g${focus.goroutine}`;
  const r = focus.rows;
  const rows = (r?.reason !== undefined ? `/w${encodeURIComponent(r.reason)}` : r?.state ? `/s${encodeURIComponent(r.state)}` : '')
    + (r?.name ? `/n${encodeURIComponent(r.name)}` : '') + (focus.search ? `/q${encodeURIComponent(focus.search)}` : '');
  return `#/timeline/${artefact}/${Math.floor(focus.t0)}-${Math.ceil(focus.t1)}${g}${rows}`;
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
  const focus: TimelineFocus = { t0: Number(w[1]), t1: Number(w[2]) };
  for (const part of parts.slice(3)) {
    const g = /^g(\d+)$/.exec(part);
    if (g) focus.goroutine = Number(g[1]);
    try {
      if (part.startsWith('w')) focus.rows = { ...focus.rows, state: 'Waiting', reason: decodeURIComponent(part.slice(1)) };
      else if (part.startsWith('s')) focus.rows = { ...focus.rows, state: decodeURIComponent(part.slice(1)) };
      else if (part.startsWith('n')) focus.rows = { ...focus.rows, name: decodeURIComponent(part.slice(1)) };
      else if (part.startsWith('q')) focus.search = decodeURIComponent(part.slice(1));
    } catch {
      // A malformed escape: that part is ignored.
    }
  }
  return focus;
}
