// Goroutine text dumps, streamed line by line: debug=2 dumps (`runtime.Stack(buf, true)`, the
// same text in panics, fatal errors and SIGQUIT output, also inside a larger log) and debug=1
// count profiles. Every goroutine or record is handed to a callback as soon as its block ends,
// so memory is bounded by one goroutine, not by the dump.
//
// Text around the dump (log lines, register dumps, the panic chain) is context, not an error.
// A line that breaks a goroutine's stack, or stands between two goroutines, is reported as a
// warning with its line number, and decoding goes on.

import { DecodeError, printable, quoteText } from '../errors.ts';
import { fileSource, type ByteSource } from '../source.ts';
import { LabelSyntaxError, looksLikeHeader, parseGoroutineHeader, parseLabelSet, type GoroutineHeader } from './header.ts';
import { forEachLine } from './lines.ts';
import type { AncestorTrace, CreatedBy, DumpFormat, DumpFrame, DumpGoroutine, DumpInfo, DumpItem, DumpRecord, DumpWarning } from './model.ts';

const LOCATION = /^\t(.+):(\d+)(?: \+0x([0-9a-f]+))?(?: fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=0x[0-9a-f]+)?$/;
// `s`: a function name may hold any character (a carriage return, U+2028) and stays one line here.
const CREATED_BY = /^created by (.+?)(?: in goroutine (\d+))?$/s;
const ELIDED = /^\.\.\.(\d+) frames elided\.\.\.$/;
const ELIDED_OLD = '...additional frames elided...';
const ORIGINATING = /^\[originating from goroutine (\d+)\]:$/;
const STACK_UNAVAILABLE = '\tgoroutine running on other thread; stack unavailable';
const PROFILE_HEADER = /^(\w+) profile: total (\d+)$/;
const RECORD = /^(\d+) @((?: 0x[0-9a-f]+)*)$/;
const RECORD_FRAME_FUNC = /^(.*)\+0x([0-9a-f]+)$/;
const FILE_LINE = /^(.*):(\d+)$/;
// Lines of a dying program's stderr around its goroutines (runtime/panic.go, signal_unix.go,
// traceback.go): known context, never warnings.
const REGISTER = /^[a-z][a-z0-9]{0,6} +0x[0-9a-f]+$/;
const SIGNAL_NAME = /^SIG[A-Z0-9]+: /;
const SIGNAL_PC = /^PC=0x[0-9a-f]+ m=\d+ sigcode=/;
const CONTEXT_PREFIXES = ['runtime: ', 'exit status ', 'fatal: ', '[recovered', '\tstack=[', 'Exception '];

/** Functions a stack may end with and be whole without a "created by" line (cgo callbacks, system stacks). */
const STACK_ROOTS = new Set(['runtime.goexit', 'runtime.main', 'runtime.mstart', 'runtime.mcall', 'runtime.systemstack', 'runtime.rt0_go']);

/** Warnings kept per dump; the rest are counted. */
const MAX_WARNINGS = 200;
/** Unplaced lines remembered while deciding whether they sit inside the dump or after it. */
const MAX_PENDING = 64;

/** True when a file starting with `head` (at most a few KB) is a goroutine dump. */
export function sniffDump(head: Uint8Array): boolean {
  if (binaryAt(head) >= 0) return false;
  const text = Buffer.from(head.buffer, head.byteOffset, head.length).toString('latin1');
  return /^goroutine \d+ (?:gp=0x[0-9a-f]+ m=\S+ (?:mp=0x[0-9a-f]+ )?)?\[[^\]\n]*\].*:\r?$/m.test(text) || /^\w+ profile: total \d+\r?$/m.test(text);
}

/** Decodes the dump in `path`; see decodeDump. */
export function decodeDumpFile(path: string, onItem: (item: DumpItem) => void, onProgress?: (bytes: number, items: number) => void): DumpInfo {
  const source = fileSource(path);
  try {
    return decodeDump(source, onItem, onProgress);
  } finally {
    source.close();
  }
}

/**
 * Decodes a goroutine dump, calling `onItem` for every goroutine (debug=2) or record (debug=1)
 * in input order. Throws DecodeError when the input is not text or holds no dump at all;
 * anything less is a warning in the returned DumpInfo.
 */
