// Answers about a file as it is on disk, for the CLI (stats, events, top, dump, leaks): read
// straight from the file, no library needed and nothing indexed, so `goroscope stats x.trace`
// works on a machine that never made a library. Functions of the service layer rather than
// GoroscopeService methods, and not on HTTP or IPC: docs/architecture.md, "Answers about files".

import { existsSync, statSync } from 'node:fs';
import { DecodeError } from '../decode/errors.ts';
import { sniffDump } from '../decode/gdump/reader.ts';
import { formatEvent } from '../decode/gotrace/format-event.ts';
import type { TraceReader } from '../decode/gotrace/model.ts';
import { openTrace } from '../decode/gotrace/reader.ts';
import { readProfileFile, sniffProfile } from '../decode/pprof/decode.ts';
import { readAnyProfileFile, sniffTextProfile } from '../decode/pprof/text-profile.ts';
import { fileSource, type ByteSource } from '../decode/source.ts';
import { diffDumpGroups } from '../analyze/dump-diff.ts';
import { groupDumpSource, markProfiledLeaks } from '../analyze/dump-groups.ts';
import { groupDumpSourceFromSite } from '../analyze/dump-from-trace.ts';
import { profileStacks } from '../analyze/dump-leak-profile.ts';
import { IncompatibleProfiles } from '../analyze/profile-merge.ts';
import { profileTop, TopError } from '../analyze/profile-top.ts';
import { summarizeTrace } from '../analyze/trace-summary.ts';
import { defaultLibraryDir, Library, LibraryError, readHead, traceSummary, type Artefact } from '../index/library.ts';
import { compactEventLine } from './compact-event-line.ts';
import type { DumpDiff, DumpFrame, DumpGroups, ProfileTop, TraceSummary } from './types.ts';
import { InvalidArgument } from './validate.ts';

/** pprof -top's text for a ProfileTop: what `goroscope top` prints (--json aside). */
export { renderTop } from '../analyze/profile-top.ts';

/** Thrown when a trace was asked for and the file or artefact is a profile or a dump. */
export class NotATrace extends Error {
  constructor(readonly ref: string, readonly kind: 'profile' | 'dump') {
    super(`${ref} is a ${kind}, not an execution trace`);
  }
}

/** True when the file's first bytes are a goroutine dump's (debug=1 profiles included); false otherwise or when it cannot be read. */
export function isDumpFile(file: string): boolean {
  try {
    return sniffDump(readHead(file));
  } catch {
    return false;
  }
}

/** "profile" or "dump" when the file's first bytes say it is one; null otherwise (a trace, or unreadable: the decoder then says what is wrong). */
export function profileOrDumpFile(file: string): 'profile' | 'dump' | null {
  let head: Uint8Array;
  try {
    head = readHead(file);
  } catch {
    return null;
  }
  if (sniffProfile(head) || sniffTextProfile(head)) return 'profile';
  if (sniffDump(head)) return 'dump';
  return null;
}

export interface IndexedTraceSummary {
  summary: TraceSummary;
  /** The damage the index was made up to (the summary covers what came before it). */
  warning: string | null;
  artefact: Artefact;
}

const HASH_PREFIX = /^[0-9a-f]{4,64}$/;

/**
 * The summary of a trace from the library in `libraryDir` (opened read-only, never created),
 * when `ref` is a file whose content is indexed there completely or a content hash (prefix) of
 * an artefact; null when it is neither. Throws NotATrace for a profile or dump artefact, and
 * LibraryError for a hash without a library or an unknown hash.
 */
export function indexedTraceSummary(ref: string, libraryDir: string | undefined): IndexedTraceSummary | null {
  const isFile = isRegularFile(ref);
  const lib = Library.openReadOnly(libraryDir);
  if (!lib) {
    if (!isFile && HASH_PREFIX.test(ref)) throw new LibraryError(`no artefact library in ${libraryDir ?? defaultLibraryDir()}`);
    return null;
  }
  try {
    let artefact = isFile ? lib.findByContent(ref) : HASH_PREFIX.test(ref) ? lib.resolve(ref) : null;
    // A file whose index is partial is read whole instead: a partial index never stands for its file.
    if (isFile && artefact?.partial) artefact = null;
    if (artefact && artefact.kind !== 'trace') throw new NotATrace(ref, artefact.kind);
    return artefact ? { summary: traceSummary(artefact), warning: artefact.warning, artefact } : null;
  } finally {
    lib.close();
  }
}

function isRegularFile(ref: string): boolean {
  return existsSync(ref) && statSync(ref).isFile();
}

export interface DecodedTraceSummary {
  /**
   * The summary of what was decodable; null when a damaged trace yielded nothing but the
   * reader's Sync markers (then only the warning is worth showing).
   */
  summary: TraceSummary | null;
  /** Set when the trace is damaged: what was lost and where. */
  warning: string | null;
}

/**
 * Decodes a trace file whole and summarises it, as indexing would: a damaged trace is summarised
 * up to the damage. Throws DecodeError when the file cannot be opened or is not a trace.
 */
