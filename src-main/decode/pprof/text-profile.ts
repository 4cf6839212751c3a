// The text runtime/pprof writes for /debug/pprof/NAME?debug=1 (pprof.Lookup(name).WriteTo(w, 1)),
// read into the same Profile model as profile.proto, with the values Go's pprof gives it
// (profile/legacy_profile.go):
//   heap, allocs     "heap profile: A: B [C: D] @ heap/2R" then "inuse: bytes [allocs: bytes] @ PCs":
//                    four sample types, values unsampled as pprof does (scaleHeapSample, period R)
//   mutex, block     "--- mutex:" / "--- contention:", "cycles/second=…", "sampling period=…",
//                    then "cycles count @ PCs": contentions × period, delay in ns
//   goroutine, goroutineleak, threadcreate
//                    "NAME profile: total N" then "count @ PCs": one count sample type
// Every record's PCs are followed by "#\tPC\tfunction+offset\tfile:line" comment lines: those
// name the frames, so no binary is needed. pprof, given the binary, names each PC (minus one, to
// land on the call) by the function that physically contains it, at the innermost line; the
// comments say the same: frames inlined at a PC share their function's entry (PC − offset), and
// the last frame of a run of equal entries is the physical function. runtime/pprof leaves out
// runtime.goexit and, in heap and count profiles, the runtime frames a stack starts with: a PC
// without a comment after a named one is runtime.goexit; one before is named by another record
// that shows it, or else stays "runtime.(unnamed 0x…)" — its name is only in the binary (the
// "runtime." prefix lets pprof's legacy drop_frames prune it from heap stacks, as it would the
// runtime frame it stands for).
//
// Pure and streaming over lines; the profile (small next to traces) is built once read. Bad input
// is a DecodeError naming the byte offset of the line and what was expected there.

import { DecodeError, quoteText } from '../errors.ts';
import { bytesSource, fileSource, type ByteSource } from '../source.ts';
import { forEachLine } from '../gdump/lines.ts';
import { LabelSyntaxError, parseLabelSet } from '../gdump/header.ts';
import type { Label, Location, Profile, ProfileFunction, Sample, ValueType } from './model.ts';
import type { ProfileKind } from './profile-kind.ts';

export interface TextProfile {
  readonly profile: Profile;
  /** Which runtime/pprof profile the text is (allocs writes the same text as heap: "heap"). */
  readonly kind: ProfileKind;
  /** Set when the text ends before what its header announced: one line, with file and offset. */
  readonly warning: string | null;
}

const COUNT_HEADER = /^(\S+) profile: total (\d+)$/;
const HEAP_HEADER = /^heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] *@ *(heap[_a-z0-9]*)\/?(\d*)/;
const CONTENTION_HEADER = /^--- (mutex|contention):/;
const COUNT_RECORD = /^(\d+) @((?: 0x[0-9a-f]+)+)$/;
const HEAP_RECORD = /^(-?\d+): *(-?\d+) *\[ *(\d+): *(\d+) *\] @((?: 0x[0-9a-f]+)*)$/;
const CONTENTION_RECORD = /^(\d+) +(\d+) @((?: 0x[0-9a-f]+)*)$/;
const ATTRIBUTE = /^([^=]+)=(.*)$/;
const FRAME = /^#\t+0x([0-9a-f]+)(?:\t+(.+)\+0x([0-9a-f]+)\t+(.*):(\d+))?$/;
const LABELS = /^# labels: \{(.*)\}$/;