export function decodeDump(source: ByteSource, onItem: (item: DumpItem) => void, onProgress?: (bytes: number, items: number) => void): DumpInfo {
  const head = source.read(0, 4096);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    throw new DecodeError(source.name, 0, 'wrong-type', 'gzip-compressed data: expected a goroutine text dump (a pprof profile is read by `goroscope top`)');
  }
  const nul = binaryAt(head);
  if (nul >= 0) throw new DecodeError(source.name, nul, 'wrong-type', 'binary data: expected a goroutine text dump');
  const parser = new DumpParser(source.name, onItem);
  const { bytes, lines, unterminated } = forEachLine(
    source,
    (text, lineNumber, offset) => parser.line(text, lineNumber, offset),
    onProgress ? (b) => onProgress(b, parser.items) : undefined,
  );
  return parser.finish(bytes, lines, unterminated);
}

/** Index of the first byte that text never contains (NUL, or most C0 controls), or −1. */
function binaryAt(head: Uint8Array): number {
  for (let i = 0; i < head.length; i++) {
    const b = head[i];
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x1b && b !== 0x0c) return i;
  }
  return -1;
}

type State =
  | 'outside' // between blocks
  | 'frames' // inside a goroutine, after its header or a complete frame
  | 'location' // after a function line: its "\tfile:line" comes next
  | 'createdByLocation' // after "created by F": its "\tfile:line" comes next
  | 'record' // inside a debug=1 record
  | 'runtimeStack'; // "runtime stack:" of a crashing thread: frames without a goroutine

interface PendingLine {
  text: string;
  line: number;
  offset: number;
}

/** Mutable goroutine under construction; frozen into a DumpGoroutine when its block ends. */
interface GoroutineDraft {
  header: GoroutineHeader;
  lineNumber: number;
  /** The goroutine's own stack. */
  own: StackDraft;
  elidedFrames: number;
  elidedAt: number;
  stackUnavailable: boolean;
  ancestors: { id: number; frames: DumpFrame[]; createdBy: CreatedBy | null }[];
  /** Where frames and `created by` go: the goroutine's own stack, or its latest ancestor's. */
  target: StackDraft;
}

interface StackDraft {
  frames: DumpFrame[];
  createdBy: CreatedBy | null;
}

interface RecordDraft {
  count: number;
  pcs: string[];
  labels: Record<string, string> | null;
  frames: DumpFrame[];
  lineNumber: number;
}

class DumpParser {
  items = 0;
  private state: State = 'outside';
  private goroutine: GoroutineDraft | null = null;
  private record: RecordDraft | null = null;
  /** The function line waiting for its location: [func, args, line number]. */
  private pendingFunc: [string, string, number] | null = null;
  private pendingCreatedBy: [string, number | null, number] | null = null;
  private pending: PendingLine[] = [];
  private pendingDropped = 0;
  private goroutines = 0;
  private sawRecord = false;
  private profileName: string | null = null;
  private declaredTotal: number | null = null;
  private panics: string[] = [];
  private fatalError: string | null = null;
  private signal: string | null = null;
  private firstLine = 0;
  private lastLine = 0;
  private warnings: DumpWarning[] = [];
  private warningsDropped = 0;

  constructor(
    private readonly name: string,
    private readonly onItem: (item: DumpItem) => void,
  ) {}

  line(text: string, lineNumber: number, offset: number): void {
    if (text.length === 0) {
      this.endBlock(lineNumber, offset);
      return;
    }
    const c = text.charCodeAt(0);
    if (c === 0x67 /* g */ && looksLikeHeader(text)) {
      const header = this.parseHeader(text, lineNumber, offset);
      if (header) {
        this.startGoroutine(header, lineNumber, offset);
        return;
      }
    }
    switch (this.state) {
      case 'frames':
      case 'location':
      case 'createdByLocation':
        if (this.goroutineLine(text, c, lineNumber, offset)) return;
        break;
      case 'record':
        if (this.recordLine(text, c, lineNumber, offset)) return;
        break;
      case 'runtimeStack':
        if ((c === 0x09 && LOCATION.test(text)) || isFunctionLine(text)) return;
        this.state = 'outside';
        break;
      case 'outside':
        break;
    }
    this.outsideLine(text, c, lineNumber, offset);
  }