export function summarizeTraceFile(path: string, onProgress?: (bytes: number, events: number, totalBytes: number) => void): DecodedTraceSummary {
  const reader = openTrace(path);
  const totalBytes = statSync(path).size;
  const { summary, warning } = summarizeTrace(reader, onProgress && ((bytes, events) => onProgress(bytes, events, totalBytes)));
  const decodedSomething = summary.events > (summary.eventsByKind.Sync ?? 0);
  return { summary: !warning || decodedSomething ? summary : null, warning: warning ? warning.message : null };
}

/** How `traceFileEventLines` prints an event: as `go tool trace -d=parsed`, or one short line (compact-event-line.ts). */
export type EventLineFormat = 'go' | 'compact';

/**
 * The events of a trace file in Go's order, one line each, produced as they are read (a trace
 * may hold tens of millions). The file is opened now (DecodeError if it cannot be); a damaged
 * trace yields the lines before the damage, then the iteration throws its DecodeError. Ending
 * the iteration early (break) closes the file.
 */
export function traceFileEventLines(path: string, format: EventLineFormat): Generator<string, void, undefined> {
  return eventLines(openTrace(path), format);
}

function* eventLines(reader: TraceReader, format: EventLineFormat): Generator<string, void, undefined> {
  try {
    for (let ev = reader.next(); ev !== null; ev = reader.next()) {
      yield format === 'go' ? formatEvent(ev, reader.timeOrigin) : compactEventLine(ev, reader.timeOrigin);
    }
  } finally {
    reader.close();
  }
}

export interface ProfileFileTopOptions {
  /** Sample type name or index; "" for the profile's default. */
  sampleType: string;
  /** Rows to keep (pprof -nodecount); 0: every node above pprof's 0.5% cutoff. */
  nodeCount: number;
  cum: boolean;
  /** A profile file to subtract first (pprof -base). */
  baseFile?: string;
}

/**
 * `pprof -top` of a profile file (profile.proto, gzipped or not, or debug=1 text), as
 * `goroscope top` prints it. `warning`: what a cut text profile lost (the rows cover what was
 * read). Throws DecodeError for an unreadable file, InvalidArgument ("FILE: reason") for an
 * unknown sample type or a base of another type.
 */
export function profileFileTop(file: string, options: ProfileFileTopOptions): { top: ProfileTop; warning: string | null } {
  const read = readAnyProfileFile(file, readProfileFile);
  const base = options.baseFile !== undefined ? readAnyProfileFile(options.baseFile, readProfileFile).profile : undefined;
  try {
    return { top: profileTop(read.profile, { sampleType: options.sampleType, nodeCount: options.nodeCount, cum: options.cum, base }), warning: read.warning };
  } catch (e) {
    if (e instanceof TopError || e instanceof IncompatibleProfiles) throw new InvalidArgument(`${file}: ${e.message}`);
    throw e;
  }
}

/** A goroutine dump file grouped by identical stacks (warnings for lines that break it in `info`). Throws DecodeError when it holds no dump. */
export function groupDumpFile(path: string, onProgress?: (bytes: number, items: number) => void): DumpGroups {
  return withFileSource(path, (source) => groupDumpSource(source, onProgress));
}

/** A dump file grouped by the stacks from their sites outward, to compare with a dump reconstructed from a trace (dump-from-trace.ts). */
export function groupDumpFileFromSite(path: string): DumpGroups {
  return withFileSource(path, groupDumpSourceFromSite);
}

export interface DumpFilesGrowth {
  before: DumpGroups;
  after: DumpGroups;
  /** The groups of identical stacks, matched across the two dumps, by growth. */
  diff: DumpDiff;
}

/**
 * The leak gate's comparison of two dump files of one program taken some time apart: groups
 * waiting `longWaitMinutes` or more are flagged, and groups a goroutineleak profile taken with
 * `after` lists (`leakProfileFile`) are proven leaks. Throws DecodeError for a file that holds no dump.
 */
export function dumpFilesGrowth(beforeFile: string, afterFile: string, longWaitMinutes: number, leakProfileFile?: string): DumpFilesGrowth {
  const before = groupDumpFile(beforeFile);
  const after = groupDumpFile(afterFile);
  if (leakProfileFile !== undefined) markProfiledLeaks(after, readLeakProfileStacks(leakProfileFile));
  return { before, after, diff: diffDumpGroups(before, after, longWaitMinutes) };
}

/** How a real dump file differs from the dump a trace implies at the moment it was taken (both grouped from their sites outward). */
export function dumpFileAgainstTrace(dumpFile: string, traceDump: DumpGroups): DumpDiff {
  return diffDumpGroups(groupDumpFileFromSite(dumpFile), traceDump, 0);
}

/** Reads a goroutineleak profile (profile.proto, gzipped or not, or debug=1 text) and returns its stacks. */
export function readLeakProfileStacks(path: string): DumpFrame[][] {
  if (sniffProfile(withFileSource(path, (source) => source.read(0, 4096)))) return profileStacks(readProfileFile(path));
  const text = groupDumpFile(path);
  if (text.info.profileName !== 'goroutineleak') {
    throw new DecodeError(path, 0, 'wrong-type', `a ${text.info.profileName ?? text.format} dump: expected a goroutineleak profile (profile.proto or debug=1 text)`);
  }
  return text.groups.map((g) => g.stack);
}

function withFileSource<T>(path: string, read: (source: ByteSource) => T): T {
  const source = fileSource(path);
  try {
    return read(source);
  } finally {
    source.close();
  }
}
