// The views of the navigation shell, in the order of their number keys (1–9).

export type ViewId = 'library' | 'triage' | 'overview' | 'timeline' | 'goroutines' | 'gc' | 'blocking' | 'leaks' | 'profiles' | 'diff' | 'sql';

export interface ViewEntry {
  id: ViewId;
  label: string;
  /** What the view will show, for its placeholder until it exists. */
  about: string;
}

/** Views about one artefact; the library is reached with `g l`. */
export const ARTEFACT_VIEWS: readonly ViewEntry[] = [
  { id: 'overview', label: 'Overview', about: 'Summary cards and charts of the artefact.' },
  { id: 'timeline', label: 'Timeline', about: 'Goroutines and processors over time, zoomable to single events.' },
  { id: 'goroutines', label: 'Goroutines', about: 'Every goroutine with its time by state, filterable and sortable.' },
  { id: 'gc', label: 'GC', about: 'GC cycles, stop-the-world pauses, heap against its goal.' },
  { id: 'blocking', label: 'Blocking', about: 'Where goroutines waited, by reason and stack.' },
  { id: 'leaks', label: 'Leaks', about: 'Goroutines that never ended, grouped by the stack they are stuck on.' },
  { id: 'profiles', label: 'Profiles', about: 'Top functions and call trees of pprof profiles.' },
  { id: 'diff', label: 'Diff', about: 'Two dumps, profiles or traces (or windows of traces) compared: what grew, what appeared.' },
  { id: 'sql', label: 'SQL', about: 'Read-only SQL over the artefact’s index.' },
];
