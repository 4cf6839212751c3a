// Human units for terminal output.

/** 1234567 → "1.23ms"; chooses ns, µs, ms or s. */
export function formatDuration(ns: number): string {
  const a = Math.abs(ns);
  if (a < 1e3) return `${ns}ns`;
  if (a < 1e6) return `${(ns / 1e3).toFixed(a < 1e4 ? 2 : 1)}µs`;
  if (a < 1e9) return `${(ns / 1e6).toFixed(a < 1e7 ? 2 : 1)}ms`;
  return `${(ns / 1e9).toFixed(a < 1e10 ? 3 : 2)}s`;
}

/** 4194304 → "4.0 MiB". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9 };

/** A duration such as "10ms", "500us", "1.5s" or "1000" (ns), in whole ns; null when it is not one. */
export function parseDurationNs(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s)?$/.exec(text.trim());
  return m ? Math.round(Number(m[1]) * DURATION_UNITS[m[2] ?? 'ns']) : null;
}
