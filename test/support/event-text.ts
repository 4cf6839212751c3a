// Renders a whole trace as `go tool trace -d=parsed` prints it, for comparisons with Go's output.

import { gunzipSync } from 'node:zlib';
import * as fs from 'node:fs';
import { formatEvent } from '../../src-main/decode/gotrace/format-event.ts';
import type { TraceReader } from '../../src-main/decode/gotrace/model.ts';

/** Every event as Go prints it (fmt.Println(ev.String())), and the error that stopped the reader, if any. */
export function renderEvents(reader: TraceReader): { text: string; error: Error | null } {
  const parts: string[] = [];
  let error: Error | null = null;
  try {
    for (let ev = reader.next(); ev; ev = reader.next()) parts.push(formatEvent(ev, reader.timeOrigin) + '\n');
  } catch (e) {
    error = e as Error;
  } finally {
    reader.close();
  }
  return { text: parts.join(''), error };
}

export function readGzipText(path: string): string {
  return gunzipSync(fs.readFileSync(path)).toString('utf8');
}

/** The first differing line of two texts, for readable assertion messages. */
export function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  for (let i = 0; i < Math.max(a.length, e.length); i++) {
    if (a[i] !== e[i]) return `line ${i + 1}:\n  ours: ${a[i]}\n  go:   ${e[i]}`;
  }
  return 'identical';
}
