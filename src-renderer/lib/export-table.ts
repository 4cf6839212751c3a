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
 * A canvas as PNG on an opaque ground of `colours.ground` (chart.js draws on a transparent canvas:
 * saved as it is, a dark theme's chart would be light text on nothing), under its title when given.
 */
export async function canvasPng(canvas: HTMLCanvasElement, colours: { ground: string; text: string }, title?: string): Promise<Blob> {
  // The canvas's device pixels per CSS pixel: the title is drawn at the chart's scale.
  const scale = canvas.clientWidth > 0 ? canvas.width / canvas.clientWidth : 2;
  const band = title ? Math.round(30 * scale) : 0;
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height + band;
  const g = out.getContext('2d');
  if (!g) throw new Error('no 2D context for the PNG');
  g.fillStyle = colours.ground;
  g.fillRect(0, 0, out.width, out.height);
  if (title) {
    g.fillStyle = colours.text;
    g.font = `600 ${Math.round(14 * scale)}px system-ui, sans-serif`;
    g.textBaseline = 'middle';
    g.fillText(title, Math.round(8 * scale), band / 2);
  }
  g.drawImage(canvas, 0, band);
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('the chart could not be encoded as PNG'))), 'image/png'));
}

/** Colours a chart drawn for its PNG takes from the theme. */
export interface PngColours { ground: string; bar: string; text: string; muted: string }

/**
 * Vertical bars drawn on a canvas for a PNG, for charts made of elements rather than a canvas
 * (the GC pause histogram): each bar with its count above and its label below, scaled to the largest.
 */
export function barsCanvas(bars: readonly { label: string; value: number; text: string }[], colours: PngColours, scale = 2): HTMLCanvasElement {
  const barW = 70, gap = 10, top = 24, plotH = 200, bottom = 40, side = 12;
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, (side * 2 + bars.length * (barW + gap) - gap) * scale);
  canvas.height = (top + plotH + bottom) * scale;
  const g = canvas.getContext('2d');
  if (!g) throw new Error('no 2D context for the PNG');
  g.scale(scale, scale);
  g.fillStyle = colours.ground;
  g.fillRect(0, 0, canvas.width, canvas.height);
  const max = Math.max(1, ...bars.map((b) => b.value));
  g.font = '12px system-ui, sans-serif';
  g.textAlign = 'center';
  bars.forEach((b, i) => {
    const x = side + i * (barW + gap);
    const h = Math.max((b.value / max) * plotH, b.value > 0 ? 1 : 0);
    g.fillStyle = colours.bar;
    g.fillRect(x, top + plotH - h, barW, h);
    g.fillStyle = colours.text;
    g.fillText(b.text, x + barW / 2, top + plotH - h - 6);
    g.fillStyle = colours.muted;
    b.label.split('\n').forEach((line, k) => g.fillText(line, x + barW / 2, top + plotH + 16 + k * 14));
  });
  return canvas;
}
