// The timeline window as bytes, for the localhost host: a zoomed-out window of 45 rows holds
// about 14 000 spans per 512-pixel tile, 1.6 MB as JSON (a folded span's six shares printed to
// 17 digits) that took longer to print and parse than to compute. As bytes it is a third of
// that, read with a DataView; every number keeps its exact value (float64), so the decoded
// window equals the service's, field for field. Pure of Node: the renderer decodes it.
//
// Layout, little-endian:
//   u32 MAGIC, f64 t0, f64 t1, f64 nsPerPx, u32 strings, u32 rows
//   strings × (u32 byte length, UTF-8 bytes)           names and reasons, each once
//   rows × (f64 goroutine, u32 name, u32 spans, spans × span)
//   span: f64 start, f64 end, u8 state | 0x80 when shares follow, u32 reason, [f64 × 6 shares]

import { GOROUTINE_STATES, type TimelineRow, type TimelineSpan, type TimelineWindow } from './types.ts';

/** What the HTTP client sends in Accept, and the host answers as Content-Type, for bytes. */
export const TIMELINE_BYTES_TYPE = 'application/x-goroscope-timeline';

const MAGIC = 0x31544c47; // "GLT1"
const SHARES = 6;
const HAS_SHARES = 0x80;

export function encodeTimelineWindow(w: TimelineWindow): Uint8Array {
  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  const idOf = (s: string) => {
    let id = stringIds.get(s);
    if (id === undefined) {
      stringIds.set(s, (id = strings.length));
      strings.push(s);
    }
    return id;
  };
  let size = 4 + 8 * 3 + 4 + 4;
  for (const row of w.rows) {
    idOf(row.name);
    size += 8 + 4 + 4;
    for (const s of row.spans) {
      idOf(s.reason);
      size += 8 + 8 + 1 + 4 + (s.shares ? 8 * SHARES : 0);
    }
  }
  const utf8 = new TextEncoder();
  const encoded = strings.map((s) => utf8.encode(s));
  for (const e of encoded) size += 4 + e.length;
  const bytes = new Uint8Array(size);
  const v = new DataView(bytes.buffer);
  let o = 0;
  const u32 = (x: number) => { v.setUint32(o, x, true); o += 4; };
  const f64 = (x: number) => { v.setFloat64(o, x, true); o += 8; };
  u32(MAGIC);
  f64(w.t0);
  f64(w.t1);
  f64(w.nsPerPx);
  u32(strings.length);
  u32(w.rows.length);
  for (const e of encoded) {
    u32(e.length);
    bytes.set(e, o);
    o += e.length;
  }
  for (const row of w.rows) {
    f64(row.goroutine);
    u32(stringIds.get(row.name)!);
    u32(row.spans.length);
    for (const s of row.spans) {
      f64(s.start);
      f64(s.end);
      v.setUint8(o++, GOROUTINE_STATES.indexOf(s.state) | (s.shares ? HAS_SHARES : 0));
      u32(stringIds.get(s.reason)!);
      if (s.shares) for (let i = 0; i < SHARES; i++) f64(s.shares[i]);
    }
  }
  return bytes;
}

export function decodeTimelineWindow(bytes: ArrayBuffer | Uint8Array): TimelineWindow {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const v = new DataView(view.buffer, view.byteOffset, view.byteLength);
  let o = 0;
  const u32 = () => { const x = v.getUint32(o, true); o += 4; return x; };
  const f64 = () => { const x = v.getFloat64(o, true); o += 8; return x; };
  if (view.byteLength < 4 || u32() !== MAGIC) throw new Error('not a timeline window (bad magic)');
  const t0 = f64();
  const t1 = f64();
  const nsPerPx = f64();
  const stringCount = u32();
  const rowCount = u32();
  const utf8 = new TextDecoder();
  const strings: string[] = [];
  for (let i = 0; i < stringCount; i++) {
    const n = u32();
    strings.push(utf8.decode(view.subarray(o, o + n)));
    o += n;
  }
  const rows: TimelineRow[] = [];
  for (let r = 0; r < rowCount; r++) {
    const goroutine = f64();
    const name = strings[u32()];
    const spanCount = u32();
    const spans: TimelineSpan[] = new Array(spanCount);
    for (let i = 0; i < spanCount; i++) {
      const start = f64();
      const end = f64();
      const head = v.getUint8(o++);
      const reason = strings[u32()];
      let shares: number[] | null = null;
      if (head & HAS_SHARES) {
        shares = new Array<number>(SHARES);
        for (let k = 0; k < SHARES; k++) shares[k] = f64();
      }
      spans[i] = { start, end, state: GOROUTINE_STATES[head & ~HAS_SHARES], shares, reason };
    }
    rows.push({ goroutine, name, spans });
  }
  if (o !== view.byteLength) throw new Error(`timeline window: ${view.byteLength - o} bytes left over`);
  return { t0, t1, nsPerPx, rows };
}