/** pprof's drop_frames/keep_frames for legacy profiles (legacy_profile.go addLegacyFrameInfo). */
const ALLOC_DROP = [
  'calloc', 'cfree', 'malloc', 'free', 'memalign', 'do_memalign', '(__)?posix_memalign', 'pvalloc', 'valloc', 'realloc',
  'tcmalloc::.*', 'tc_calloc', 'tc_cfree', 'tc_malloc', 'tc_free', 'tc_memalign', 'tc_posix_memalign', 'tc_pvalloc',
  'tc_valloc', 'tc_realloc', 'tc_new', 'tc_delete', 'tc_newarray', 'tc_deletearray', 'tc_new_nothrow', 'tc_newarray_nothrow',
  'malloc_zone_malloc', 'malloc_zone_calloc', 'malloc_zone_valloc', 'malloc_zone_realloc', 'malloc_zone_memalign', 'malloc_zone_free',
  'runtime\\..*',
  'BaseArena::.*', '(::)?do_malloc_no_errno', '(::)?do_malloc_pages', '(::)?do_malloc', 'DoSampledAllocation',
  'MallocedMemBlock::MallocedMemBlock', '_M_allocate', '__builtin_(vec_)?delete', '__builtin_(vec_)?new',
  '__gnu_cxx::new_allocator::allocate', '__libc_malloc', '__malloc_alloc_template::allocate', 'allocate', 'cpp_alloc',
  'operator new(\\[\\])?', 'simple_alloc::allocate',
].join('|');
const ALLOC_KEEP = ['runtime\\.panic', 'runtime\\.reflectcall', 'runtime\\.call[0-9]*'].join('|');
const LOCK_DROP = [
  'RecordLockProfileData', '(base::)?RecordLockProfileData.*', '(base::)?SubmitMutexProfileData.*', '(base::)?SubmitSpinLockProfileData.*',
  '(base::Mutex::)?AwaitCommon.*', '(base::Mutex::)?Unlock.*', '(base::Mutex::)?UnlockSlow.*', '(base::Mutex::)?ReaderUnlock.*',
  '(base::MutexLock::)?~MutexLock.*', '(Mutex::)?AwaitCommon.*', '(Mutex::)?Unlock.*', '(Mutex::)?UnlockSlow.*', '(Mutex::)?ReaderUnlock.*',
  '(MutexLock::)?~MutexLock.*', '(SpinLock::)?Unlock.*', '(SpinLock::)?SlowUnlock.*', '(SpinLockHolder::)?~SpinLockHolder.*',
].join('|');
const CPU_PROFILER_DROP = ['ProfileData::Add', 'ProfileData::prof_handler', 'CpuProfiler::prof_handler', '__pthread_sighandler', '__restore'].join('|');

type Format = 'count' | 'heap' | 'contention';

/** A frame named by a "#" comment line. */
interface Frame {
  readonly pc: bigint;
  /** "" for a PC runtime/pprof could not name ("#\t0x…" alone). */
  readonly name: string;
  readonly entry: bigint;
  readonly file: string;
  readonly line: number;
}

interface TextRecord {
  readonly values: number[];
  readonly addresses: bigint[];
  readonly frames: Frame[];
  labels: Label[];
  /** Byte offset of the record's line, for messages. */
  readonly offset: number;
}

/** What a location's address resolves to: the function that physically holds it, at its innermost line. */
interface Resolved {
  readonly name: string;
  readonly file: string;
  readonly line: number;
}

/** True when `head` (the first bytes of a file) starts with a runtime/pprof debug=1 header. */
export function sniffTextProfile(head: Uint8Array): boolean {
  for (const b of head) if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) return false;
  const text = Buffer.from(head.buffer, head.byteOffset, head.length).toString('latin1');
  const first = text.split('\n', 1)[0].replace(/\r$/, '');
  // The line must be whole (or the head ends inside it only after the header's fixed part).
  return headerFormat(first) !== null;
}

function headerFormat(line: string): Format | null {
  if (COUNT_HEADER.test(line)) return 'count';
  if (HEAP_HEADER.test(line)) return 'heap';
  if (CONTENTION_HEADER.test(line)) return 'contention';
  return null;
}

export function readTextProfileFile(path: string): TextProfile {
  const source = fileSource(path);
  try {
    return decodeTextProfile(source);
  } finally {
    source.close();
  }
}

