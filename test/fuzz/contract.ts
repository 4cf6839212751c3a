// The project's contract with bad input, checked in-process on one input: decoding ends with a
// result, or with the project's own error (DecodeError) naming the file and a byte offset inside
// it, in one printable line. Dump warnings are one printable line each, with a line number. Each
// input runs the decoder and what the CLI runs over it (trace: the summary and Go's event text;
// profile: pprof's top; dump: the groups), since a crash there is a crash of the command.
//
// Hangs and memory are the driver's business (a worker thread with a timer and a heap limit).

import * as zlib from 'node:zlib';
import { DumpGrouper } from '../../src-main/analyze/dump-groups.ts';
import { IncompatibleProfiles } from '../../src-main/analyze/profile-merge.ts';
import { profileTop, renderTop, TopError } from '../../src-main/analyze/profile-top.ts';
import { TraceSummarizer } from '../../src-main/analyze/trace-summary.ts';
import { DecodeError, type DecodeErrorCode } from '../../src-main/decode/errors.ts';
import { decodeDump } from '../../src-main/decode/gdump/reader.ts';
import { formatEvent } from '../../src-main/decode/gotrace/format-event.ts';
import { openTraceSource } from '../../src-main/decode/gotrace/reader.ts';
import { decodeProfile } from '../../src-main/decode/pprof/decode.ts';
import { bytesSource } from '../../src-main/decode/source.ts';
import type { ArtefactKind } from './seeds.ts';

/**
 * What may not reach a terminal or a one-line field: C0 controls, DEL, C1 controls, line and
 * paragraph separators, bidirectional overrides. Defined here, apart from the code under test.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export function isPrintable(text: string): boolean {
  return !UNPRINTABLE.test(text);
}

/** For showing a message in the fuzzer's report: JSON's escapes, and \u escapes for the rest. */
export function shown(text: string): string {
  const quoted = JSON.stringify(text).slice(1, -1);
  return quoted.replace(new RegExp(UNPRINTABLE.source, 'g'), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What one input did. */
export interface Verdict {
  /**
   * The outcome class: "ok", "partial:<code>" (a result, then an error or warnings), "error:<code>",
   * "refused" (pprof top's own refusal) — or the broken rule's class when `broken`.
   */
  readonly outcome: string;
  /** The rule broken, as a stable signature ("crash:RangeError@generation.ts:146"); null if none. */
  readonly broken: string | null;
  /** The error's message (first line), or the stack's head for a crash. */
  readonly detail: string;
}

const CODES: readonly DecodeErrorCode[] = ['not-a-file', 'empty', 'wrong-type', 'unsupported-version', 'truncated', 'corrupt'];

export function checkInput(kind: ArtefactKind, name: string, bytes: Uint8Array): Verdict {
  try {
    switch (kind) {
      case 'trace': return checkTrace(name, bytes);
      case 'pprof': return checkProfile(name, bytes);
      case 'dump': return checkDump(name, bytes);
    }
  } catch (e) {
    return crash(e);
  }
}

function checkTrace(name: string, bytes: Uint8Array): Verdict {
  let reader;
  try {
    reader = openTraceSource(bytesSource(name, bytes));
  } catch (e) {
    return judgeError(e, name, bytes.length, 'error');
  }
  const summarizer = new TraceSummarizer(reader.format);
  let events = 0;
  let failure: unknown = null;
  try {
    for (let ev = reader.next(); ev !== null; ev = reader.next()) {
      summarizer.add(ev);
      formatEvent(ev, reader.timeOrigin);
      events++;
    }
  } catch (e) {
    failure = e;
  } finally {
    reader.close();
  }
  summarizer.finish();
  if (failure === null) return { outcome: 'ok', broken: null, detail: '' };
  return judgeError(failure, name, bytes.length, events > 0 ? 'partial' : 'error');
}

function checkProfile(name: string, bytes: Uint8Array): Verdict {
  let profile;
  try {
    profile = decodeProfile(name, bytes);
  } catch (e) {
    // Protobuf damage inside gzip is placed in the decompressed data, as the message says.
    const inflated = e instanceof DecodeError && e.message.endsWith('(in the decompressed data)') ? gunzippedSize(bytes) : bytes.length;
    return judgeError(e, name, inflated, 'error');
  }
  try {
    renderTop(profileTop(profile));
  } catch (e) {
    if (e instanceof TopError || e instanceof IncompatibleProfiles) return { outcome: 'refused', broken: null, detail: e.message };
    throw e;
  }
  return { outcome: 'ok', broken: null, detail: '' };
}

function checkDump(name: string, bytes: Uint8Array): Verdict {
  const grouper = new DumpGrouper();
  let info;
  try {
    info = decodeDump(bytesSource(name, bytes), (item) => grouper.add(item));
  } catch (e) {
    return judgeError(e, name, bytes.length, 'error');
  }
  grouper.finish(info);
  for (const w of info.warnings) {
    const problem = messageProblem(w.message, name);
    if (problem) return { outcome: `warning-${problem}`, broken: `warning:${problem}`, detail: shown(w.message) };
    if (!Number.isInteger(w.line) || w.line < 1 || !w.message.includes(`line ${w.line}`)) {
      return { outcome: 'warning-line', broken: 'warning:no line number', detail: w.message };
    }
    if (!Number.isInteger(w.offset) || w.offset < -1 || w.offset > bytes.length) {
      return { outcome: 'warning-offset', broken: 'warning:offset outside the file', detail: w.message };
    }
  }
  return info.warnings.length > 0 ? { outcome: 'partial:warnings', broken: null, detail: info.warnings[0].message } : { outcome: 'ok', broken: null, detail: '' };
}

function gunzippedSize(bytes: Uint8Array): number {
  try {
    return zlib.gunzipSync(bytes).length;
  } catch {
    return bytes.length;
  }
}

/** An error that ended decoding: a DecodeError keeping the rules, or a broken rule. */
function judgeError(e: unknown, name: string, size: number, how: 'error' | 'partial'): Verdict {
  if (!(e instanceof DecodeError)) return crash(e);
  const outcome = `${how}:${e.code}`;
  const problem = messageProblem(e.message, name);
  if (problem) return { outcome, broken: `message:${problem}`, detail: shown(e.message) };
  if (!CODES.includes(e.code)) return { outcome, broken: `code:${String(e.code)}`, detail: e.message };
  const offsetOk = Number.isInteger(e.offset) && e.offset <= size && (e.offset >= 0 || (e.offset === -1 && e.code === 'not-a-file'));
  if (!offsetOk) return { outcome, broken: `offset:${e.code}`, detail: `offset ${e.offset} of ${size}: ${e.message}` };
  return { outcome, broken: null, detail: e.message };
}

/** Why a message is not one printable line naming the file; null when it is. */
function messageProblem(message: string, name: string): string | null {
  if (message.includes('\n')) return 'multi-line';
  if (!isPrintable(message)) return 'control characters';
  if (!message.startsWith(name)) return 'no file name';
  return null;
}

function crash(e: unknown): Verdict {
  const err = e instanceof Error ? e : new Error(String(e));
  const where = /\/src-main\/([^\s:)]+):(\d+)/.exec(err.stack ?? '') ?? /\/(test\/[^\s:)]+):(\d+)/.exec(err.stack ?? '');
  const site = where ? `@${where[1].split('/').pop()}:${where[2]}` : '';
  return { outcome: `crash:${err.name}`, broken: `crash:${err.name}${site}`, detail: shown(`${err.name}: ${err.message}`).slice(0, 300) };
}
