// Tables and charts handed over as files: any table to CSV (RFC 4180) or JSON, any chart canvas
// to PNG, saved as a download from a Blob URL (in the browser and in Electron alike: the page
// never touches the file system).

/** One column of an exported table: its JSON key, its CSV header (with the unit: "total_ns"), its raw value. */
export interface ExportColumn<T> {
  key: string;
  /** The CSV header; the key when absent. Name the unit in it: numbers are written raw (ns as integers, bytes). */
  header?: string;
  value: (row: T) => ExportValue;
}

/** A cell's raw value; a list (a stack's frames) is one JSON array, one CSV field of lines. */
export type ExportValue = string | number | boolean | null | readonly string[];

/**
 * A CSV field as RFC 4180 writes it: quoted when it holds a comma, a double quote, CR or LF (or
 * begins or ends with a space, which some readers trim), double quotes doubled; numbers raw.
 */
export function csvField(v: ExportValue): string {
  if (v === null) return '';
  if (Array.isArray(v)) return csvField(v.join('\n'));
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows as CSV: a header line, then one record per row, each line ended by CRLF (RFC 4180). */
export function toCsv<T>(columns: readonly ExportColumn<T>[], rows: readonly T[]): string {
  const lines = [columns.map((c) => csvField(c.header ?? c.key)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(c.value(r))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** The rows as a JSON array of objects keyed by the columns' keys. */
export function toJson<T>(columns: readonly ExportColumn<T>[], rows: readonly T[]): string {
  return JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c) => [c.key, c.value(r)]))), null, 2) + '\n';
}

/** Saves `blob` as a download named `fileName` (an <a download> on a Blob URL, revoked after). */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function downloadText(fileName: string, text: string, type: string): void {
  downloadBlob(fileName, new Blob([text], { type }));
}

/** A file name from an artefact's name and what is exported: "app.trace" + "leaks" → "app.trace.leaks". */
export function exportName(...parts: (string | undefined)[]): string {
  return parts.filter((p): p is string => !!p).join('.').replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').slice(0, 200);
}

/**
 * A canvas as PNG on an opaque ground of `background` (chart.js draws on a transparent canvas:
 * saved as it is, a dark theme's chart would be light text on nothing).
 */
export async function canvasPng(canvas: HTMLCanvasElement, background: string): Promise<Blob> {
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const g = out.getContext('2d');
  if (!g) throw new Error('no 2D context for the PNG');
  g.fillStyle = background;
  g.fillRect(0, 0, out.width, out.height);
  g.drawImage(canvas, 0, 0);
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('the chart could not be encoded as PNG'))), 'image/png'));
}