export function decodeTextProfileBytes(name: string, bytes: Uint8Array): TextProfile {
  return decodeTextProfile(bytesSource(name, bytes));
}

/** Decodes a debug=1 text profile; a DecodeError names the offset of the first line it cannot read. */
export function decodeTextProfile(source: ByteSource): TextProfile {
  const name = source.name;
  if (source.size === 0) throw new DecodeError(name, 0, 'empty', 'file is empty');
  let format: Format | null = null;
  let profileName = '';
  let headerNumbers: number[] = [];
  let heapSampling = false;
  let heapPeriod = 0;
  let hasAlloc = false;
  let inAttributes = true;
  let cyclesPerSecond = 0;
  let contentionPeriod = 1;
  let ended = false;
  const records: TextRecord[] = [];
  let current: TextRecord | null = null;

  const fail = (offset: number, detail: string): never => {
    throw new DecodeError(name, offset, 'corrupt', detail);
  };
  const addresses = (text: string, offset: number): bigint[] => {
    const out: bigint[] = [];
    for (const hex of text.trim().split(' ')) {
      if (hex === '') continue;
      if (hex.length > 18) fail(offset, `address ${quoteText(hex)} does not fit in 64 bits: expected a program counter`);
      out.push(BigInt(hex));
    }
    return out;
  };

  const onLine = (raw: string, lineNumber: number, offset: number): void => {
    if (ended) return;
    const line = raw;
    if (format === null) {
      if (line.trim() === '') return;
      format = headerFormat(line);
      if (format === null) {
        throw new DecodeError(name, offset, 'wrong-type',
          `line ${lineNumber}: ${quoteText(line)} is not a runtime/pprof debug=1 header: expected "NAME profile: total N", "heap profile: …" or "--- mutex:"/"--- contention:"`);
      }
      if (format === 'count') {
        const m = COUNT_HEADER.exec(line)!;
        profileName = m[1];
        headerNumbers = [Number(m[2])];
      } else if (format === 'heap') {
        const m = HEAP_HEADER.exec(line)!;
        headerNumbers = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
        const rate = m[6] === '' ? 0 : Number(m[6]);
        // pprof: alloc columns count when they differ from in-use ones and are not 0 (string compare).
        hasAlloc = (m[3] !== m[1] && m[3] !== '0') || (m[4] !== m[2] && m[4] !== '0');
        switch (m[5]) {
          case 'heap': heapSampling = true; heapPeriod = Math.trunc(rate / 2); break;
          case 'heap_v2': case 'heapz_v2': heapSampling = true; heapPeriod = rate; break;
          case 'heapprofile': heapPeriod = 1; break;
          default: fail(offset, `heap profile of sampling ${quoteText(m[5])}: expected heap, heap_v2 or heapprofile`);
        }
      } else {
        profileName = CONTENTION_HEADER.exec(line)![1];
      }
      return;
    }
    const trimmed = line.trim();
    if (trimmed === '') return;
    if (trimmed.startsWith('#')) {
      if (current === null) return;
      const frame = FRAME.exec(line);
      if (frame) {
        const pc = BigInt(`0x${frame[1]}`);
        current.frames.push(frame[2] === undefined
          ? { pc, name: '', entry: -1n, file: '', line: 0 }
          : { pc, name: frame[2], entry: pc - BigInt(`0x${frame[3]}`), file: frame[4], line: Number(frame[5]) });
        return;
      }
      const labels = LABELS.exec(line);
      if (labels) {
        try {
          current.labels = Object.entries(parseLabelSet(labels[1])).map(([key, str]) => ({ key, str, num: 0, numUnit: '' }));
        } catch (e) {
          if (!(e instanceof LabelSyntaxError)) throw e;
          fail(offset, `line ${lineNumber}: unreadable labels ${quoteText(labels[1])}: expected {"key":"value", …}`);
        }
      }
      return; // other comments (heap's "# runtime.MemStats" block) carry nothing for the profile
    }
    // Another section (a memory map) ends the samples: runtime/pprof writes none.
    if (trimmed.startsWith('---') || trimmed.startsWith('MAPPED_LIBRARIES:')) {
      ended = true;
      return;
    }
    if (format === 'contention' && inAttributes) {
      const attr = ATTRIBUTE.exec(trimmed);
      if (attr && !trimmed.includes('@')) {
        const key = attr[1].trim();
        const value = attr[2].trim();
        const number = /^(0x[0-9a-f]+|\d+)$/i.test(value) ? Number(value) : NaN;
        if (key === 'cycles/second' || key === 'sampling period' || key === 'ms since reset') {
          if (!Number.isFinite(number)) fail(offset, `line ${lineNumber}: ${key} is ${quoteText(value)}: expected a whole number`);
          if (key === 'cycles/second') cyclesPerSecond = number;
          else if (key === 'sampling period') contentionPeriod = number;
        } else if (key !== 'discarded samples') {
          fail(offset, `line ${lineNumber}: unknown attribute ${quoteText(key)}: expected cycles/second, sampling period or a sample "CYCLES COUNT @ 0x…"`);
        }
        return;
      }
      inAttributes = false;
    }
    let values: number[];
    let addressText: string;
    let blockSize = -1;
    if (format === 'count') {
      const m = COUNT_RECORD.exec(line);
      if (!m) return fail(offset, `line ${lineNumber}: ${quoteText(line)}: expected a record "COUNT @ 0x…" of the ${profileName} profile`);
      values = [Number(m[1])];
      addressText = m[2];
    } else if (format === 'heap') {
      const m = HEAP_RECORD.exec(trimmed);
      if (!m) return fail(offset, `line ${lineNumber}: ${quoteText(line)}: expected a heap record "INUSE: BYTES [ALLOCS: BYTES] @ 0x…"`);
      values = [];
      const add = (countText: string, sizeText: string, what: string) => {
        let count = Number(countText);
        let size = Number(sizeText);
        if (count === 0 && size !== 0) fail(offset, `line ${lineNumber}: ${what} count is 0 but its bytes are ${size}: expected both 0`);
        if (count !== 0) {
          blockSize = Math.trunc(size / count);
          if (heapSampling) [count, size] = scaleHeapSample(count, size, heapPeriod);
        }
        values.push(count, size);
      };
      if (hasAlloc) add(m[3], m[4], 'allocation');
      add(m[1], m[2], 'in-use');
      addressText = m[5];
    } else {
      const m = CONTENTION_RECORD.exec(trimmed);
      if (!m) return fail(offset, `line ${lineNumber}: ${quoteText(line)}: expected a contention record "CYCLES COUNT @ 0x…"`);
      let cycles = Number(m[1]);
      let count = Number(m[2]);
      if (contentionPeriod > 0) {
        if (cyclesPerSecond > 0) cycles = Math.trunc((cycles * contentionPeriod) / (cyclesPerSecond / 1e9));
        count *= contentionPeriod;
      }
      values = [count, cycles];
      addressText = m[3];
    }
    current = { values, addresses: addresses(addressText, offset), frames: [], labels: [], offset };
    if (blockSize >= 0 && format === 'heap') current.labels = [{ key: 'bytes', str: '', num: blockSize, numUnit: '' }];
    records.push(current);
  };

  const read = forEachLine(source, onLine);
  if (format === null) throw new DecodeError(name, 0, 'wrong-type', 'no runtime/pprof debug=1 header: expected "NAME profile: total N", "heap profile: …" or "--- mutex:"');
  const f = format as Format;
  const warning = truncationWarning(name, read.bytes, f, profileName, headerNumbers, records, hasAlloc, heapSampling);

  const sampleTypes: ValueType[] = f === 'count'
    ? [{ type: profileName, unit: 'count' }]
    : f === 'contention'
      ? [{ type: 'contentions', unit: 'count' }, { type: 'delay', unit: 'nanoseconds' }]
      : hasAlloc
        ? [{ type: 'alloc_objects', unit: 'count' }, { type: 'alloc_space', unit: 'bytes' }, { type: 'inuse_objects', unit: 'count' }, { type: 'inuse_space', unit: 'bytes' }]
        : [{ type: 'objects', unit: 'count' }, { type: 'space', unit: 'bytes' }];
  const { locations, functions, samples } = buildStacks(records, f === 'contention');
  const profile: Profile = {
    sampleTypes,
    samples,
    mappings: [],
    locations,
    functions,
    dropFrames: f === 'heap' ? ALLOC_DROP : f === 'contention' ? LOCK_DROP : CPU_PROFILER_DROP,
    keepFrames: f === 'heap' ? ALLOC_KEEP : '',
    timeNanos: 0,
    durationNanos: 0,
    periodType: f === 'count' ? { type: profileName, unit: 'count' } : f === 'contention' ? { type: 'contentions', unit: 'count' } : { type: 'space', unit: 'bytes' },
    period: f === 'count' ? 1 : f === 'contention' ? contentionPeriod : heapPeriod,
    comments: [],
    defaultSampleType: '',
    docUrl: '',
  };
  const kind: ProfileKind = f === 'heap' ? 'heap'
    : f === 'contention' ? (profileName === 'mutex' ? 'mutex' : 'block')
      : (['goroutine', 'goroutineleak', 'threadcreate'].includes(profileName) ? profileName as ProfileKind : 'other');
  return { profile, kind, warning };
}

