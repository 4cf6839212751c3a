// The timeline's colours. The states keep the app's CSS variables (go tool trace / gotraceui:
// running green, runnable light green, syscall blue, waiting red); waiting gets one colour per
// family of reasons (states.ts). Canvas needs resolved colours, so they are read from the theme.

import { cssColor } from '../lib/css-color.ts';
import type { PaintKey } from './states.ts';

export interface Palette {
  paint: Record<PaintKey, string>;
  /** Translucent bands across the rows. */
  markBand: string;
  stwBand: string;
  /** Solid marks on the GC track. */
  mark: string;
  stw: string;
  background: string;
  surface: string;
  rowAlt: string;
  grid: string;
  text: string;
  muted: string;
  border: string;
  accent: string;
  selection: string;
  heapLive: string;
  heapGoal: string;
}

/** The palette of the current theme (call again after a theme change). */
export function resolvePalette(theme: 'light' | 'dark'): Palette {
  const dark = theme === 'dark';
  const waiting = cssColor('--state-waiting');
  return {
    paint: {
      Running: cssColor('--state-running'),
      Runnable: cssColor('--state-runnable'),
      Syscall: cssColor('--state-syscall'),
      Undetermined: dark ? '#3a414b' : '#d3d8df',
      'wait-sync': waiting,
      'wait-io': dark ? '#a98be6' : '#8a63c9',
      'wait-sleep': dark ? '#7d8da3' : '#93a3b8',
      'wait-gc': dark ? '#e7a04d' : '#e0912e',
      'wait-system': dark ? '#4d5561' : '#c5cbd3',
      'wait-other': dark ? '#c08a7a' : '#b9776a',
      'wait-folded': dark ? '#7d5a60' : '#dcb4b4',
    },
    markBand: dark ? 'rgba(231, 160, 77, 0.10)' : 'rgba(224, 145, 46, 0.10)',
    stwBand: dark ? 'rgba(240, 90, 90, 0.28)' : 'rgba(205, 45, 45, 0.22)',
    mark: dark ? '#c98a3e' : '#eba65a',
    stw: dark ? '#f06a6a' : '#cd2d2d',
    background: cssColor('--bg'),
    surface: cssColor('--surface'),
    rowAlt: dark ? 'rgba(255, 255, 255, 0.025)' : 'rgba(0, 0, 0, 0.022)',
    grid: cssColor('--grid'),
    text: cssColor('--text'),
    muted: cssColor('--muted'),
    border: cssColor('--border'),
    accent: cssColor('--accent'),
    selection: dark ? 'rgba(91, 148, 240, 0.22)' : 'rgba(47, 111, 222, 0.16)',
    heapLive: cssColor('--heap-live'),
    heapGoal: cssColor('--heap-goal'),
  };
}
