// chart.js with only what the line charts use registered (the whole library is 3× the size).

import { CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip } from 'chart.js';

// The log scale is the GC view's MMU curve (window sizes from 1 µs to the trace's length).
Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, Filler, Legend, Tooltip);

export { Chart };
export { cssColor } from './css-color.ts';

/** One line of a time-series chart; x is ns since the trace began. */
export interface Series {
  label: string;
  /** A CSS variable holding the series colour, e.g. "--state-running". */
  colorVar: string;
  points: { x: number; y: number }[];
  /** Fill under the line (stacked areas for counts). */
  fill?: boolean;
}

/**
 * Builds a chart in the next frame and returns what tears it down, for an $effect. A chart reads
 * the theme's CSS variables once, as it is built, and App sets <html data-theme> in an effect that
 * runs after the charts' when the theme changes: built at once, a chart switched to dark kept the
 * light theme's grid (bright lines on a dark ground).
 */
export function buildInNextFrame(build: () => Chart): () => void {
  let chart: Chart | null = null;
  const frame = requestAnimationFrame(() => (chart = build()));
  return () => {
    cancelAnimationFrame(frame);
    chart?.destroy();
  };
}