/**
 * pprof's estimate of the unsampled value of a heap record (scaleHeapSample): each sampled object
 * of average size S stands for 1 / (1 − e^(−S/R)) objects.
 */
function scaleHeapSample(count: number, size: number, rate: number): [number, number] {
  if (count === 0 || size === 0) return [0, 0];
  if (rate <= 1) return [count, size];
  const scale = 1 / (1 - Math.exp(-(size / count) / rate));
  return [Math.trunc(count * scale), Math.trunc(size * scale)];
}

/** The header's totals say how much a cut file lost (count profiles: records; heap: objects). */
function truncationWarning(name: string, size: number, format: Format, profileName: string, header: number[], records: TextRecord[], hasAlloc: boolean, scaled: boolean): string | null {
  if (format === 'count') {
    const total = records.reduce((t, r) => t + r.values[0], 0);
    if (total < header[0]) {
      return `${name} at byte ${size}: the records count ${total} of the ${header[0]} the "${profileName} profile: total" line announces: expected more records (truncated file?)`;
    }
  }
  if (format === 'heap' && !scaled && hasAlloc) {
    const inuse = records.reduce((t, r) => t + r.values[2], 0);
    if (inuse < header[0]) return `${name} at byte ${size}: the records hold ${inuse} of the ${header[0]} in-use objects the header announces: expected more records (truncated file?)`;
  }
  return null;
}

