// The goroutine header line, every form Go 1.19–1.27 prints (runtime.goroutineheader):
//
//   goroutine ID [gp=0x… m=N mp=0x… | gp=0x… m=nil] [STATE[ (leaked)][ (scan)][ (durable)]
//     [, N minutes][, locked to thread][, synctest group|bubble N][ labels:{"k": "v"}]][ {k: v}]:
//
// `gp=`/`m=` appear at GOTRACEBACK=system|crash (1.22+); `(leaked)` with the 1.26+ leak
// detector; ` labels:{…}` inside the brackets is Go 1.26 with GODEBUG=tracebacklabels=1, the
// ` {…}` after them is Go 1.27 (keys and values bare unless they need quoting).

const HEADER = /^goroutine (\d+)(?: gp=(0x[0-9a-f]+) m=(?:(\d+) mp=(0x[0-9a-f]+)|nil))? \[(.*?)\](?: \{(.*)\})?:$/;
const MARKERS: readonly [string, 'leaked' | 'scan' | 'durable'][] = [[' (leaked)', 'leaked'], [' (scan)', 'scan'], [' (durable)', 'durable']];
const LABELS_126 = / labels:\{(.*)\}$/;
const MINUTES = /^(\d+) minutes$/;
const BUBBLE = /^synctest (?:group|bubble) (\d+)$/;

export interface GoroutineHeader {
  id: number;
  state: string;
  waitMinutes: number;
  lockedToThread: boolean;
  leaked: boolean;
  scan: boolean;
  durable: boolean;
  bubble: string | null;
  labels: Record<string, string> | null;
  debug: { gp: string; m: number | null; mp: string | null } | null;
  /** Bracket items this decoder does not know (a newer Go); the header still counts. */
  unknown: string[];
}

/** True when the line is shaped like a goroutine header (cheap test before the full parse). */
export function looksLikeHeader(line: string): boolean {
  return line.startsWith('goroutine ') && line.endsWith(':') && line.charCodeAt(10) >= 0x30 && line.charCodeAt(10) <= 0x39;
}

/** Parses a header line; null when it is not one. Throws LabelSyntaxError for unreadable labels. */
export function parseGoroutineHeader(line: string): GoroutineHeader | null {
  const m = HEADER.exec(line);
  if (!m) return null;
  let bracket = m[5];
  let labels: Record<string, string> | null = null;
  const l126 = LABELS_126.exec(bracket);
  if (l126) {
    labels = parseLabelSet(l126[1]);
    bracket = bracket.slice(0, l126.index);
  }
  if (m[6] !== undefined) labels = parseLabelSet(m[6]);
  const items = bracket.split(', ');
  let state = items[0];
  const flags = { leaked: false, scan: false, durable: false };
  for (let again = true; again; ) {
    again = false;
    for (const [suffix, flag] of MARKERS) {
      if (state.endsWith(suffix)) {
        flags[flag] = true;
        state = state.slice(0, -suffix.length);
        again = true;
      }
    }
  }
  let waitMinutes = 0;
  let lockedToThread = false;
  let bubble: string | null = null;
  const unknown: string[] = [];
  for (const item of items.slice(1)) {
    const minutes = MINUTES.exec(item);
    const inBubble = BUBBLE.exec(item);
    if (minutes) waitMinutes = Number(minutes[1]);
    else if (item === 'locked to thread') lockedToThread = true;
    else if (inBubble) bubble = inBubble[1];
    else unknown.push(item);
  }
  const debug = m[2] !== undefined ? { gp: m[2], m: m[3] !== undefined ? Number(m[3]) : null, mp: m[4] ?? null } : null;
  return { id: Number(m[1]), state, waitMinutes, lockedToThread, bubble, labels, debug, unknown, ...flags };
}

export class LabelSyntaxError extends Error {}

/**
 * Parses the inside of a label set: `k: v, k2: v2` (traceback, 1.27: bare or quoted),
 * `"k": "v", …` (traceback, 1.26) or `"k":"v", …` (debug=1's `# labels:` line). Quoted
 * strings use Go's strconv.Quote escapes.
 */
export function parseLabelSet(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  const skipSpaces = () => {
    while (text[i] === ' ') i++;
  };
  const token = (stops: string): string => {
    skipSpaces();
    if (text[i] === '"') {
      const [value, end] = unquoteGo(text, i);
      i = end;
      return value;
    }
    const start = i;
    while (i < text.length && !stops.includes(text[i])) i++;
    return text.slice(start, i).trimEnd();
  };
  skipSpaces();
  while (i < text.length) {
    const key = token(':');
    if (text[i] !== ':') throw new LabelSyntaxError(`expected ":" after label key "${key}"`);
    i++;
    labels[key] = token(',');
    skipSpaces();
    if (i < text.length) {
      if (text[i] !== ',') throw new LabelSyntaxError(`expected "," between labels`);
      i++;
      skipSpaces();
    }
  }
  return labels;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };

/** Reads a Go-quoted string starting at `start` (the opening quote); returns it and the index after the closing quote. */
function unquoteGo(text: string, start: number): [string, number] {
  const bytes: number[] = [];
  const pushString = (s: string) => bytes.push(...Buffer.from(s, 'utf8'));
  let i = start + 1;
  while (i < text.length && text[i] !== '"') {
    if (text[i] !== '\\') {
      const cp = text.codePointAt(i) ?? 0;
      pushString(String.fromCodePoint(cp));
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = text[i + 1];
    if (e in SIMPLE_ESCAPES) {
      pushString(SIMPLE_ESCAPES[e]);
      i += 2;
    } else if (e === 'x') {
      bytes.push(parseHex(text, i + 2, 2));
      i += 4;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      pushString(String.fromCodePoint(parseHex(text, i + 2, n)));
      i += 2 + n;
    } else {
      throw new LabelSyntaxError(`unknown escape "\\${e ?? ''}" in a quoted label`);
    }
  }
  if (text[i] !== '"') throw new LabelSyntaxError('unterminated quoted label');
  // \xNN escapes are raw bytes (invalid UTF-8 in the label): decode the bytes as a whole.
  return [Buffer.from(bytes).toString('utf8'), i + 1];
}

function parseHex(text: string, at: number, digits: number): number {
  const hex = text.slice(at, at + digits);
  if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) throw new LabelSyntaxError(`bad hex escape "${hex}" in a quoted label`);
  const n = parseInt(hex, 16);
  if (n > 0x10ffff) throw new LabelSyntaxError(`escape "${hex}" is beyond Unicode`);
  return n;
}
