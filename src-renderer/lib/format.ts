// Numbers as the views show them. Values keep their exact form in `title`/data attributes; these
// strings are for reading.

const count = new Intl.NumberFormat('en-US');

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return count.format(n);
}

/** Nanoseconds → "812 ns", "4.21 µs", "12.3 ms", "3.104 s", "2 min 05 s". */
export function formatDuration(ns: number): string {
  const a = Math.abs(ns);
  if (a < 1e3) return `${Math.round(ns)} ns`;
  if (a < 1e6) return `${(ns / 1e3).toFixed(a < 1e4 ? 2 : 1)} µs`;
  if (a < 1e9) return `${(ns / 1e6).toFixed(a < 1e7 ? 2 : 1)} ms`;
  if (a < 60e9) return `${(ns / 1e9).toFixed(3)} s`;
  const s = Math.round(ns / 1e9);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
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