/**
 * Locations (one per distinct PC, as pprof makes them), functions and samples from the records.
 * `contention`: runtime/pprof printed every frame but runtime.goexit (allFrames).
 */
function buildStacks(records: readonly TextRecord[], contention: boolean): { locations: Location[]; functions: ProfileFunction[]; samples: Sample[] } {
  // Every PC named anywhere in the file: a record that hides a runtime frame may have a sibling
  // that shows it.
  const named = new Map<bigint, Resolved>();
  const perRecord: (Resolved | null)[][] = [];
  for (const r of records) {
    const resolved = resolveRecord(r);
    perRecord.push(resolved);
    r.addresses.forEach((a, i) => {
      const v = resolved[i];
      if (v !== null && !named.has(a)) named.set(a, v);
    });
  }
  const functions: ProfileFunction[] = [];
  const functionIds = new Map<string, number>();
  const functionId = (fnName: string, file: string): number => {
    const key = `${fnName}\0${file}`;
    let id = functionIds.get(key);
    if (id === undefined) {
      id = functions.length + 1;
      functionIds.set(key, id);
      functions.push({ id, name: fnName, systemName: fnName, filename: file, startLine: 0 });
    }
    return id;
  };
  const locations: Location[] = [];
  const locationIds = new Map<string, number>();
  const samples: Sample[] = [];
  records.forEach((r, ri) => {
    const resolved = perRecord[ri];
    let shown = contention;
    const ids = r.addresses.map((a, i) => {
      const own = resolved[i];
      if (own !== null) shown = true;
      // runtime/pprof omits runtime.goexit anywhere, and the runtime frames a stack starts with
      // until it shows a frame (heap and count profiles).
      const v: Resolved = own ?? named.get(a)
        ?? (shown ? { name: 'runtime.goexit', file: '', line: 0 } : { name: hiddenFrameName(a > 0n ? a - 1n : 0n), file: '', line: 0 });
      const key = `${a}\0${v.name}\0${v.file}\0${v.line}`;
      let id = locationIds.get(key);
      if (id === undefined) {
        id = locations.length + 1;
        locationIds.set(key, id);
        // pprof moves each return address back by one, onto the call.
        const address = Number(a > 0n ? a - 1n : 0n);
        const lines = v.name === '' ? [] : [{ functionId: functionId(v.name, v.file), line: v.line, column: 0 }];
        locations.push({ id, mappingId: 0, address, lines, isFolded: false });
      }
      return id;
    });
    samples.push({ locationIds: ids, values: r.values, labels: r.labels });
  });
  return { locations, functions, samples };
}

