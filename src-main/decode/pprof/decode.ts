// pprof profiles (profile.proto), gzip-wrapped or not — recognised by their bytes, never by their
// name. Every problem is a DecodeError naming the byte offset: of the compressed file for gzip
// damage, of the decompressed protobuf otherwise (the message says which). Validation follows the
// checks Go's pprof makes when it reads a profile (string indexes in range, string 0 empty, value
// counts equal to the sample types, references to existing IDs, no duplicate or zero IDs).

import * as zlib from 'node:zlib';
import { DecodeError, quoteText } from '../errors.ts';
import { fileSource } from '../source.ts';
import type { Label, Line, Location, Mapping, Profile, ProfileFunction, Sample, ValueType } from './model.ts';
import { WireError, WireReader, WireType } from './wire.ts';

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

/** Expected wire types of the fields of the Profile message (field number → wire type). */
const PROFILE_FIELD_WIRE: readonly (WireType | undefined)[] = [
  undefined,
  WireType.Bytes, // 1 sample_type
  WireType.Bytes, // 2 sample
  WireType.Bytes, // 3 mapping
  WireType.Bytes, // 4 location
  WireType.Bytes, // 5 function
  WireType.Bytes, // 6 string_table
  WireType.Varint, // 7 drop_frames
  WireType.Varint, // 8 keep_frames
  WireType.Varint, // 9 time_nanos
  WireType.Varint, // 10 duration_nanos
  WireType.Bytes, // 11 period_type
  WireType.Varint, // 12 period
  undefined, // 13 comment: packed or not
  WireType.Varint, // 14 default_sample_type
  WireType.Varint, // 15 doc_url
];

/**
 * True when `head` (the first bytes of a file, possibly gzip-compressed and cut anywhere) starts
 * like a profile.proto: its first fields are Profile fields with their proper wire types. Text,
 * traces and gzipped text fail on their first or second byte.
 */