  finish(bytes: number, lines: number, unterminated: boolean): DumpInfo {
    this.warnIfCut(bytes, lines, unterminated);
    this.endBlock(lines + 1, bytes);
    if (this.pendingDropped > 0 && this.items === 0) this.pending = [];
    if (this.items === 0 && this.goroutines === 0) {
      throw new DecodeError(
        this.name,
        0,
        'wrong-type',
        `no goroutine dump in ${lines} line${lines === 1 ? '' : 's'}: expected a "goroutine N [state]:" header (debug=2, runtime.Stack, panic output) or "goroutine profile: total N" (debug=1)`,
      );
    }
    if (this.declaredTotal !== null && this.sawRecord && this.declaredTotal !== this.goroutines) {
      this.warn(this.lastLine, -1, `the profile header says total ${this.declaredTotal} but its records count ${this.goroutines} goroutines ` +
        `(${this.declaredTotal > this.goroutines ? `the dump is likely cut after line ${this.lastLine}` : 'damaged records'})`);
    }
    return {
      name: this.name,
      format: this.format(),
      profileName: this.profileName,
      declaredTotal: this.declaredTotal,
      goroutines: this.goroutines,
      panics: this.panics,
      fatalError: this.fatalError,
      signal: this.signal,
      firstLine: this.firstLine,
      lastLine: this.lastLine,
      warnings: this.warnings,
      warningsDropped: this.warningsDropped,
      bytes,
      lines,
    };
  }

  /**
   * A dump that ends where the runtime would not have ended it: inside a line of the dump (no
   * final newline), or inside a goroutine's stack (a goroutine other than the main one whose
   * frames stop without the "created by" line the runtime prints last, or with no frame at all).
   * Only the last goroutine can show a cut, and a cut right after a whole goroutine shows none.
   * What was decodable is kept; the warning says where the file was likely cut.
   */
  private warnIfCut(bytes: number, lines: number, unterminated: boolean): void {
    const lastPending = this.pending.length > 0 ? this.pending[this.pending.length - 1] : null;
    const inDump = this.goroutine !== null || this.record !== null || this.state === 'runtimeStack' ||
      (lastPending !== null && lastPending.line === lines && looksLikeDumpLine(lastPending.text));
    if (unterminated && inDump) {
      this.warn(lines, -1, `the file ends inside this line, at byte ${bytes} (no newline after it): the dump is likely cut there`);
      return;
    }
    const g = this.goroutine;
    if (!g || g.stackUnavailable || g.ancestors.length > 0 || this.state !== 'frames') return;
    const frames = g.own.frames;
    // Before Go 1.21 a deep stack was cut after 100 frames ("...additional frames elided...").
    if (frames.length > 0 && g.elidedAt === frames.length) return;
    const last = frames.length > 0 ? frames[frames.length - 1].func : '';
    if (frames.length === 0) {
      this.warn(lines, -1, `goroutine ${g.header.id} (line ${g.lineNumber}) has no stack: the dump is likely cut after line ${lines}, at byte ${bytes}`);
    } else if (g.header.id > 1 && g.own.createdBy === null && !STACK_ROOTS.has(last)) {
      this.warn(lines, -1, `goroutine ${g.header.id} (line ${g.lineNumber}): its stack ends without the "created by" line the runtime prints last: ` +
        `the dump is likely cut after line ${lines}, at byte ${bytes}`);
    }
  }

  private format(): DumpFormat {
    if (this.sawRecord) return 'debug=1';
    if (this.fatalError !== null) return 'fatal';
    if (this.signal !== null) return 'signal';
    if (this.panics.length > 0) return 'panic';
    return 'debug=2';
  }

  // --- debug=2 ---------------------------------------------------------------------------