/** The name of a frame runtime/pprof left out and no record names: the PC pprof would look up. */
export function hiddenFrameName(address: bigint): string {
  return `runtime.(unnamed 0x${address.toString(16)})`;
}

/**
 * For each PC of a record: the function physically holding it (the outermost of the frames
 * inlined there), at the innermost frame's file and line; "" as the name for a PC that
 * runtime/pprof printed without a function; null for a PC it did not print.
 */
function resolveRecord(r: TextRecord): (Resolved | null)[] {
  const frames = r.frames;
  // The physical function of each frame: the last of its run of frames with the same entry.
  const physical: string[] = new Array(frames.length);
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i];
    const next = frames[i + 1];
    physical[i] = f.name !== '' && next && next.name !== '' && next.entry === f.entry ? physical[i + 1] : f.name;
  }
  const out: (Resolved | null)[] = [];
  let j = 0;
  for (let i = 0; i < r.addresses.length; i++) {
    const a = r.addresses[i];
    const call = a > 0n ? a - 1n : 0n;
    // The frames printed for this PC (a return address: the call is one byte before it).
    const pcMatches = (f: Frame) => f.pc === call || (a === 0n && f.pc === 0n);
    if (j < frames.length && pcMatches(frames[j])) {
      // Equal PCs in a row (an inline-expanded stack) take one frame each but the last.
      let same = 1;
      while (i + same < r.addresses.length && r.addresses[i + same] === a) same++;
      const first = j;
      j++;
      if (same === 1) while (j < frames.length && pcMatches(frames[j]) && frames[j].entry === frames[first].entry) j++;
      const last = j - 1;
      out.push({ name: physical[last], file: frames[first].file, line: frames[first].line });
    } else {
      out.push(null);
    }
  }
  return out;
}

/**
 * Reads a profile file of any form runtime/pprof writes: profile.proto (gzip-compressed or not)
 * or debug=1 text. `kind` is null for profile.proto (profileKind tells it from the samples).
 */
export function readAnyProfileFile(path: string, readProto: (path: string) => Profile): { profile: Profile; kind: ProfileKind | null; warning: string | null } {
  const source = fileSource(path);
  let text: boolean;
  try {
    text = source.size > 0 && sniffTextProfile(source.read(0, Math.min(source.size, 4096)));
    if (text) return decodeTextProfile(source);
  } finally {
    source.close();
  }
  return { profile: readProto(path), kind: null, warning: null };
}
