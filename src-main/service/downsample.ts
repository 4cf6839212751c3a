// Reducing a time series to what a window can show: which precomputed level of detail to read,
// and one point per bucket of the window, its peak.

/**
 * Of levels of detail whose buckets are `widths` ns wide (finest first), the coarsest whose
 * buckets are no wider than `maxWidth` ns, numbered from 1; 0 when even the finest is wider.
 */
export function coarsestLevel(widths: readonly number[], maxWidth: number): number {
  let level = 0;
  while (level < widths.length && widths[level] <= maxWidth) level++;
  return level;
}