  private parseHeader(text: string, lineNumber: number, offset: number): GoroutineHeader | null {
    try {
      const header = parseGoroutineHeader(text);
      if (header && header.unknown.length > 0) {
        this.warn(lineNumber, offset, `goroutine ${header.id}: unknown header item${header.unknown.length > 1 ? 's' : ''} ${header.unknown.map((u) => quoteText(u)).join(', ')}`);
      }
      return header;
    } catch (e) {
      if (!(e instanceof LabelSyntaxError)) throw e;
      this.warn(lineNumber, offset, `unreadable labels in goroutine header: ${e.message}`);
      return parseGoroutineHeader(text.replace(/ labels:\{.*\}\]/, ']').replace(/\] \{.*\}:$/, ']:'));
    }
  }

  private startGoroutine(header: GoroutineHeader, lineNumber: number, offset: number): void {
    this.endBlock(lineNumber, offset);
    this.flushPending('between goroutines');
    if (this.firstLine === 0) this.firstLine = lineNumber;
    const own: StackDraft = { frames: [], createdBy: null };
    const draft: GoroutineDraft = { header, lineNumber, own, elidedFrames: 0, elidedAt: -1, stackUnavailable: false, ancestors: [], target: own };
    this.goroutine = draft;
    this.state = 'frames';
    this.lastLine = lineNumber;
  }

  /** A line while inside a goroutine; false when it is not part of the goroutine (the caller handles it as outside text). */
  private goroutineLine(text: string, c: number, lineNumber: number, offset: number): boolean {
    const g = this.goroutine!;
    if (c === 0x09 /* \t */) {
      const loc = LOCATION.exec(text);
      if (loc) {
        this.flushPending('inside a goroutine stack');
        const file = loc[1];
        const line = Number(loc[2]);
        const pcOffset = loc[3] !== undefined ? parseInt(loc[3], 16) : -1;
        if (this.state === 'location') {
          const [func, args] = this.pendingFunc!;
          g.target.frames.push({ func, args, file, line, pcOffset });
          this.pendingFunc = null;
        } else if (this.state === 'createdByLocation') {
          const [func, parentId] = this.pendingCreatedBy!;
          g.target.createdBy = { func, file, line, parentId };
          this.pendingCreatedBy = null;
        } else {
          this.warn(lineNumber, offset, `goroutine ${g.header.id}: file:line without a function line before it`);
        }
        this.state = 'frames';
        this.lastLine = lineNumber;
        return true;
      }
      if (text === STACK_UNAVAILABLE) {
        this.completeDanglingLines(lineNumber, offset);
        g.stackUnavailable = true;
        this.lastLine = lineNumber;
        return true;
      }
    }
    if (this.state !== 'frames') {
      // A function or `created by` line must be followed by its location.
      if (c === 0x09 || !isDumpShaped(text, c)) {
        this.warn(lineNumber, offset, `goroutine ${g.header.id}: expected "\\tfile:line" after line ${this.danglingLine()}, found ${quoteLine(text)}`);
        return true;
      }
      this.completeDanglingLines(lineNumber, offset);
    }
    const createdBy = c === 0x63 /* c */ ? CREATED_BY.exec(text) : null;
    if (createdBy) {
      const m = createdBy;
      this.flushPending('inside a goroutine stack');
      this.pendingCreatedBy = [m[1], m[2] !== undefined ? Number(m[2]) : null, lineNumber];
      this.state = 'createdByLocation';
      this.lastLine = lineNumber;
      return true;
    }
    if (c === 0x2e /* . */) {
      const elided = ELIDED.exec(text);
      if (elided || text === ELIDED_OLD) {
        this.flushPending('inside a goroutine stack');
        if (g.target === g.own) {
          g.elidedFrames = elided ? Number(elided[1]) : -1;
          g.elidedAt = g.own.frames.length;
        }
        this.lastLine = lineNumber;
        return true;
      }
    }
    if (c === 0x5b /* [ */) {
      const origin = ORIGINATING.exec(text);
      if (origin) {
        this.flushPending('inside a goroutine stack');
        const ancestor = { id: Number(origin[1]), frames: [], createdBy: null };
        g.ancestors.push(ancestor);
        g.target = ancestor;
        this.lastLine = lineNumber;
        return true;
      }
    }
    if (isFunctionLine(text)) {
      this.flushPending('inside a goroutine stack');
      const open = text.lastIndexOf('(');
      this.pendingFunc = [text.slice(0, open), text.slice(open + 1, -1), lineNumber];
      this.state = 'location';
      this.lastLine = lineNumber;
      return true;
    }
    return false;
  }

  /** The line number of the function or `created by` line still waiting for its location. */
  private danglingLine(): number {
    return this.pendingFunc?.[2] ?? this.pendingCreatedBy?.[2] ?? 0;
  }

  /** Records a function or `created by` whose location never came (a truncated or damaged dump). */
  private completeDanglingLines(lineNumber: number, offset: number): void {
    const g = this.goroutine;
    if (!g) return;
    if (this.pendingFunc) {
      const [func, args, at] = this.pendingFunc;
      g.target.frames.push({ func, args, file: '', line: 0, pcOffset: -1 });
      this.warn(lineNumber, offset, `goroutine ${g.header.id}: the function on line ${at} has no "\\tfile:line" line`);
      this.pendingFunc = null;
    }
    if (this.pendingCreatedBy) {
      const [func, parentId, at] = this.pendingCreatedBy;
      g.target.createdBy = { func, file: '', line: 0, parentId };
      this.warn(lineNumber, offset, `goroutine ${g.header.id}: "created by" on line ${at} has no "\\tfile:line" line`);
      this.pendingCreatedBy = null;
    }
    this.state = 'frames';
  }

  // --- debug=1 ---------------------------------------------------------------------------

  private recordLine(text: string, c: number, lineNumber: number, offset: number): boolean {
    if (c !== 0x23 /* # */) return false;
    const r = this.record!;
    if (text.startsWith('#\t')) {
      const fields = text.split(/\t+/);
      const pc = fields[1];
      let func = pc;
      let pcOffset = -1;
      let file = '';
      let line = 0;
      if (fields.length >= 4) {
        const fn = RECORD_FRAME_FUNC.exec(fields[2]);
        const loc = FILE_LINE.exec(fields.slice(3).join('\t'));
        func = fn ? fn[1] : fields[2];
        pcOffset = fn ? parseInt(fn[2], 16) : -1;
        if (loc) {
          file = loc[1];
          line = Number(loc[2]);
        }
      } else if (fields.length !== 2 || !/^0x[0-9a-f]+$/.test(pc)) {
        return false;
      }
      this.flushPending('inside a profile record');
      r.frames.push({ func, args: '', file, line, pcOffset });
      this.lastLine = lineNumber;
      return true;
    }
    if (text.startsWith('# labels: {') && text.endsWith('}')) {
      this.flushPending('inside a profile record');
      try {
        r.labels = parseLabelSet(text.slice('# labels: {'.length, -1));
      } catch (e) {
        if (!(e instanceof LabelSyntaxError)) throw e;
        this.warn(lineNumber, offset, `unreadable labels: ${e.message}`);
      }
      this.lastLine = lineNumber;
      return true;
    }
    return false;
  }

  private startRecord(m: RegExpExecArray, lineNumber: number, offset: number): void {
    this.endBlock(lineNumber, offset);
    this.flushPending('between profile records');
    if (this.firstLine === 0) this.firstLine = lineNumber;
    this.record = { count: Number(m[1]), pcs: m[2].trim() === '' ? [] : m[2].trim().split(' '), labels: null, frames: [], lineNumber };
    this.state = 'record';
    this.lastLine = lineNumber;
  }

  // --- outside any block -----------------------------------------------------------------

  private outsideLine(text: string, c: number, lineNumber: number, offset: number): void {
    if (c >= 0x30 && c <= 0x39) {
      const rec = RECORD.exec(text);
      if (rec && (this.profileName !== null || this.sawRecord)) {
        this.startRecord(rec, lineNumber, offset);
        return;
      }
    }
    if (this.contextLine(text, lineNumber, offset)) {
      this.endBlock(lineNumber, offset);
      this.pending = [];
      this.pendingDropped = 0;
      return;
    }
    if (this.state !== 'outside' && this.state !== 'frames' && this.state !== 'record') {
      this.completeDanglingLines(lineNumber, offset);
    }
    if (this.pending.length < MAX_PENDING) this.pending.push({ text, line: lineNumber, offset });
    else this.pendingDropped++;
  }

  /** Known text of a dump's surroundings; true when `text` is one. */
  private contextLine(text: string, lineNumber: number, offset: number): boolean {
    const profile = PROFILE_HEADER.exec(text);
    if (profile) {
      if (this.profileName === null) {
        this.profileName = profile[1];
        this.declaredTotal = Number(profile[2]);
        if (this.firstLine === 0) this.firstLine = lineNumber;
      } else {
        this.warn(lineNumber, offset, `a second profile header; its records are counted with the first`);
      }
      return true;
    }
    if (text.startsWith('panic: ') || text.startsWith('\tpanic: ')) {
      this.panics.push(text.slice(text.indexOf('panic: ') + 7));
      return true;
    }
    if (text.startsWith('fatal error: ')) {
      this.fatalError ??= text.slice(13);
      return true;
    }
    if (SIGNAL_NAME.test(text) || text.startsWith('[signal ')) {
      this.signal ??= text;
      return true;
    }
    if (text === 'runtime stack:') {
      this.endBlock(lineNumber, offset);
      this.state = 'runtimeStack';
      return true;
    }
    return text === '-----' || SIGNAL_PC.test(text) || REGISTER.test(text) || CONTEXT_PREFIXES.some((p) => text.startsWith(p));
  }

  // --- shared ----------------------------------------------------------------------------

  /** Ends the current goroutine or record (at an empty line, a new header, or end of input). */
  private endBlock(lineNumber: number, offset: number): void {
    if (this.goroutine) {
      if (this.state === 'location' || this.state === 'createdByLocation') this.completeDanglingLines(lineNumber, offset);
      this.emitGoroutine(this.goroutine);
      this.goroutine = null;
    } else if (this.record) {
      const r = this.record;
      this.record = null;
      const item: DumpRecord = { kind: 'record', count: r.count, pcs: r.pcs, labels: r.labels, frames: r.frames, lineNumber: r.lineNumber };
      this.sawRecord = true;
      this.goroutines += r.count;
      this.items++;
      this.onItem(item);
    }
    if (this.state !== 'runtimeStack') this.state = 'outside';
  }

  private emitGoroutine(g: GoroutineDraft): void {
    const h = g.header;
    const item: DumpGoroutine = {
      kind: 'goroutine',
      id: h.id,
      state: h.state,
      waitMinutes: h.waitMinutes,
      lockedToThread: h.lockedToThread,
      leaked: h.leaked,
      scan: h.scan,
      durable: h.durable,
      bubble: h.bubble,
      labels: h.labels,
      debug: h.debug,
      frames: g.own.frames,
      elidedFrames: g.elidedFrames,
      elidedAt: g.elidedAt,
      stackUnavailable: g.stackUnavailable,
      createdBy: g.own.createdBy,
      ancestors: g.ancestors,
      lineNumber: g.lineNumber,
    };
    this.goroutines++;
    this.items++;
    this.onItem(item);
  }

  /** Unplaced lines turned out to sit inside the dump: each becomes a warning. */
  private flushPending(where: string): void {
    if (this.pending.length === 0) return;
    if (this.items > 0 || this.goroutine || this.record) {
      for (const p of this.pending) this.warn(p.line, p.offset, `unexpected text ${where}: ${quoteLine(p.text)}`);
      if (this.pendingDropped > 0) this.warn(this.pending[this.pending.length - 1].line, -1, `and ${this.pendingDropped} more unexpected lines`);
    }
    this.pending = [];
    this.pendingDropped = 0;
  }

  private warn(line: number, offset: number, message: string): void {
    if (this.warnings.length >= MAX_WARNINGS) {
      this.warningsDropped++;
      return;
    }
    const where = offset >= 0 ? ` (byte ${offset})` : '';
    this.warnings.push({ line, offset, message: printable(`${this.name}: line ${line}${where}: ${message}`) });
  }
}

