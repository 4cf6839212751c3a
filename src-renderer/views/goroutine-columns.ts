// The Goroutines view's columns: which sort key each one uses and which way a first click sorts.

import type { GoroutineRow, GoroutineSortKey, GoroutineStateName } from '../../src-main/service/types.ts';
import { formatDuration } from '../lib/format.ts';

export interface GoroutineColumn {
  key: GoroutineSortKey;
  label: string;
  numeric: boolean;
  /** Time columns sort largest first on the first click: the question is usually "who ran longest". */
  firstDescending: boolean;
  cell(row: GoroutineRow): string;
}

const time = (ns: number) => formatDuration(ns);

export const GOROUTINE_COLUMNS: readonly GoroutineColumn[] = [
  { key: 'id', label: 'ID', numeric: true, firstDescending: false, cell: (r) => String(r.id) },
  { key: 'name', label: 'Name', numeric: false, firstDescending: false, cell: (r) => r.name || '—' },
  { key: 'startNs', label: 'Start', numeric: true, firstDescending: false, cell: (r) => time(r.startNs) },
  { key: 'endNs', label: 'End', numeric: true, firstDescending: true, cell: (r) => (r.endNs === null ? 'alive' : time(r.endNs)) },
  { key: 'runningNs', label: 'Running', numeric: true, firstDescending: true, cell: (r) => time(r.runningNs) },
  { key: 'runnableNs', label: 'Runnable', numeric: true, firstDescending: true, cell: (r) => time(r.runnableNs) },
  { key: 'waitingNs', label: 'Waiting', numeric: true, firstDescending: true, cell: (r) => time(r.waitingNs) },
  { key: 'syscallNs', label: 'Syscall', numeric: true, firstDescending: true, cell: (r) => time(r.syscallNs) },
];

/** Filterable last states (Undetermined and NotExist are bookkeeping states, not what a user asks for). */
export const FILTER_STATES: readonly GoroutineStateName[] = ['Running', 'Runnable', 'Waiting', 'Syscall', 'NotExist'];

/** The CSS colour of a state (the trace tools' palette in app.css). */
export function stateColor(state: GoroutineStateName): string {
  switch (state) {
    case 'Running': return 'var(--state-running)';
    case 'Runnable': return 'var(--state-runnable)';
    case 'Waiting': return 'var(--state-waiting)';
    case 'Syscall': return 'var(--state-syscall)';
    default: return 'var(--muted)';
  }
}

/** Where an interval ran, as Go names it: "P2 · M1234" while Running, "M1234" in a syscall, "" otherwise. */
export function placement(iv: { proc: number | null; thread: number | null }): string {
  const parts: string[] = [];
  if (iv.proc !== null) parts.push(`P${iv.proc}`);
  if (iv.thread !== null) parts.push(`M${iv.thread}`);
  return parts.join(' · ');
}
