// Theme colours read from CSS variables, for canvases (the timeline, flame graphs, charts).

/** The colour of a CSS variable of the current theme. */
export function cssColor(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
