// Reads the text-format traces of Go's own reader tests ($GOROOT/src/internal/trace/testdata/tests)
// and encodes them to binary the way Go's raw writer does, so that our decoder can be run on the
// same edge cases Go's reader is tested with (generation boundaries, stolen procs, bare threads…).

import { TIMED_SPECS } from '../../src-main/decode/gotrace/v2/spec.ts';

export interface GoTestCase {
  /** null when the trace must decode; otherwise a regular expression the error must match. */
  readonly failure: RegExp | null;
  readonly bytes: Uint8Array;
}

/** Argument names of structural (untimed) events, which the text format also uses. */
const STRUCTURAL: Record<string, { code: number; args: string[]; data?: boolean; stack?: boolean }> = {
  EventBatch: { code: 1, args: ['gen', 'm', 'time', 'size'] },
  Stacks: { code: 2, args: [] },
  Stack: { code: 3, args: ['id', 'nframes'], stack: true },
  Strings: { code: 4, args: [] },
  String: { code: 5, args: ['id'], data: true },
  CPUSamples: { code: 6, args: [] },
  CPUSample: { code: 7, args: ['time', 'm', 'p', 'g', 'stack'] },
  Frequency: { code: 8, args: ['freq'] },
  ExperimentalBatch: { code: 49, args: ['exp', 'gen', 'm', 'time'], data: true },
  Sync: { code: 50, args: [] },
  ClockSnapshot: { code: 51, args: ['dt', 'mono', 'sec', 'nsec'] },
  EndOfGeneration: { code: 52, args: [] },
};

function eventTable(): Map<string, { code: number; args: string[]; data?: boolean; stack?: boolean }> {
  const table = new Map(Object.entries(STRUCTURAL));
  TIMED_SPECS.forEach((spec, code) => {
    if (spec) table.set(spec.name, { code, args: ['dt', ...spec.args] });
  });
  return table;
}

function uvarint(out: number[], value: bigint): void {
  let v = value;
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

/** Decodes a Go double-quoted string literal into bytes. */
function goUnquote(lit: string): number[] {
  if (!lit.startsWith('"') || !lit.endsWith('"')) throw new Error(`bad data literal ${lit}`);
  const s = lit.slice(1, -1);
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\') {
      out.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = s[++i];
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, '"': 34, "'": 39 };
    if (n in simple) out.push(simple[n]);
    else if (n === 'x') { out.push(parseInt(s.slice(i + 1, i + 3), 16)); i += 2; }
    else if (n === 'u') { out.push(...Buffer.from(String.fromCodePoint(parseInt(s.slice(i + 1, i + 5), 16)), 'utf8')); i += 4; }
    else throw new Error(`unsupported escape \\${n}`);
  }
  return out;
}

function parseArgs(line: string, names: string[]): bigint[] {
  const fields = line.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== names.length) throw new Error(`expected ${names.length} args in "${line}"`);
  return fields.map((f, i) => {
    const [k, v] = f.split('=');
    if (k !== names[i]) throw new Error(`expected arg ${names[i]}, found ${k} in "${line}"`);
    return BigInt(v);
  });
}

export function parseGoTestCase(text: string): GoTestCase {
  const expectPart = /-- expect --\n([^\n]*)\n/.exec(text);
  const tracePart = text.split('-- trace --\n')[1];
  if (!expectPart || tracePart === undefined) throw new Error('not a Go trace test file');
  const expect = expectPart[1].trim();
  const failure = expect === 'SUCCESS' ? null : new RegExp(JSON.parse(expect.replace(/^FAILURE /, '')));
  const lines = tracePart.split('\n').map((l) => l.replace(/#.*$/, '')).filter((l) => l.trim() !== '');
  const version = /^Trace Go1\.(\d+)$/.exec(lines[0].trim());
  if (!version) throw new Error(`bad trace header line ${lines[0]}`);
  const out: number[] = [...Buffer.from(`go 1.${version[1]} trace\x00\x00\x00`, 'latin1')];
  const table = eventTable();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    const [name, ...rest] = line.split(/\s+/);
    const spec = table.get(name);
    if (!spec) throw new Error(`unknown event ${name}`);
    const args = parseArgs(rest.join(' '), spec.args);
    out.push(spec.code);
    for (const a of args) uvarint(out, a);
    if (spec.stack) {
      for (let f = 0; f < Number(args[1]); f++) {
        for (const a of parseArgs(lines[++i], ['pc', 'func', 'file', 'line'])) uvarint(out, a);
      }
    }
    if (spec.data) {
      const m = /^\s*data=(.*)$/.exec(lines[++i]);
      if (!m) throw new Error(`expected a data line after ${name}`);
      const data = goUnquote(m[1]);
      uvarint(out, BigInt(data.length));
      out.push(...data);
    }
  }
  return { failure, bytes: Uint8Array.from(out) };
}