export function sniffProfile(head: Uint8Array): boolean {
  let bytes = head;
  if (isGzip(head)) {
    try {
      bytes = zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch {
      return false;
    }
  }
  if (bytes.length === 0) return false;
  const r = new WireReader(bytes, 0, bytes.length);
  let fields = 0;
  let strings = 0;
  try {
    while (!r.done && fields < 8) {
      const field = r.key();
      const want = PROFILE_FIELD_WIRE[field];
      if (field >= PROFILE_FIELD_WIRE.length) return false;
      if (field === 13 ? r.wireType !== WireType.Varint && r.wireType !== WireType.Bytes : r.wireType !== want) return false;
      if (r.wireType === WireType.Bytes) {
        const at = r.pos;
        const n = r.int64();
        if (n < 0) return false;
        // The string table starts with "": text starting with "2" (field 6, length-delimited) does not.
        if (field === 6 && strings++ === 0 && n !== 0) return false;
        if (r.pos + n > bytes.length) return fields > 0 || at + 10 < bytes.length; // cut by the head
        r.pos += n;
      } else r.int64();
      fields++;
    }
  } catch (e) {
    if (e instanceof WireError && e.kind === 'truncated') return fields > 0;
    return false;
  }
  return fields >= 2 || r.done;
}

/** Reads and decodes a profile file (profiles are small enough to read whole). */
export function readProfileFile(path: string): Profile {
  const src = fileSource(path);
  try {
    return decodeProfile(path, src.read(0, src.size));
  } finally {
    src.close();
  }
}

/** Decodes a profile from its bytes (gzip-compressed or raw protobuf); `name` is for messages. */
export function decodeProfile(name: string, bytes: Uint8Array): Profile {
  if (bytes.length === 0) throw new DecodeError(name, 0, 'empty', 'file is empty');
  const gzipped = isGzip(bytes);
  const proto = gzipped ? gunzip(name, bytes) : bytes;
  if (!sniffProfile(proto.subarray(0, 4096))) {
    throw new DecodeError(name, 0, 'wrong-type', gzipped
      ? 'gzip data that is not a pprof profile: expected profile.proto fields after decompressing'
      : 'not a pprof profile: expected gzip-compressed or raw profile.proto data');
  }
  try {
    return new ProfileDecoder(proto).decode();
  } catch (e) {
    if (e instanceof WireError) {
      const where = gzipped ? ' (in the decompressed data)' : '';
      // A cut file is reported where it ends, with the field it ends inside of.
      if (e.kind === 'truncated') {
        throw new DecodeError(name, proto.length, 'truncated', `${e.detail}, which starts at byte ${e.offset}: expected more data (truncated file?)${where}`);
      }
      throw new DecodeError(name, e.offset, e.kind, `${e.detail}${where}`);
    }
    throw e;
  }
}

function gunzip(name: string, bytes: Uint8Array): Uint8Array {
  try {
    return zlib.gunzipSync(bytes);
  } catch (e) {
    const message = (e as Error).message;
    if (/unexpected end of file/.test(message)) {
      throw new DecodeError(name, bytes.length, 'truncated', 'gzip stream ends early: expected more compressed data (truncated file?)');
    }
    throw new DecodeError(name, firstBadGzipByte(bytes), 'corrupt', `damaged gzip data (${message}): expected a valid gzip stream`);
  }
}

/**
 * Where a gzip stream goes wrong: the shortest prefix that already fails to inflate ends at the
 * damage (a prefix that stops before it merely inflates partially). Error path only.
 */
function firstBadGzipByte(bytes: Uint8Array): number {
  const fails = (n: number) => {
    try {
      zlib.gunzipSync(bytes.subarray(0, n), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      return false;
    } catch {
      return true;
    }
  };
  let lo = 1;
  let hi = bytes.length;
  if (!fails(hi)) return bytes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (fails(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

/** A string-table index as read, with where it was read (strings come last in Go's files). */
interface StringRef {
  index: number;
  at: number;
}

/** A sample as read; its labels are filled in once the string table is known. */
interface DecodedSample {
  locationIds: number[];
  values: number[];
  labels: readonly Label[];
}

const NO_STRING: StringRef = { index: 0, at: -1 };
const LABEL_FIELDS = ['', 'Label.key', 'Label.str', 'Label.num', 'Label.num_unit'];
const NO_LABELS: readonly Label[] = [];

/** Decodes one profile.proto buffer; string indexes are resolved once the whole buffer is read. */
class ProfileDecoder {
  private readonly r: WireReader;
  private readonly strings: string[] = [];
  private firstStringAt = -1;
  private readonly utf8 = new TextDecoder('utf-8');

  constructor(private readonly buf: Uint8Array) {
    this.r = new WireReader(buf, 0, buf.length);
  }

  decode(): Profile {
    const r = this.r;
    const sampleTypes: { type: StringRef; unit: StringRef }[] = [];
    const samples: DecodedSample[] = [];
    /** Per sample: its byte offset (for errors) and where its labels start in `rawLabels`. */
    const sampleAt: number[] = [];
    const labelStart: number[] = [];
    /** Labels as read, four numbers each: key, str, num and num_unit (string indexes but num). */
    const rawLabels: number[] = [];
    const mappings: (Omit<Mapping, 'filename' | 'buildId'> & { filename: StringRef; buildId: StringRef; at: number })[] = [];
    const locations: (Location & { at: number })[] = [];
    const functions: (Omit<ProfileFunction, 'name' | 'systemName' | 'filename'> & { name: StringRef; systemName: StringRef; filename: StringRef; at: number })[] = [];
    let dropFrames = NO_STRING;
    let keepFrames = NO_STRING;
    let timeNanos = 0;
    let durationNanos = 0;
    let periodType: { type: StringRef; unit: StringRef } | null = null;
    let period = 0;
    const comments: number[] = [];
    let commentsAt = -1;
    let defaultSampleType = NO_STRING;
    let docUrl = NO_STRING;

    while (!r.done) {
      const field = r.key();
      switch (field) {
        case 1:
          r.expect('Profile.sample_type', WireType.Bytes);
          sampleTypes.push(this.valueType(r.lengthDelimited()));
          break;
        case 2:
          r.expect('Profile.sample', WireType.Bytes);
          sampleAt.push(r.keyOffset);
          labelStart.push(rawLabels.length);
          samples.push(this.sample(r.lengthDelimited(), rawLabels));
          break;
        case 3:
          r.expect('Profile.mapping', WireType.Bytes);
          mappings.push(this.mapping(r.lengthDelimited()));
          break;
        case 4:
          r.expect('Profile.location', WireType.Bytes);
          locations.push(this.location(r.lengthDelimited()));
          break;
        case 5:
          r.expect('Profile.function', WireType.Bytes);
          functions.push(this.function(r.lengthDelimited()));
          break;
        case 6: {
          r.expect('Profile.string_table', WireType.Bytes);
          const at = r.keyOffset;
          const end = r.lengthDelimited();
          if (this.strings.length === 0) this.firstStringAt = at;
          this.strings.push(this.utf8.decode(this.buf.subarray(r.pos, end)));
          r.pos = end;
          break;
        }
        case 7:
          dropFrames = this.stringRef('Profile.drop_frames');
          break;
        case 8:
          keepFrames = this.stringRef('Profile.keep_frames');
          break;
        case 9:
          r.expect('Profile.time_nanos', WireType.Varint);
          timeNanos = r.int64();
          break;
        case 10:
          r.expect('Profile.duration_nanos', WireType.Varint);
          durationNanos = r.int64();
          break;
        case 11:
          r.expect('Profile.period_type', WireType.Bytes);
          periodType = this.valueType(r.lengthDelimited());
          break;
        case 12:
          r.expect('Profile.period', WireType.Varint);
          period = r.int64();
          break;
        case 13:
          r.expect('Profile.comment', WireType.Varint, WireType.Bytes);
          if (commentsAt < 0) commentsAt = r.keyOffset;
          r.repeatedInt64(comments);
          break;
        case 14:
          defaultSampleType = this.stringRef('Profile.default_sample_type');
          break;
        case 15:
          docUrl = this.stringRef('Profile.doc_url');
          break;
        default:
          r.skip();
      }
    }

    if (this.strings.length > 0 && this.strings[0] !== '') {
      throw new WireError(this.firstStringAt, 'corrupt', `string_table[0] is ${quoteText(this.strings[0])}: expected the empty string`);
    }
    const str = (ref: StringRef, what: string) => this.resolve(ref, what);
    const valueType = (v: { type: StringRef; unit: StringRef }, what: string): ValueType => ({ type: str(v.type, what), unit: str(v.unit, what) });

    const resolvedTypes = sampleTypes.map((t) => valueType(t, 'sample type'));
    if (resolvedTypes.length === 0 && samples.length > 0) {
      throw new WireError(sampleAt[0], 'corrupt', 'samples without sample types: expected Profile.sample_type fields');
    }
    const mappingIds = uniqueIds(mappings, 'mapping');
    const functionIds = uniqueIds(functions, 'function');
    const locationIds = uniqueIds(locations, 'location');
    for (const l of locations) {
      if (l.mappingId !== 0 && !mappingIds.has(l.mappingId)) throw new WireError(l.at, 'corrupt', `location ${l.id} refers to mapping ${l.mappingId}, which the profile does not define`);
      for (const line of l.lines) {
        if (!functionIds.has(line.functionId)) throw new WireError(l.at, 'corrupt', `location ${l.id} has a line of function ${line.functionId}, which the profile does not define`);
      }
    }

    labelStart.push(rawLabels.length);
    const labels = new LabelTable(this, this.strings.length);
    const isLocation = idLookup(locationIds);
    const valueCount = resolvedTypes.length;
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      if (s.values.length !== valueCount) {
        throw new WireError(sampleAt[i], 'corrupt', `sample has ${s.values.length} values: expected ${valueCount}, one per sample type`);
      }
      const ids = s.locationIds;
      for (let k = 0; k < ids.length; k++) {
        if (!isLocation(ids[k])) throw new WireError(sampleAt[i], 'corrupt', `sample refers to location ${ids[k]}, which the profile does not define`);
      }
      const from = labelStart[i];
      const to = labelStart[i + 1];
      if (from === to) continue;
      const list: Label[] = new Array((to - from) / 4);
      for (let k = from, j = 0; k < to; k += 4, j++) list[j] = labels.get(rawLabels[k], rawLabels[k + 1], rawLabels[k + 2], rawLabels[k + 3], sampleAt[i]);
      s.labels = list;
    }
    const resolvedSamples: readonly Sample[] = samples;

    return {
      sampleTypes: resolvedTypes,
      samples: resolvedSamples,
      mappings: mappings.map(({ at: _at, filename, buildId, ...m }) => ({ ...m, filename: str(filename, 'mapping file name'), buildId: str(buildId, 'mapping build ID') })),
      locations: locations.map(({ at: _at, ...l }) => l),
      functions: functions.map(({ at: _at, name, systemName, filename, ...f }) => ({
        ...f,
        name: str(name, 'function name'),
        systemName: str(systemName, 'function system name'),
        filename: str(filename, 'function file name'),
      })),
      dropFrames: str(dropFrames, 'drop_frames'),
      keepFrames: str(keepFrames, 'keep_frames'),
      timeNanos,
      durationNanos,
      periodType: periodType ? valueType(periodType, 'period type') : null,
      period,
      comments: comments.map((index) => str({ index, at: commentsAt }, 'comment')),
      defaultSampleType: str(defaultSampleType, 'default_sample_type'),
      docUrl: str(docUrl, 'doc_url'),
    };
  }

  resolve(ref: StringRef, what: string): string {
    if (this.strings.length === 0) {
      throw new WireError(this.buf.length, 'corrupt', 'no string table: expected Profile.string_table fields (the first one empty)');
    }
    const s = this.strings[ref.index];
    if (s === undefined) {
      throw new WireError(ref.at, 'corrupt', `${what} is string ${ref.index}: expected an index below ${this.strings.length}, the size of the string table`);
    }
    return s;
  }

  private stringRef(field: string): StringRef {
    const r = this.r;
    r.expect(field, WireType.Varint);
    const at = r.keyOffset;
    return { index: r.int64(), at };
  }

  /** Runs `read` for each field of the sub-message ending at `end`, then restores the outer end. */
  private fields(end: number, read: (field: number) => void): void {
    const r = this.r;
    const outer = r.end;
    r.end = end;
    while (!r.done) read(r.key());
    r.end = outer;
  }

  private valueType(end: number): { type: StringRef; unit: StringRef } {
    let type = NO_STRING;
    let unit = NO_STRING;
    this.fields(end, (field) => {
      if (field === 1) type = this.stringRef('ValueType.type');
      else if (field === 2) unit = this.stringRef('ValueType.unit');
      else this.r.skip();
    });
    return { type, unit };
  }

  /** The hot path of a large profile: no closures, plain loops, labels appended to `rawLabels`. */
  private sample(end: number, rawLabels: number[]): DecodedSample {
    const r = this.r;
    const outer = r.end;
    r.end = end;
    const locationIds: number[] = [];
    const values: number[] = [];
    while (r.pos < end) {
      const field = r.key();
      if (field === 1) {
        r.expect('Sample.location_id', WireType.Varint, WireType.Bytes);
        r.repeatedInt64(locationIds);
      } else if (field === 2) {
        r.expect('Sample.value', WireType.Varint, WireType.Bytes);
        r.repeatedInt64(values);
      } else if (field === 3) {
        r.expect('Sample.label', WireType.Bytes);
        this.labelFields(r.lengthDelimited(), rawLabels);
      } else r.skip();
    }
    r.end = outer;
    return { locationIds, values, labels: NO_LABELS };
  }

  private labelFields(end: number, rawLabels: number[]): void {
    const r = this.r;
    const outer = r.end;
    r.end = end;
    const at = rawLabels.length;
    rawLabels.push(0, 0, 0, 0);
    while (r.pos < end) {
      const field = r.key();
      if (field >= 1 && field <= 4) {
        r.expect(LABEL_FIELDS[field], WireType.Varint);
        rawLabels[at + field - 1] = r.int64();
      } else r.skip();
    }
    r.end = outer;
  }

  private mapping(end: number) {
    const r = this.r;
    const at = r.keyOffset;
    let id = 0;
    let memoryStart = 0n;
    let memoryLimit = 0n;
    let fileOffset = 0n;
    let filename = NO_STRING;
    let buildId = NO_STRING;
    const flags = [false, false, false, false];
    this.fields(end, (field) => {
      switch (field) {
        case 1: r.expect('Mapping.id', WireType.Varint); id = r.uint64(); break;
        case 2: r.expect('Mapping.memory_start', WireType.Varint); memoryStart = r.bigUint64(); break;
        case 3: r.expect('Mapping.memory_limit', WireType.Varint); memoryLimit = r.bigUint64(); break;
        case 4: r.expect('Mapping.file_offset', WireType.Varint); fileOffset = r.bigUint64(); break;
        case 5: filename = this.stringRef('Mapping.filename'); break;
        case 6: buildId = this.stringRef('Mapping.build_id'); break;
        case 7: case 8: case 9: case 10:
          r.expect('Mapping flag', WireType.Varint);
          flags[field - 7] = r.int64() !== 0;
          break;
        default: r.skip();
      }
    });
    return {
      id, memoryStart, memoryLimit, fileOffset, filename, buildId, at,
      hasFunctions: flags[0], hasFilenames: flags[1], hasLineNumbers: flags[2], hasInlineFrames: flags[3],
    };
  }

  private location(end: number): Location & { at: number } {
    const r = this.r;
    const at = r.keyOffset;
    let id = 0;
    let mappingId = 0;
    let address = 0;
    let isFolded = false;
    const lines: Line[] = [];
    this.fields(end, (field) => {
      switch (field) {
        case 1: r.expect('Location.id', WireType.Varint); id = r.uint64(); break;
        case 2: r.expect('Location.mapping_id', WireType.Varint); mappingId = r.uint64(); break;
        case 3: r.expect('Location.address', WireType.Varint); address = r.uint64(); break;
        case 4: r.expect('Location.line', WireType.Bytes); lines.push(this.line(r.lengthDelimited())); break;
        case 5: r.expect('Location.is_folded', WireType.Varint); isFolded = r.int64() !== 0; break;
        default: r.skip();
      }
    });
    return { id, mappingId, address, lines, isFolded, at };
  }

  private line(end: number): Line {
    const r = this.r;
    let functionId = 0;
    let line = 0;
    let column = 0;
    this.fields(end, (field) => {
      switch (field) {
        case 1: r.expect('Line.function_id', WireType.Varint); functionId = r.uint64(); break;
        case 2: r.expect('Line.line', WireType.Varint); line = r.int64(); break;
        case 3: r.expect('Line.column', WireType.Varint); column = r.int64(); break;
        default: r.skip();
      }
    });
    return { functionId, line, column };
  }

  private function(end: number) {
    const r = this.r;
    const at = r.keyOffset;
    let id = 0;
    let name = NO_STRING;
    let systemName = NO_STRING;
    let filename = NO_STRING;
    let startLine = 0;
    this.fields(end, (field) => {
      switch (field) {
        case 1: r.expect('Function.id', WireType.Varint); id = r.uint64(); break;
        case 2: name = this.stringRef('Function.name'); break;
        case 3: systemName = this.stringRef('Function.system_name'); break;
        case 4: filename = this.stringRef('Function.filename'); break;
        case 5: r.expect('Function.start_line', WireType.Varint); startLine = r.int64(); break;
        default: r.skip();
      }
    });
    return { id, name, systemName, filename, startLine, at };
  }
}

/**
 * Labels repeat across samples (goroutine labels, heap object sizes): equal ones are resolved
 * once and shared. String labels, the common case, are keyed by a number (no string building).
 */
class LabelTable {
  private readonly byStrings = new Map<number, Label>();
  private readonly byNumber = new Map<string, Label>();

  constructor(private readonly decoder: { resolve(ref: StringRef, what: string): string }, private readonly strings: number) {}

  get(key: number, str: number, num: number, numUnit: number, at: number): Label {
    const plain = num === 0 && numUnit === 0 && key >= 0 && str >= 0 && key < this.strings && str < this.strings;
    const numberKey = key * this.strings + str;
    const textKey = plain ? '' : `${key},${str},${num},${numUnit}`;
    let label = plain ? this.byStrings.get(numberKey) : this.byNumber.get(textKey);
    if (label) return label;
    const resolve = (index: number, what: string) => this.decoder.resolve({ index, at }, what);
    label = { key: resolve(key, 'label key'), str: resolve(str, 'label value'), num, numUnit: resolve(numUnit, 'label unit') };
    if (plain) this.byStrings.set(numberKey, label);
    else this.byNumber.set(textKey, label);
    return label;
  }
}

/** Membership test for a set of IDs: a bitmap when they are small (the usual dense IDs). */
function idLookup(ids: Set<number>): (id: number) => boolean {
  let max = 0;
  for (const id of ids) if (id > max) max = id;
  if (max > 1 << 24) return (id) => ids.has(id);
  const bitmap = new Uint8Array(max + 1);
  for (const id of ids) bitmap[id] = 1;
  return (id) => bitmap[id] === 1;
}

/** IDs of a table, checked non-zero and unique as pprof requires. */
function uniqueIds(items: readonly { id: number; at: number }[], what: string): Set<number> {
  const ids = new Set<number>();
  for (const item of items) {
    if (item.id === 0) throw new WireError(item.at, 'corrupt', `${what} with the reserved ID 0: expected a non-zero ID`);
    if (ids.has(item.id)) throw new WireError(item.at, 'corrupt', `two ${what}s with ID ${item.id}: expected unique IDs`);
    ids.add(item.id);
  }
  return ids;
}
