// Which tracks and overlays the timeline shows, and how lanes are coloured: chosen from one menu
// and remembered across sessions (localStorage).

import type { TrackChoice } from './layout.ts';

export interface TrackSettings {
  tracks: TrackChoice;
  colorBy: 'goroutine' | 'function';
  /** The time axis: since the trace began, or wall-clock time where the trace has a clock snapshot. */
  clock: 'relative' | 'wall';
}

const KEY = 'goroscope.timeline.tracks';
export const DEFAULT_TRACKS: TrackSettings = {
  tracks: { counts: true, heap: true, procs: true, threads: false, arrows: true, regions: true, tasks: true, logs: true, cpuSamples: true, gcWork: true, gcCpu: false },
  colorBy: 'goroutine',
  clock: 'relative',
};

export const TRACK_LABELS: readonly [keyof TrackChoice, string][] = [
  ['procs', 'Processors (one lane per P)'],
  ['threads', 'Threads (one lane per M)'],
  ['counts', 'Goroutines by state'],
  ['heap', 'Heap in use and goal'],
  ['gcCpu', 'GC CPU share per cycle'],
  ['arrows', 'Unblock arrows'],
  ['tasks', 'User tasks (a track)'],
  ['regions', 'User regions (in the goroutine rows)'],
  ['logs', 'Log messages (on the rows)'],
  ['cpuSamples', 'CPU profile samples (ticks on the rows)'],
  ['gcWork', 'Mark assists and sweeps (on who paid)'],
];

export function loadTracks(): TrackSettings {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<TrackSettings> | null;
    if (!v || typeof v !== 'object') return structuredClone(DEFAULT_TRACKS);
    const tracks = { ...DEFAULT_TRACKS.tracks };
    for (const [k] of TRACK_LABELS) if (typeof v.tracks?.[k] === 'boolean') tracks[k] = v.tracks[k];
    return { tracks, colorBy: v.colorBy === 'function' ? 'function' : 'goroutine', clock: v.clock === 'wall' ? 'wall' : 'relative' };
  } catch {
    return structuredClone(DEFAULT_TRACKS);
  }
}

export function saveTracks(s: TrackSettings): void {
  localStorage.setItem(KEY, JSON.stringify(s));
}