/** `pkg.fn(args)`: a function name without spaces followed by an argument list. */
function isFunctionLine(text: string): boolean {
  if (text.charCodeAt(text.length - 1) !== 0x29 /* ) */) return false;
  const open = text.lastIndexOf('(');
  if (open <= 0) return false;
  const c = text.charCodeAt(0);
  if (c === 0x09 || c === 0x20) return false;
  return text.lastIndexOf(' ', open) < 0;
}

/** True when a line outside any block still looks like a piece of a dump (a cut header, frame or record). */
function looksLikeDumpLine(text: string): boolean {
  return text.startsWith('goroutine ') || 'goroutine '.startsWith(text) || text.startsWith('created by ') || 'created by '.startsWith(text) ||
    text.startsWith('\t') || text.startsWith('#') || /^\d+ @/.test(text) || isFunctionLine(text);
}

/** True when a line inside a goroutine looks like part of a stack (so a dangling frame is just incomplete). */
function isDumpShaped(text: string, c: number): boolean {
  return isFunctionLine(text) || (c === 0x63 && text.startsWith('created by ')) || (c === 0x2e && (ELIDED.test(text) || text === ELIDED_OLD)) || ORIGINATING.test(text);
}

function quoteLine(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return printable(JSON.stringify(shown));
}
