// Numbers as the views show them. Values keep their exact form in `title`/data attributes; these
// strings are for reading.

const count = new Intl.NumberFormat('en-US');

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return count.format(n);
}

/** Nanoseconds → "812 ns", "4.21 µs", "12.3 ms", "3.104 s", "2 min 05 s", "3 h 07 min": precise, for times on a trace's axis. */
export function formatDuration(ns: number): string {
  const a = Math.abs(ns);
  if (a < 1e3) return `${Math.round(ns)} ns`;
  if (a < 1e6) return `${(ns / 1e3).toFixed(a < 1e4 ? 2 : 1)} µs`;
  if (a < 1e9) return `${(ns / 1e6).toFixed(a < 1e7 ? 2 : 1)} ms`;
  if (a < 60e9) return `${(ns / 1e9).toFixed(3)} s`;
  return minutesAndHours(ns, true);
}

/**
 * A length of time as people say it, one decimal at most: "513 ns", "326.7 µs", "935.5 ms",
 * "2.0 s", "18 min 7 s", "3 h 12 min", "2 d 4 h" — how long goroutines waited or were blocked.
 */
export function formatLength(ns: number): string {
  const a = Math.abs(ns);
  if (a < 1e3) return `${Math.round(ns)} ns`;
  // 999.96 µs would print as "1000.0 µs": such values move up a unit.
  if (a < 999.95e3) return `${(ns / 1e3).toFixed(1)} µs`;
  if (a < 999.95e6) return `${(ns / 1e6).toFixed(1)} ms`;
  if (a < 59.95e9) return `${(ns / 1e9).toFixed(1)} s`;
  return minutesAndHours(ns, false);
}

/** A minute or more: "18 min 7 s" ("18 min 07 s" padded), "3 h 12 min", "2 d 4 h". */
function minutesAndHours(ns: number, pad: boolean): string {
  const s = Math.round(Math.abs(ns) / 1e9);
  const sign = ns < 0 ? '-' : '';
  const two = (n: number) => (pad ? String(n).padStart(2, '0') : String(n));
  if (s < 3600) return `${sign}${Math.floor(s / 60)} min ${two(s % 60)} s`;
  if (s < 86400) return `${sign}${Math.floor(s / 3600)} h ${two(Math.floor((s % 3600) / 60))} min`;
  return `${sign}${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Bytes → "512 B", "17.0 KiB", "1.4 GiB". */
export function formatBytes(n: number): string {
  let v = n;
  let unit = 0;
  while (v >= 1024 && unit < BYTE_UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${v.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** Seconds left → "ETA 12 s", "ETA 3 min". */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'ETA —';
  if (seconds < 60) return `ETA ${Math.max(0, Math.round(seconds))} s`;
  return `ETA ${Math.round(seconds / 60)} min`;
}

/** An ISO timestamp → "2026-12-01 10:54" in local time. */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Last path component, whichever separator the host uses. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
